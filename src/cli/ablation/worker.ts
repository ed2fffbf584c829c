// Worker-thread entry for a parallel ablation sweep (see pool.ts): says it is ready, then runs the groups it
// is sent one at a time, reporting each finished sim run (for the progress bar) and then the group's result.
import { parentPort } from 'node:worker_threads';
import { runGroup, type GroupResult } from './runGroup';
import type { AblationPlan, RunGroup } from './plan';

export interface GroupRequest {
  readonly plan: AblationPlan;
  readonly group: RunGroup;
}

export type WorkerMessage = { type: 'ready' } | { type: 'run' } | { type: 'done'; result: GroupResult };

const port = parentPort;
if (port) {
  const send = (m: WorkerMessage) => port.postMessage(m);
  port.on('message', ({ plan, group }: GroupRequest) => {
    const result = runGroup(plan, group, () => send({ type: 'run' }));
    send({ type: 'done', result });
  });
  send({ type: 'ready' });
}
