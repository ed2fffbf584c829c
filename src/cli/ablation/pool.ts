// Runs the groups of a sweep, in this thread (jobs = 1) or on `jobs` worker threads. Each group is an
// independent, seeded computation, and results are put back in group order, so the figures — and the file
// written from them — do not depend on jobs or on which worker finished first.
import { Worker } from 'node:worker_threads';
import { runGroup, type GroupResult, type RunOutcome } from './runGroup';
import type { AblationPlan, RunGroup } from './plan';
import type { GroupRequest, WorkerMessage } from './worker';

/** Starts a worker and waits until it has loaded; undefined (and the reason) if it cannot. workerBoot.mjs
 *  registers tsx's TypeScript loader in the thread, then loads worker.ts. */
function bootWorker(): Promise<{ worker?: Worker; error?: unknown }> {
  const w = new Worker(new URL('./workerBoot.mjs', import.meta.url));
  return new Promise((resolve) => {
    const done = () => w.off('message', onMessage).off('error', onError).off('exit', onExit);
    const onMessage = (m: WorkerMessage) => {
      if (m.type !== 'ready') return;
      done();
      resolve({ worker: w });
    };
    const onError = (error: unknown) => {
      done();
      w.on('error', () => {});
      void w.terminate();
      resolve({ error });
    };
    const onExit = (code: number) => onError(new Error(`exited with code ${code}`));
    w.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/** A group whose worker died: every run in it failed with the same message. */
function crashed(group: RunGroup, err: unknown): GroupResult {
  const error = `worker crashed: ${err instanceof Error ? err.message : String(err)}`;
  const fail: RunOutcome = { drift: 0, honestBans: 0, attackerBans: 0, attackers: 0, lastAttackerBanRound: 0, driftOverTime: [], error };
  return { group, clean: fail, attacks: group.attacks.map(() => fail) };
}

/** Runs one group on a booted worker; resolves with the result, or a crashed result if the worker died. */
function onWorker(w: Worker, plan: AblationPlan, group: RunGroup, onRun: () => void): Promise<{ result: GroupResult; alive: boolean }> {
  return new Promise((resolve) => {
    const done = () => w.off('message', onMessage).off('error', onError).off('exit', onExit);
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'run') return onRun();
      if (m.type !== 'done') return;
      done();
      resolve({ result: m.result, alive: true });
    };
    const onError = (err: unknown) => {
      done();
      w.on('error', () => {});
      void w.terminate();
      resolve({ result: crashed(group, err), alive: false });
    };
    const onExit = (code: number) => onError(new Error(`exited with code ${code}`));
    w.on('message', onMessage).on('error', onError).on('exit', onExit);
    w.postMessage({ plan, group } satisfies GroupRequest);
  });
}

const breathe = () => new Promise((resolve) => setImmediate(resolve)); // lets progress and signals through

export async function runGroups(plan: AblationPlan, groups: readonly RunGroup[], jobs: number, onRun: () => void): Promise<GroupResult[]> {
  const results: GroupResult[] = new Array(groups.length);
  let next = 0;
  let warned = false;
  const inThread = async (): Promise<void> => {
    while (next < groups.length) {
      const index = next++;
      results[index] = runGroup(plan, groups[index]!, onRun);
      await breathe();
    }
  };
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    try {
      while (next < groups.length) {
        if (!worker) {
          const booted = await bootWorker();
          if (!booted.worker) {
            // The sweep itself is fine; only threads are unavailable (e.g. no tsx). Finish in this thread.
            if (!warned) process.stderr.write(`ablation: worker threads unavailable (${String(booted.error)}); running in one thread\n`);
            warned = true;
            return await inThread();
          }
          worker = booted.worker;
          // Another lane may have taken the last groups while this worker booted.
          if (next >= groups.length) break;
        }
        const index = next++;
        const { result, alive } = await onWorker(worker, plan, groups[index]!, onRun);
        results[index] = result;
        if (!alive) worker = undefined; // a fresh one for the next group
      }
    } finally {
      await worker?.terminate();
    }
  };
  if (jobs <= 1 || groups.length <= 1) await inThread();
  else await Promise.all(Array.from({ length: Math.min(jobs, groups.length) }, lane));
  return results;
}
