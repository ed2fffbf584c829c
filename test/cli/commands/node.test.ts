import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeConfigFrom } from '../../../src/cli/commands/node';
import { UsageError } from '../../../src/cli/command';
import { fetchStatus, NODE_READY, spawnQres } from '../../../src/node/launcher';

describe('qres node', () => {
  it('parses its flags into a node configuration', () => {
    const c = nodeConfigFrom({ id: '7', swarm: 'lab', 'tick-ms': '20', 'round-s': '2', attack: 'alie', 'init-jitter': '0.5' });
    expect(c).toMatchObject({ id: 7, swarm: 'lab', tickMs: 20, roundS: 2, attack: 'alie', initJitterQ16: 32768 });
    expect(() => nodeConfigFrom({})).toThrow(UsageError);
    expect(() => nodeConfigFrom({ id: '1', attack: 'nope' })).toThrow(UsageError);
    expect(() => nodeConfigFrom({ id: '1', swarm: 'a/b' })).toThrow(UsageError);
  });

  it('runs without a broker (retrying), serves /status and /health, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qres-node-'));
    const proc = spawnQres(['node', '--id', '5', '--broker', 'mqtt://127.0.0.1:1', '--tick-ms', '20', '--storage', dir], NODE_READY);
    try {
      const url = await proc.ready;
      const health = await (await fetch(`${url}/health`)).json();
      expect(health).toMatchObject({ ok: true, id: 5, connected: false });
      const status = await fetchStatus(url);
      expect(status).toMatchObject({ id: 5, swarm: 'demo', role: 'honest', connected: false, neighbours: 31, banned: [] });
      expect(['calm', 'prestorm', 'storm']).toContain(status!.regime);
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      await proc.stop(2000);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
