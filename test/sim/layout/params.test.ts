import { describe, expect, it } from 'vitest';
import { defaultLayoutParams, LayoutParamsError, validateLayoutParams } from '../../../src/sim/layout/params';

describe('defaultLayoutParams', () => {
  it('is the original at radius 8, except the weaker centre gravity', () => {
    expect(defaultLayoutParams(8)).toEqual({
      repulsion: 12,
      springK: 0.5,
      springKEvolved: 2.25,
      restLength: 2.5,
      springCutoff: 5.25,
      globalAttraction: 0.15,
      globalFalloff: 0.1,
      centreGravity: 1.25,
      surfaceTension: 2,
      shellRadius: expect.closeTo(6.8, 4),
      damping: 0.75,
      maxSpeed: 6,
      maxDt: 0.05,
      theta: 0.9,
    });
  });

  it('scales the shell with the radius (constant thickness) and the global terms with it', () => {
    const big = defaultLayoutParams(80);
    expect(big.shellRadius).toBeCloseTo(78.8, 4);
    expect(big.centreGravity * 80).toBeCloseTo(1.25 * 8, 9); // same pull at the shell
    expect(big.globalAttraction).toBeCloseTo(0.15 / 100, 12);
    expect(big.repulsion).toBe(12); // local forces keep their values: node density is the same
    expect(() => defaultLayoutParams(0)).toThrow(LayoutParamsError);
    expect(() => defaultLayoutParams(NaN)).toThrow(LayoutParamsError);
  });
});

describe('validateLayoutParams', () => {
  it('names every bad field', () => {
    const bad = { ...defaultLayoutParams(8), damping: 1.5, theta: -1, maxSpeed: 0, repulsion: NaN };
    try {
      validateLayoutParams(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LayoutParamsError);
      expect((e as LayoutParamsError).problems.map((p) => p.split(':')[0])).toEqual(['repulsion', 'damping', 'maxSpeed', 'theta']);
    }
    expect(() => validateLayoutParams(defaultLayoutParams(30))).not.toThrow();
  });
});
