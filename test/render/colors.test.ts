import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EDGE_PALETTE, edgeColor, edgeKind, hslToRgb, nodeLook, nodeVisual } from '../../src/render/colors';
import { REGIME_PRESTORM, REGIME_STORM, STATE_BANNED, STATE_DETECTED, STATE_EVOLVED, STATE_HEALED, STATE_IN_NOISE } from '../../src/sim/snapshot';

const rgb = (state: number, id = 3, t = 1.5) => {
  const out = new Float32Array(4);
  const scale = nodeVisual(state, id, t, out, 0);
  return { r: out[0], g: out[1], b: out[2], a: out[3], scale };
};

describe('nodeLook', () => {
  it('maps state bits to the palette: banned > evolved > storm > preStorm > calm', () => {
    expect(nodeLook(0)).toBe('calm');
    expect(nodeLook(STATE_IN_NOISE)).toBe('calm');
    expect(nodeLook(REGIME_PRESTORM)).toBe('preStorm');
    expect(nodeLook(REGIME_STORM)).toBe('storm');
    expect(nodeLook(REGIME_STORM | STATE_EVOLVED)).toBe('evolved');
    expect(nodeLook(STATE_EVOLVED | STATE_BANNED)).toBe('banned');
  });
});

describe('hslToRgb', () => {
  it('gives the primaries and grey', () => {
    const o = new Float32Array(3);
    hslToRgb(0, 1, 0.5, o, 0);
    expect(Array.from(o)).toEqual([1, 0, 0]);
    hslToRgb(120, 1, 0.5, o, 0);
    expect(Array.from(o)).toEqual([0, 1, 0]);
    hslToRgb(240 + 360, 1, 0.5, o, 0);
    expect(Array.from(o)).toEqual([0, 0, 1]);
    hslToRgb(77, 0, 0.25, o, 0);
    expect(Array.from(o)).toEqual([0.25, 0.25, 0.25]);
  });
});

describe('nodeVisual', () => {
  it('calm is blue and below the bloom threshold', () => {
    const c = rgb(0);
    expect(c.b).toBeGreaterThan(c.r);
    expect(c.b).toBeGreaterThan(c.g);
    expect(Math.max(c.r, c.g, c.b)).toBeLessThan(0.75);
  });

  it('storm is red-orange and glows (above 1)', () => {
    const c = rgb(REGIME_STORM);
    expect(c.r).toBeGreaterThan(1);
    expect(c.r).toBeGreaterThan(c.g);
    expect(c.g).toBeGreaterThan(c.b);
  });

  it('preStorm is amber: red and green high, blue low', () => {
    const c = rgb(REGIME_PRESTORM);
    expect(c.g / c.r).toBeGreaterThan(0.5);
    expect(c.b).toBeLessThan(0.2 * c.r);
  });

  it('evolved is purple, bigger, and pulses over time', () => {
    const c = rgb(STATE_EVOLVED);
    expect(c.r).toBeGreaterThan(c.g);
    expect(c.b).toBeGreaterThan(c.g);
    const brightness = (t: number) => {
      const v = rgb(STATE_EVOLVED, 3, t);
      return v.r + v.g + v.b;
    };
    const samples = Array.from({ length: 40 }, (_, k) => brightness(k * 0.1));
    expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(0.5);
    expect(c.scale).toBeGreaterThan(rgb(0).scale);
  });

  it('banned is grey and small; detected is tinted red; a fresh heal flashes white', () => {
    const banned = rgb(STATE_BANNED | REGIME_STORM);
    expect(banned.r).toBeCloseTo(banned.g, 1);
    expect(banned.scale).toBeLessThan(rgb(0).scale);
    const detected = rgb(STATE_DETECTED);
    expect(detected.r).toBeGreaterThan(2 * detected.b);
    const healed = rgb(STATE_HEALED);
    const calm = rgb(0);
    expect(healed.r).toBeGreaterThan(calm.r + 0.5);
    expect(healed.scale).toBeGreaterThan(calm.scale);
  });

  it('is deterministic in (state, id, t) and always finite, opaque and non-negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.nat(1_000_000), fc.double({ min: 0, max: 1e5, noNaN: true }), (s, id, t) => {
        const a = rgb(s, id, t);
        const b = rgb(s, id, t);
        expect(a).toEqual(b);
        for (const v of [a.r, a.g, a.b, a.scale]) {
          expect(Number.isFinite(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
        }
        expect(a.a).toBe(1);
      }),
    );
  });
});

describe('edge colours by pair', () => {
  it('classifies pairs: both Evolved, one Evolved, neither, banned', () => {
    expect(edgeKind(STATE_EVOLVED, STATE_EVOLVED | REGIME_STORM)).toBe('evolvedPair');
    expect(edgeKind(STATE_EVOLVED, 0)).toBe('mixed');
    expect(edgeKind(0, STATE_EVOLVED)).toBe('mixed');
    expect(edgeKind(REGIME_STORM, 0)).toBe('plain');
    expect(edgeKind(STATE_EVOLVED, STATE_BANNED | STATE_EVOLVED)).toBe('banned');
  });

  it('purple, cyan, dim blue', () => {
    const o = new Float32Array(4);
    edgeColor(STATE_EVOLVED, STATE_EVOLVED, 0, o, 0);
    expect(o[0]).toBeGreaterThan(o[1]);
    expect(o[2]).toBeGreaterThan(o[1]); // purple: red and blue, little green
    edgeColor(STATE_EVOLVED, 0, 0, o, 0);
    expect(o[1]).toBeGreaterThan(o[0]);
    expect(o[2]).toBeGreaterThan(o[0]); // cyan
    edgeColor(0, 0, 0, o, 0);
    expect(o[2]).toBeGreaterThan(o[0]);
    expect(o[3]).toBeLessThan(EDGE_PALETTE.mixed[3]); // dim
  });

  it('traffic brightens and makes a link more opaque, capped', () => {
    const idle = new Float32Array(4);
    const busy = new Float32Array(4);
    edgeColor(0, 0, 0, idle, 0);
    edgeColor(0, 0, 1, busy, 0);
    expect(busy[2]).toBeGreaterThan(2 * idle[2]);
    expect(busy[3]).toBeGreaterThan(idle[3]);
    const over = new Float32Array(4);
    edgeColor(0, 0, 7, over, 0);
    expect(Array.from(over)).toEqual(Array.from(busy));
    expect(over[3]).toBeLessThanOrEqual(1);
  });
});
