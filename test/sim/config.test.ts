import { describe, expect, it } from 'vitest';
import { brainRadius, ConfigError, DEFAULT_CONFIG, resolveConfig, ticksFor } from '../../src/sim/config';

describe('resolveConfig', () => {
  it('fills defaults and keeps valid overrides', () => {
    const c = resolveConfig({ nodes: 300, loss: 0.5, aggregator: 'median', attack: 'alie', byzantine: 0.2 });
    expect(c).toEqual({ ...DEFAULT_CONFIG, nodes: 300, loss: 0.5, aggregator: 'median', attack: 'alie', byzantine: 0.2 });
  });

  it('names every bad field, with the valid names for registries', () => {
    try {
      resolveConfig({ nodes: 1.5, mtu: 10, aggregator: 'avg', attack: 'nope', seed: -1 } as never);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/nodes: 1.5 is not an integer/);
      expect(problems).toMatch(/mtu: 10/);
      expect(problems).toMatch(/seed: -1/);
      expect(problems).toMatch(/aggregator: unknown 'avg' \(valid: mean, median, trimmed-mean/);
      expect(problems).toMatch(/attack: unknown 'nope' \(valid: none, sign-flip/);
    }
  });

  it('rejects unknown and inherited keys instead of reading the prototype', () => {
    for (const key of ['colour', 'constructor', 'toString', '__proto__']) {
      const overrides = JSON.parse(`{"${key}": 1}`) as Record<string, unknown>;
      expect(() => resolveConfig(overrides as never)).toThrow(/unknown option/);
    }
  });

  it('scales the brain with √n beyond the default and converts seconds to ticks', () => {
    expect(brainRadius(150)).toBe(8);
    expect(brainRadius(600)).toBeCloseTo(16);
    expect(ticksFor(resolveConfig({ tickMs: 50 }), 3)).toBe(60);
  });
});
