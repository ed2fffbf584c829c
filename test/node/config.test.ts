import { describe, expect, it } from 'vitest';
import { NodeConfigError, resolveNodeConfig, roundTicks } from '../../src/node/config';

describe('node config', () => {
  it('fills defaults and derives the round length in device ticks', () => {
    const c = resolveNodeConfig({ swarm: 'demo', id: 7 });
    expect(c.tickMs).toBe(100);
    expect(c.attack).toBe('none');
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
});
