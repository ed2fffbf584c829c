// Worker-thread entry for `qres compare --jobs N` (see pool.ts): says it is ready, then runs the jobs it is sent
// one at a time, reporting each finished run (progress) and then the job's result.
import { parentPort } from 'node:worker_threads';
import { runJob, type ComparePlan, type Job, type JobResult } from './plan';

export interface JobRequest {
  readonly plan: ComparePlan;
  readonly job: Job;
}

export type WorkerMessage = { type: 'ready' } | { type: 'run' } | { type: 'done'; result: JobResult } | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const send = (m: WorkerMessage) => port.postMessage(m);
  port.on('message', ({ plan, job }: JobRequest) => {
    try {
      send({ type: 'done', result: runJob(plan, job, () => send({ type: 'run' })) });
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  send({ type: 'ready' });
}
