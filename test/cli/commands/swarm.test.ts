import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countBans, perHour } from '../../../src/cli/commands/swarm';
import { spawnQres } from '../../../src/node/launcher';

describe('qres swarm', () => {
  it('counts an attacker as banned only when every honest node bans it', () => {
    const s = (id: number, banned: number[]) => ({ id, banned });
    expect(countBans([s(1, [3]), s(2, [3]), s(3, [])], new Set([3]))).toEqual({ attackers: 1, honest: 0 });
    expect(countBans([s(1, [3]), s(2, []), s(3, [])], new Set([3]))).toEqual({ attackers: 0, honest: 0 });
    expect(countBans([s(1, [2]), s(2, []), null], new Set())).toEqual({ attackers: 0, honest: 1 });
  });

  it("extrapolates counters to per node per hour from each node's uptime", () => {
    expect(perHour([{ uptimeS: 10, msgsSent: 5 }, { uptimeS: 20, msgsSent: 20 }, null], 'msgsSent')).toBe((1800 + 3600) / 2);
    expect(perHour([], 'msgsSent')).toBe(0);
  });

  it('starts a broker and node processes, bans the attacker, and reports per node per hour', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qres-swarmcmd-'));
    const proc = spawnQres(
      [
        'swarm',
        '--nodes',
        '4',
        '--attackers',
        '1',
        '--attack',
        'sign-flip',
        '--seconds',
        '8',
        '--tick-ms',
        '20',
        '--round-s',
        '2',
        '--port',
        '0',
        '--ws-port',
        '0',
        '--storage',
        dir,
        '--json',
      ],
      /^(\{.*\})$/m,
      45_000,
    );
    try {
      const report = JSON.parse(await proc.ready);
      expect(await proc.exited).toBe(0);
      expect(report).toMatchObject({ nodes: 4, attackers: 1, nodesUp: 4, attackersBannedByAllHonest: 1, honestBannedByAnyHonest: 0, authenticated: true });
      // keys were made in a temporary directory, the broker enforced logins, and the viewer's login is printed
      const out = proc.output.join('');
      expect(out).toMatch(/logins and ACL from \S*qres-keys-\S+\), live view \?live=ws:\/\/127\.0\.0\.1:\d+&swarm=demo&user=viewer&pass=\S+/);
      expect(out).not.toMatch(/UNAUTHENTICATED/);
      expect(report.perNodePerHour.messages).toBeGreaterThan(100);
      expect(report.perNodePerHour.mqttBytes).toBeGreaterThan(report.perNodePerHour.payloadBytes);
      expect(report.perNodePerDeviceHour.messages).toBeCloseTo(report.perNodePerHour.messages / 5, 5);
      expect(proc.output.join('')).toMatch(/up 4\/4/);
    } finally {
      await proc.stop(5000);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
