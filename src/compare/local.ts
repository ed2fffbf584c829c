// The reference row: every node learns alone (the same NLMS learner as the baselines) and sends nothing. What a
// protocol adds to, or takes from, a node's prediction of its own signal is its distance from this row.
import { createField, cutVertex, type RunResult, type Scenario, type Setting } from './harness';

export function runLocal(setting: Setting, scenario: Scenario): RunResult {
  const probe = scenario.failAtS !== undefined ? createField(setting, { attack: 'none', byzantine: 0 }) : null;
  const victim = probe ? cutVertex(probe.world.hood).eid : undefined;
  const field = createField(setting, scenario, { victim });
  for (let t = 0; t < field.ticks; t++) {
    field.sense();
    field.learn();
    field.endTick();
  }
  return field.result(victim);
}
