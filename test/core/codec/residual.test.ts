import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CodecDecodeError,
  MODE_ADAPTIVE,
  MODE_STATIC,
  decodeResiduals,
  encodeResiduals,
  encodeWithModel,
  residualStreamMode,
} from '../../../src/core/codec/residual';
import { MAX_SYMBOLS_PER_BYTE } from '../../../src/core/codec/laplace';

function laplace(n: number, b: number, seed = 1): Int32Array {
  const r = new Int32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const u = (x + 0.5) / 2 ** 32;
    r[i] = Math.round(Math.sign(u - 0.5) * b * Math.log(1 - 2 * Math.abs(u - 0.5)));
  }
  return r;
}

function entropyBytes(r: Int32Array): number {
  const m = new Map<number, number>();
  for (const v of r) m.set(v, (m.get(v) ?? 0) + 1);
  let h = 0;
  for (const c of m.values()) h -= c * Math.log2(c / r.length);
  return h / 8;
}

const MODES = ['static', 'adaptive', 'histogram', 'auto'] as const;

describe('residual stream', () => {
  it.each(MODES)('round-trips any int32 residuals losslessly (%s)', (mode) => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.integer({ min: -40, max: 40 })), fc.array(fc.integer())), (xs) => {
        const r = Int32Array.from(xs);
        const bytes = encodeResiduals(r, { mode });
        expect(decodeResiduals(bytes)).toEqual(r);
        if (mode !== 'auto') expect(residualStreamMode(bytes)).toBe(mode);
      }),
      { numRuns: 1_000 },
    );
  });

  it('codes Laplace residuals within 1 % of their empirical entropy at every scale', () => {
    for (const b of [0.7, 3, 20, 300]) {
      const r = laplace(50_000, b, Math.round(b * 10));
      const bytes = encodeResiduals(r);
      expect(decodeResiduals(bytes)).toEqual(r);
      expect(bytes.length / entropyBytes(r)).toBeLessThan(1.01);
    }
  });

  it('adapts to a change of scale better than one static level', () => {
    const r = Int32Array.from([...laplace(20_000, 1, 3), ...laplace(20_000, 200, 4)]);
    const stat = encodeResiduals(r, { mode: 'static' }).length;
    const adaptive = encodeResiduals(r, { mode: 'adaptive' }).length;
    expect(adaptive).toBeLessThan(stat * 0.9);
  });

  it('learns a lattice-valued distribution with the histogram model', () => {
    const r = laplace(20_000, 3, 9).map((v) => v * 5 + (v & 1));
    const laplaceOnly = Math.min(encodeResiduals(r, { mode: 'static' }).length, encodeResiduals(r, { mode: 'adaptive' }).length);
    const hist = encodeResiduals(r, { mode: 'histogram' }).length;
    expect(hist).toBeLessThan(laplaceOnly * 0.85);
    expect(hist / entropyBytes(r)).toBeLessThan(1.03);
  });

  it('holds a million zeros in a few KB and still respects the per-byte length bound', () => {
    const bytes = encodeResiduals(new Int32Array(1_000_000));
    expect(bytes.length * MAX_SYMBOLS_PER_BYTE).toBeGreaterThan(1_000_000);
    expect(decodeResiduals(bytes).length).toBe(1_000_000);
  });

  it('rejects malformed headers with typed reasons', () => {
    const good = encodeWithModel(Int32Array.of(1, 2, 3), { mode: MODE_STATIC, level: 10, rate: 0 });
    const reason = (b: Uint8Array, opts = {}) => {
      try {
        decodeResiduals(b, opts);
      } catch (e) {
        expect(e).toBeInstanceOf(CodecDecodeError);
        return (e as CodecDecodeError).reason;
      }
      return 'ok';
    };
    expect(reason(good)).toBe('ok');
    expect(reason(good.subarray(0, 2))).toBe('header');
    expect(reason(Uint8Array.of(0x20, ...good.subarray(1)))).toBe('version');
    expect(reason(Uint8Array.of(0x17, ...good.subarray(1)))).toBe('mode');
    expect(reason(Uint8Array.of(0x10, 0xff, 0xff, 0xff, 0x7f, 10, 1, 2))).toBe('length');
    expect(reason(Uint8Array.of(0x10, 3, 200, 0))).toBe('param');
    expect(reason(encodeWithModel(Int32Array.of(1), { mode: MODE_ADAPTIVE, level: 3, rate: 3 }).map((x, i) => (i === 3 ? 0 : x)))).toBe('param');
    expect(reason(Uint8Array.of(0x10, 0x83, 0x00, 10))).toBe('header'); // non-canonical LEB128
    expect(reason(good, { maxLength: 2 })).toBe('length');
  });

  it('arbitrary bytes → a CodecDecodeError or residuals within the declared bound, nothing else (10,000 cases)', () => {
    const seeds = [0, 1, 2].map((m) => encodeResiduals(laplace(50, 4, m + 1), { mode: MODES[m]! }));
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 48 }),
      fc.tuple(fc.constantFrom(...seeds), fc.nat(60), fc.nat(255)).map(([s, i, v]) => s.map((x, j) => (j === i % s.length ? v : x))),
    );
    fc.assert(
      fc.property(input, (bytes) => {
        try {
          const out = decodeResiduals(bytes);
          expect(out.length).toBeLessThanOrEqual(MAX_SYMBOLS_PER_BYTE * (bytes.length + 5));
        } catch (e) {
          expect(e).toBeInstanceOf(CodecDecodeError);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
