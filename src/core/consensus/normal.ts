// The standard normal CDF and its inverse, for ALIE's z (Baruch et al. 2019). These run once per
// (n, f) as a parameter conversion, and use only + − × ÷ on doubles (no Math.exp / Math.log, whose last bits
// differ between engines), so the Q16 result is the same on every machine.

const INV_SQRT_2PI = 0.3989422804014327;

/** Φ(z) from the Taylor series of ∫₀^z e^(−t²/2) dt. The series is alternating with terms up to ~e^(z²/2),
 * so cancellation costs ~e^(z²/2)·2^−53: below 1e-8 for |z| ≤ 6; beyond that Φ is clamped to 0 or 1. */
export function normalCdf(z: number): number {
  if (z > 6) return 1;
  if (z < -6) return 0;
  const z2 = z * z;
  let term = z; // (−1)^k z^(2k+1) / (2^k k!)
  let sum = z;
  for (let k = 1; k < 400; k++) {
    term = (-term * z2) / (2 * k);
    const add = term / (2 * k + 1);
    sum += add;
    if (k > z2 && Math.abs(add) < 1e-18) break;
  }
  return 0.5 + INV_SQRT_2PI * sum;
}

/** Φ⁻¹(p) by bisection on Φ (60 halvings of [−6, 6]); p is clamped to [1e-9, 1 − 1e-9]. */
export function normalQuantile(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  let lo = -6;
  let hi = 6;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * ALIE's z for n participants of which f are attackers: s = ⌊n/2⌋ + 1 − f honest nodes must be "won over",
 * z = Φ⁻¹((n − s)/n). s is clamped to [1, n − 1] (when f ≥ n/2 the formula leaves its domain). Q16.
 */
export function alieZQ16(n: number, f: number): number {
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(f) || f < 0) throw new RangeError(`alieZ: bad n = ${n}, f = ${f}`);
  const s = Math.min(n - 1, Math.max(1, Math.floor(n / 2) + 1 - f));
  return Math.round(normalQuantile((n - s) / n) * 65536);
}
