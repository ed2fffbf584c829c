import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as q16 from '../../../src/core/fixed/q16';
import {
  Bfp16DecodeError,
  VarianceMonitor,
  addBfp,
  decodeBfp16,
  encodeBfp16,
  fromFloats,
  fromQ16,
  fromScaled,
  normalize,
  toFloats,
  toQ16,
} from '../../../src/core/fixed/bfp16';

const exact = (b: { exponent: number; mantissas: Int16Array }) => Array.from(b.mantissas, (m) => m * 2 ** b.exponent);

describe('BFP-16', () => {
  it('encodes Q16 vectors within half a step of the shared exponent (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 16 }), (xs) => {
        const v = Int32Array.from(xs);
        const b = fromQ16(v);
        const step = 2 ** b.exponent;
        b.mantissas.forEach((m, i) => {
          expect(Math.abs(m)).toBeLessThanOrEqual(32767);
          expect(Math.abs(m * step - v[i]!)).toBeLessThanOrEqual(step / 2);
        });
        const max = Math.max(...xs.map(Math.abs));
        if (max < 32768) expect(Array.from(toQ16(b))).toEqual(xs.map((x) => x + 0)); // exact below 2^15
      }),
      { numRuns: 10_000 },
    );
  });

  it('round-trips the wire format: 1 + 2n bytes, little-endian mantissas', () => {
    const b = fromScaled([1, -2, 300], -20);
    const bytes = encodeBfp16(b);
    expect(bytes.length).toBe(7);
    expect(decodeBfp16(bytes)).toEqual(b);
    expect(encodeBfp16(fromQ16(new Int32Array(8))).length).toBe(17);
  });

  it('rejects malformed input with typed reasons; arbitrary bytes never throw anything else (10,000 cases)', () => {
    const reason = (bytes: Uint8Array, n?: number) => {
      try {
        decodeBfp16(bytes, n);
        return 'ok';
      } catch (e) {
        expect(e).toBeInstanceOf(Bfp16DecodeError);
        return (e as Bfp16DecodeError).reason;
      }
    };
    expect(reason(new Uint8Array(0))).toBe('empty');
    expect(reason(new Uint8Array(4))).toBe('length');
    expect(reason(new Uint8Array(5), 3)).toBe('length');
    expect(reason(Uint8Array.of(0, 0x00, 0x80))).toBe('range');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const r = reason(bytes);
        if (r === 'ok') expect(encodeBfp16(decodeBfp16(bytes))).toEqual(bytes);
      }),
      { numRuns: 10_000 },
    );
  });

  it('keeps 1e-5 updates that Q16 cannot hold', () => {
    // 1e-5 is 0.66 of a Q16 step: Q16 stores it as 1 step (+53 %); 3e-6 (lr 1e-5 × gradient 0.3) as 0.
    expect(q16.fromFloat(1e-5)).toBe(1);
    expect(q16.mul(q16.fromFloat(1e-5), q16.fromFloat(0.3))).toBe(0);
    // Each add rounds to half a step of the sum's exponent (15 significant bits), so the sum stays within
    // 1 % while it is below ~1,000 updates' worth; Q16 is off by half from the first update.
    const n = 1000;
    let bfp = fromQ16(new Int32Array(2));
    let q = 0;
    const update = fromFloats([1e-5, -1e-5]);
    for (let i = 0; i < n; i++) {
      bfp = addBfp(bfp, update);
      q += q16.fromFloat(1e-5);
    }
    const [sum, neg] = toFloats(bfp);
    expect(Math.abs(sum! - n * 1e-5) / (n * 1e-5)).toBeLessThan(0.01);
    expect(neg).toBeCloseTo(-sum!, 12);
    expect(Math.abs(q16.toFloat(q) - n * 1e-5) / (n * 1e-5)).toBeGreaterThan(0.5);

    let tiny = fromQ16(new Int32Array(1));
    let tinyQ = 0;
    const step = fromFloats([3e-6]);
    for (let i = 0; i < 1000; i++) {
      tiny = addBfp(tiny, step);
      tinyQ = q16.add(tinyQ, q16.mul(q16.fromFloat(1e-5), q16.fromFloat(0.3)));
    }
    expect(toFloats(tiny)[0]).toBeCloseTo(3e-3, 4);
    expect(tinyQ).toBe(0);
  });

  it('adding a zero block never rounds the other (CI counterexample [[1,0]], e = −37)', () => {
    const tiny = fromScaled([1], -37);
    const zero = fromScaled([0], -37);
    expect(exact(addBfp(tiny, zero))).toEqual([2 ** -37]);
    expect(exact(addBfp(zero, tiny))).toEqual([2 ** -37]);
    expect(exact(addBfp(zero, zero))).toEqual([0]);
  });

  it('adds exactly when the result fits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -16000, max: 16000 }), fc.integer({ min: -16000, max: 16000 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -40, max: 40 }),
        (pairs, e) => {
          const a = fromScaled(
            pairs.map((p) => p[0]),
            e,
          );
          const b = fromScaled(
            pairs.map((p) => p[1]),
            e,
          );
          expect(exact(addBfp(a, b))).toEqual(pairs.map((p) => (p[0] + p[1]) * 2 ** e));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('normalize shifts mantissas to full scale without changing any value', () => {
    const b = fromScaled([3, -5, 0], 10);
    const { block, shift } = normalize(b);
    expect(shift).toBe(12);
    expect(exact(block)).toEqual(exact(b));
    expect(Math.max(...Array.from(block.mantissas, Math.abs))).toBeGreaterThanOrEqual(16384);
  });
});

describe('VarianceMonitor', () => {
  it('flags vanishing updates after `trigger` in a row and rescales without changing values', () => {
    const monitor = new VarianceMonitor({ trigger: 3 });
    const tiny = fromScaled([3, -2, 1, 0], -30); // ≈ 3e-14 real: far below 2^−23
    const big = fromFloats([0.01, -0.02]);
    expect(monitor.observe(tiny).vanishing).toBe(false);
    expect(monitor.observe(tiny).vanishing).toBe(false);
    expect(monitor.observe(big).vanishing).toBe(false); // the streak resets
    monitor.observe(tiny);
    monitor.observe(tiny);
    const out = monitor.observe(tiny);
    expect(out.vanishing).toBe(true);
    expect(exact(out.block)).toEqual(exact(tiny));
    expect(Math.max(...Array.from(out.block.mantissas, Math.abs))).toBeGreaterThanOrEqual(16384);
    expect(out.gainLog2).toBe(20);
    expect(monitor.rescales).toBe(1);
  });

  it('does not flag updates above the threshold', () => {
    const monitor = new VarianceMonitor({ trigger: 1 });
    expect(monitor.observe(fromFloats([1e-5, 1e-5])).vanishing).toBe(false);
    expect(monitor.observe(fromFloats([1e-8, 1e-8])).vanishing).toBe(true);
  });
});
