// Starting real node processes (for `qres swarm` and the tests): `node --import tsx src/node/entry.ts node …`,
// waiting for the status URL the node prints, reading /status, and stopping it (SIGTERM, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** The repository root (three levels above this file) and the CLI entry. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The lean entry (node and broker commands only); `npm run qres -- node` runs the same command. */
const ENTRY = resolve(REPO_ROOT, 'src/node/entry.ts');

export interface SpawnedProcess {
  child: ChildProcess;
  /** Lines written to stdout and stderr so far (for diagnostics). */
  output: string[];
  /** The first match of `ready` in stdout. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after graceMs if it has not exited. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Spawns `qres <args…>` and resolves `ready` with the first stdout match of `ready` (group 1 or 0). */
export function spawnQres(args: string[], ready: RegExp, timeoutMs = 30_000): SpawnedProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const readyPromise = new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`qres ${args.join(' ')}: not ready after ${timeoutMs} ms\n${output.join('')}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output.push(text);
      const m = ready.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
        res(m[1] ?? m[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`qres ${args.join(' ')} exited (${code}) before it was ready\n${output.join('')}`));
    });
  });
  readyPromise.catch(() => undefined); // observed by the caller; never an unhandled rejection
  // Keep only recent output so a long run does not grow without bound.
  const trim = setInterval(() => output.length > 400 && output.splice(0, output.length - 200), 5000);
  trim.unref();
  void exited.then(() => clearInterval(trim));
  return {
    child,
    output,
    ready: readyPromise,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export const NODE_READY = /status at (http:\/\/127\.0\.0\.1:\d+)\/status/;
export const BROKER_READY = /(mqtt:\/\/127\.0\.0\.1:\d+)/;

/** GET /status of a node; null if it does not answer within timeoutMs. */
export async function fetchStatus(httpUrl: string, timeoutMs = 2000): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(`${httpUrl}/status`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
