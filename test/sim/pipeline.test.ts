import { describe, expect, it } from 'vitest';
import { PIPELINE } from '../../src/sim/pipeline';
import { createSim } from '../../src/sim/runner';
import type { ComponentName } from '../../src/sim/world';

type Columns = Record<string, Record<string, ArrayLike<number>>>;

function copyColumns(components: Columns): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [name, fields] of Object.entries(components)) {
    out[name] = {};
    for (const [field, array] of Object.entries(fields)) out[name]![field] = Array.from(array);
  }
  return out;
}

function changedComponents(before: Record<string, Record<string, number[]>>, components: Columns): Set<string> {
  const changed = new Set<string>();
  for (const [name, fields] of Object.entries(components)) {
    for (const [field, array] of Object.entries(fields)) {
      const old = before[name]![field]!;
      for (let i = 0; i < old.length; i++) {
        if (!Object.is(old[i], array[i])) {
          changed.add(name);
          break;
        }
      }
    }
  }
  return changed;
}

describe('pipeline', () => {
  it('runs the systems in the order of DESIGN.md §3', () => {
    expect(PIPELINE.map((s) => s.name)).toEqual([
      'noiseZone', 'sensor', 'cortex', 'evolution', 'gossip', 'packetPhysics',
      'geneInstall', 'consensus', 'persistence', 'layout', 'metrics',
    ]);
  });

  it('every system changes only the components it declares as written', () => {
    const sim = createSim({ nodes: 150, seed: 7, layout: true });
    const undeclared: string[] = [];
    const seenWrites = new Map<string, Set<string>>();
    // Sample many ticks so that round-end and storm-only code paths run too (storms start within seconds).
    for (let round = 0; round < 40; round++) {
      sim.step(round === 0 ? 150 : 49); // 49 steps: some samples land on a round end (tick ≡ 99 mod 100)
      for (const system of PIPELINE) {
        const components = sim.world.components as unknown as Columns;
        const before = copyColumns(components);
        system.run(sim.world);
        for (const name of changedComponents(before, components)) {
          if (!system.writes.includes(name as ComponentName)) undeclared.push(`${system.name} wrote ${name}`);
          if (!seenWrites.has(system.name)) seenWrites.set(system.name, new Set());
          seenWrites.get(system.name)!.add(name);
        }
      }
    }
    expect([...new Set(undeclared)]).toEqual([]);
    // The check has teeth: the systems that must write did write what they declare.
    expect([...(seenWrites.get('cortex') ?? [])].sort()).toEqual(['Neuron', 'Regime']);
    expect(seenWrites.get('layout')?.has('Drawn')).toBe(true);
    expect(seenWrites.get('consensus')?.has('Consensus')).toBe(true);
  });

  it('declares only real components, and reads only what spawn or an earlier system provides', () => {
    const sim = createSim({ nodes: 10 });
    const names = new Set(Object.keys(sim.world.components));
    const spawned = new Set(['Home', 'Role', 'Sensor', 'Neuron', 'Regime', 'Consensus', 'Evolution', 'Radio', 'Noise', 'Drawn', 'Membership']);
    for (const system of PIPELINE) {
      for (const c of [...system.reads, ...system.writes]) expect(names.has(c), `${system.name}: ${c}`).toBe(true);
      for (const c of system.reads) expect(spawned.has(c)).toBe(true);
    }
  });
});
