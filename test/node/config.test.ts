import { describe, expect, it } from 'vitest';
import { deviceTick, NodeConfigError, resolveNodeConfig, roundTicks } from '../../src/node/config';

describe('node config', () => {
  it('fills defaults and derives the round length in device ticks', () => {
    const c = resolveNodeConfig({ swarm: 'demo', id: 7 });
    expect(c.tickMs).toBe(100);
    expect(c.attack).toBe('none');
    expect(c.prefetch).toBe(false); // opt-in (--prefetch), as qres sim: a trade of bytes for latency
    expect(resolveNodeConfig({ swarm: 'demo', id: 7, prefetch: true }).prefetch).toBe(true);
    expect(roundTicks(c)).toBe(100);
    expect(roundTicks(resolveNodeConfig({ swarm: 'demo', id: 7, roundS: 0.5 }))).toBe(5);
  });

  it('names every bad field', () => {
    try {
      resolveNodeConfig({ swarm: 'a/b', id: 70000, tickMs: 0, attack: 'nope' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(NodeConfigError);
      expect((err as NodeConfigError).problems.length).toBe(4);
    }
  });

  it("counts device ticks from the swarm epoch, and refuses an epoch whose ticks would not fit the rules' Int32 columns", () => {
    const epochMs = Date.UTC(2026, 5, 1);
    const c = resolveNodeConfig({ swarm: 'demo', id: 1, tickMs: 20, epochMs });
    expect(deviceTick(c, epochMs)).toBe(0);
    expect(deviceTick(c, epochMs + 19)).toBe(0);
    expect(deviceTick(c, epochMs + 20)).toBe(1);
    // The default epoch keeps today's tick far below 2^31 even at 5x speed.
    const now = resolveNodeConfig({ swarm: 'demo', id: 1, tickMs: 20 });
    expect(deviceTick(now, Date.now())).toBeLessThan(2 ** 31 - 1);
    expect(() => resolveNodeConfig({ swarm: 'demo', id: 1, tickMs: 1, epochMs: 0 })).toThrow(/epoch/);
    expect(() => resolveNodeConfig({ swarm: 'demo', id: 1, epochMs: Date.now() + 86_400_000 })).toThrow(/epoch/);
  });
});
