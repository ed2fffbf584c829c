import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as q from '../../../src/core/fixed/q16';
import { Q16RangeError } from '../../../src/core/fixed/q16';

// Every arithmetic property is checked against an exact BigInt model of the specification.
const RUNS = { numRuns: 10_000 };
const B_MIN = BigInt(q.MIN);
const B_MAX = BigInt(q.MAX);
const B_HALF = 1n << 15n;

function sat(n: bigint): number {
  return Number(n > B_MAX ? B_MAX : n < B_MIN ? B_MIN : n);
}

/** floor(√n) for n ≥ 0 by Newton's method on BigInt. */
function bigIsqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

function refDiv(a: number, b: number): number {
  if (b === 0) return a > 0 ? q.MAX : a < 0 ? q.MIN : 0;
  const num = BigInt(a) << 16n;
  const den = BigInt(b);
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let quotient = n / d;
  if (2n * (n % d) >= d) quotient += 1n; // ties away from zero
  return sat(num < 0n !== den < 0n ? -quotient : quotient);
}

// Full-range values, plus small ones (where rounding and cancellation matter most) and the edges.
const anyQ16 = fc.oneof(
  fc.integer({ min: q.MIN, max: q.MAX }),
  fc.integer({ min: -(1 << 20), max: 1 << 20 }),
  fc.integer({ min: -300, max: 300 }),
  fc.constantFrom(q.MIN, q.MAX, q.MIN + 1, q.MAX - 1, 0, 1, -1, q.ONE, -q.ONE, q.HALF, -q.HALF),
);
const vec8 = fc.array(anyQ16, { minLength: 8, maxLength: 8 });

describe('q16 arithmetic against a BigInt reference', () => {
  it('add and sub saturate', () => {
    fc.assert(
      fc.property(anyQ16, anyQ16, (a, b) => {
        expect(q.add(a, b)).toBe(sat(BigInt(a) + BigInt(b)));
        expect(q.sub(a, b)).toBe(sat(BigInt(a) - BigInt(b)));
      }),
      RUNS,
    );
  });

  it('mul = sat((a·b + 2^15) >> 16)', () => {
    fc.assert(
      fc.property(anyQ16, anyQ16, (a, b) => {
        expect(q.mul(a, b)).toBe(sat((BigInt(a) * BigInt(b) + B_HALF) >> 16n));
      }),
      RUNS,
    );
  });

  it('mul: the small-operand fast path (|a|, |b| < 2^26) and its edges agree with the reference', () => {
    const edge = fc.constantFrom(0x3ffffff, -0x3ffffff, 0x4000000, -0x4000000, 0x4000001, 1, -1, 0, 32768, -32768);
    const small = fc.oneof(fc.integer({ min: -0x3ffffff, max: 0x3ffffff }), edge);
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(q.mul(a, b)).toBe(sat((BigInt(a) * BigInt(b) + B_HALF) >> 16n));
      }),
      RUNS,
    );
  });

  it('dotAt: the weight-limit fast path (|aᵢ| ≤ 2^19, any bᵢ) agrees with the reference', () => {
    const weight = fc.oneof(fc.integer({ min: -0x80000, max: 0x80000 }), fc.constantFrom(0x80000, -0x80000, 0x80001, -0x80001));
    const weights = fc.array(weight, { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(weights, vec8, (a, b) => {
        let sum = 0n;
        for (let i = 0; i < 8; i++) sum += BigInt(a[i]!) * BigInt(b[i]!);
        expect(q.dotAt(a, 0, b, 0, 8)).toBe(sat((sum + B_HALF) >> 16n));
      }),
      RUNS,
    );
  });

  it('dot8 and dotAt round once: sat((Σ aᵢbᵢ + 2^15) >> 16)', () => {
    fc.assert(
      fc.property(vec8, vec8, fc.nat(4), (a, b, off) => {
        let sum = 0n;
        for (let i = 0; i < 8; i++) sum += BigInt(a[i]!) * BigInt(b[i]!);
        const expected = sat((sum + B_HALF) >> 16n);
        expect(q.dot8(a, b)).toBe(expected);
        // The offset variant reads the same terms out of larger buffers.
        const pa = new Int32Array(16);
        const pb = new Int32Array(16);
        pa.set(a, off);
        pb.set(b, 7 - off);
        expect(q.dotAt(pa, off, pb, 7 - off, 8)).toBe(expected);
      }),
      RUNS,
    );
  });

  it('dotAt rounds the sum, not each term', () => {
    // Each product is 0.5 LSB: per-term rounding would give 8, one rounding gives 4 (8 halves = 4 LSB).
    const a = new Int32Array(8).fill(1);
    const b = new Int32Array(8).fill(q.HALF);
    expect(q.dotAt(a, 0, b, 0, 8)).toBe(4);
  });

  it('div rounds to nearest, ties away from zero, and saturates (b = 0 → sign of a)', () => {
    fc.assert(
      fc.property(anyQ16, anyQ16, (a, b) => {
        expect(q.div(a, b)).toBe(refDiv(a, b));
      }),
      RUNS,
    );
    expect(q.div(q.ONE, 0)).toBe(q.MAX);
    expect(q.div(-q.ONE, 0)).toBe(q.MIN);
    expect(q.div(0, 0)).toBe(0);
    expect(q.div(3, 2 * q.ONE)).toBe(2); // 1.5 LSB → 2
    expect(q.div(-3, 2 * q.ONE)).toBe(-2); // −1.5 LSB → −2
    expect(Object.is(q.div(-1, 1000 * q.ONE), 0)).toBe(true); // no negative zero
  });

  it('sqrt = floor(√(a·2^16)) and rejects negatives', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: q.MAX }), fc.integer({ min: 0, max: 1 << 20 })), (a) => {
        expect(q.sqrt(a)).toBe(Number(bigIsqrt(BigInt(a) << 16n)));
      }),
      RUNS,
    );
    expect(q.sqrt(4 * q.ONE)).toBe(2 * q.ONE);
    expect(() => q.sqrt(-1)).toThrow(Q16RangeError);
  });

  it('neg and abs saturate at MIN', () => {
    fc.assert(
      fc.property(anyQ16, (a) => {
        expect(q.neg(a)).toBe(sat(-BigInt(a)));
        expect(q.abs(a)).toBe(sat(BigInt(a) < 0n ? -BigInt(a) : BigInt(a)));
      }),
      RUNS,
    );
  });
});

describe('q16 conversions', () => {
  it('toInt floors and fromInt round-trips', () => {
    fc.assert(
      fc.property(anyQ16, (a) => {
        expect(q.toInt(a)).toBe(Number(BigInt(a) >> 16n));
        expect(q.toInt(a)).toBe(Math.floor(a / 65536));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), (n) => {
        expect(q.toInt(q.fromInt(n))).toBe(n);
      }),
      RUNS,
    );
    expect(() => q.fromInt(32768)).toThrow(Q16RangeError);
    expect(() => q.fromInt(1.5)).toThrow(Q16RangeError);
  });

  it('fromFloat is exact on representable values and round-trips with toFloat', () => {
    fc.assert(
      fc.property(anyQ16, (a) => {
        expect(q.fromFloat(q.toFloat(a))).toBe(a);
      }),
      RUNS,
    );
  });

  it('fromFloat rounds to the nearest step inside [-32768, 32768)', () => {
    fc.assert(
      fc.property(fc.double({ min: -32768, max: 32768, maxExcluded: true, noNaN: true }), (f) => {
        const r = q.fromFloat(f);
        expect(Number.isInteger(r) && r >= q.MIN && r <= q.MAX).toBe(true);
        // f · 2^16 is exact (a power-of-two scaling), so this compares distances without rounding.
        const distance = Math.abs(r - f * 65536);
        expect(distance <= 0.5 || (r === q.MAX && f * 65536 > q.MAX)).toBe(true);
      }),
      RUNS,
    );
    expect(q.fromFloat(1.5)).toBe(98304);
    expect(q.fromFloat(-32768)).toBe(q.MIN);
    expect(q.fromFloat(32768 - 2 ** -20)).toBe(q.MAX);
  });

  it('fromFloat throws Q16RangeError outside the range or for non-finite input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 32768, noNaN: true }),
          fc.double({ max: -32768, maxExcluded: true, noNaN: true }),
          fc.constantFrom(Number.NaN, Infinity, -Infinity),
        ),
        (f) => {
          expect(() => q.fromFloat(f)).toThrow(Q16RangeError);
        },
      ),
      RUNS,
    );
  });
});

describe('q16 trigonometry', () => {
  const TRIG_ERROR = 0.00003; // measured max 1.9e-5 over the whole Q16 range
  const anyAngle = fc.oneof(fc.integer({ min: q.MIN, max: q.MAX }), fc.integer({ min: -20 * q.ONE, max: 20 * q.ONE }));

  it(`sin and cos are within ${TRIG_ERROR} of Math.sin/Math.cos over the whole range`, () => {
    fc.assert(
      fc.property(anyAngle, (x) => {
        const xf = x / 65536;
        expect(Math.abs(q.sin(x) / 65536 - Math.sin(xf))).toBeLessThanOrEqual(TRIG_ERROR);
        expect(Math.abs(q.cos(x) / 65536 - Math.cos(xf))).toBeLessThanOrEqual(TRIG_ERROR);
      }),
      RUNS,
    );
  });

  it('sweeps [-4π, 4π] densely within the same error', () => {
    let worst = 0;
    for (let x = -4 * q.PI; x <= 4 * q.PI; x += 37) {
      const xf = x / 65536;
      worst = Math.max(worst, Math.abs(q.sin(x) / 65536 - Math.sin(xf)), Math.abs(q.cos(x) / 65536 - Math.cos(xf)));
    }
    expect(worst).toBeLessThanOrEqual(TRIG_ERROR);
  });

  it('sin² + cos² ≈ 1', () => {
    fc.assert(
      fc.property(anyAngle, (x) => {
        const s = q.sin(x) / 65536;
        const c = q.cos(x) / 65536;
        expect(Math.abs(s * s + c * c - 1)).toBeLessThanOrEqual(2 * TRIG_ERROR);
      }),
      RUNS,
    );
  });

  it('is 2π-periodic and odd (to a few LSB), with exact landmarks', () => {
    fc.assert(
      fc.property(fc.integer({ min: q.MIN + q.TWO_PI, max: q.MAX - q.TWO_PI }), (x) => {
        expect(Math.abs(q.sin(x + q.TWO_PI) - q.sin(x))).toBeLessThanOrEqual(3);
        expect(Math.abs(q.cos(x - q.TWO_PI) - q.cos(x))).toBeLessThanOrEqual(3);
        expect(Math.abs(q.sin(-x) + q.sin(x))).toBeLessThanOrEqual(3);
      }),
      RUNS,
    );
    expect(q.sin(0)).toBe(0);
    expect(q.cos(0)).toBe(q.ONE);
    expect(Math.abs(q.sin(q.HALF_PI) - q.ONE)).toBeLessThanOrEqual(1);
    expect(Math.abs(q.cos(q.PI) + q.ONE)).toBeLessThanOrEqual(1);
  });
});
