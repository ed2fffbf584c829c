// Runs the jobs of a comparison in this thread (jobs = 1) or on worker threads. Every job is an independent,
// seeded computation and results are put back in job order, so the figures do not depend on the job count.
import { Worker } from 'node:worker_threads';
import { runJob, type ComparePlan, type Job, type JobResult } from './plan';
import type { JobRequest, WorkerMessage } from './worker';

const breathe = () => new Promise((resolve) => setImmediate(resolve));

export async function runJobs(plan: ComparePlan, jobs: Job[], threads: number, onRun: () => void): Promise<JobResult[]> {
  const results: JobResult[] = new Array(jobs.length);
  if (threads <= 1) {
    for (let i = 0; i < jobs.length; i++) {
      results[i] = runJob(plan, jobs[i]!, onRun);
      await breathe();
    }
    return results;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    const w = new Worker(new URL('./workerBoot.mjs', import.meta.url));
    try {
      await new Promise<void>((resolve, reject) => {
        w.once('error', reject);
        w.once('message', (m: WorkerMessage) => (m.type === 'ready' ? resolve() : reject(new Error('worker did not start'))));
      });
      while (next < jobs.length) {
        const i = next++;
        results[i] = await new Promise<JobResult>((resolve, reject) => {
          const onMessage = (m: WorkerMessage) => {
            if (m.type === 'run') return onRun();
            w.off('message', onMessage).off('error', reject);
            if (m.type === 'done') resolve(m.result);
            else if (m.type === 'error') reject(new Error(m.message));
          };
          w.on('message', onMessage).once('error', reject);
          w.postMessage({ plan, job: jobs[i]! } satisfies JobRequest);
        });
      }
    } finally {
      await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, worker));
  return results;
}
