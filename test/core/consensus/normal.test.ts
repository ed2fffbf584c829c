import { describe, expect, it } from 'vitest';
import { alieZQ16, normalCdf, normalQuantile } from '../../../src/core/consensus/normal';

describe('normal distribution', () => {
  it('matches tabulated values of Φ and Φ⁻¹', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 8);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 8);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874, 7);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644853627, 7);
  });
  it("gives ALIE's z: s = ⌊n/2⌋ + 1 − f, z = Φ⁻¹((n − s)/n)", () => {
    // Baruch et al.: n = 50, f = 12 → s = 14, z = Φ⁻¹(0.72) ≈ 0.583.
    expect(alieZQ16(50, 12) / 65536).toBeCloseTo(0.5828, 3);
    // 50 honest + 50 Sybils: s = 1, z = Φ⁻¹(0.99).
    expect(alieZQ16(100, 50) / 65536).toBeCloseTo(2.3263, 3);
    expect(alieZQ16(100, 80)).toBe(alieZQ16(100, 50)); // s clamped to 1
    expect(() => alieZQ16(1, 0)).toThrow(RangeError);
  });
});
