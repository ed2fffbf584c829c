import { describe, expect, it } from 'vitest';
import {
  ATTACKS,
  ATTACK_NAMES,
  AttackInputError,
  farthestFromMean,
  getAttack,
  honestMean,
  honestStd,
  type AttackContext,
} from '../../../src/core/consensus/attacks';
import { alieZQ16 } from '../../../src/core/consensus/normal';
import { UnknownNameError } from '../../../src/core/consensus/registry';
import { createRng } from '../../../src/core/rng/rng';

const d = 9;
const nHonest = 20;
const truth = Array.from({ length: d }, (_, c) => (c - 4) * 9000 + 3000);
function honestRows(seed: number): Int32Array {
  const rng = createRng(seed).stream('honest');
  return Int32Array.from({ length: nHonest * d }, (_, i) => truth[i % d]! + (rng.gaussianQ16() >> 3));
}
function ctx(seed: number, attacker = 0, params = {}): AttackContext {
  return { honest: honestRows(seed), nHonest, d, attacker, n: 30, f: 10, rng: createRng(seed).stream(`attack:${attacker}`), params };
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): bigint =>
  Array.from({ length: d }, (_, c) => BigInt(a[c]!) * BigInt(b[c]!)).reduce((x, y) => x + y, 0n);

describe('attack catalog', () => {
  it('has the nine names and lists them for a bad one', () => {
    expect([...ATTACK_NAMES]).toEqual(['none', 'sign-flip', 'gaussian', 'bias', 'alie', 'ipm', 'mimic', 'sybil', 'adaptive']);
    expect(() => getAttack('alie2')).toThrow(UnknownNameError);
    expect(() => getAttack('alie2')).toThrow(/valid: none, sign-flip, gaussian, bias, alie, ipm, mimic, sybil, adaptive/);
  });
  it('every attack returns d values, deterministically from (observations, index, stream, params)', () => {
    for (const name of ATTACK_NAMES) {
      const a = getAttack(name)(ctx(5, 2));
      const b = getAttack(name)(ctx(5, 2));
      expect(a.length).toBe(d);
      expect(Array.from(a)).toEqual(Array.from(b));
      const out = new Int32Array(d + 3);
      expect(getAttack(name)(ctx(5, 2), out)).toBe(out);
    }
  });
  it('rejects an attacker that observes nothing', () => {
    for (const name of ATTACK_NAMES) expect(() => getAttack(name)({ ...ctx(1), nHonest: 0 })).toThrow(AttackInputError);
  });
  it('none sends its own vector; sign-flip sends its negation', () => {
    const own = Int32Array.from({ length: d }, (_, c) => c * 1000 - 3000);
    expect(Array.from(ATTACKS.none({ ...ctx(1), own }))).toEqual(Array.from(own));
    expect(Array.from(ATTACKS['sign-flip']({ ...ctx(1), own }))).toEqual(Array.from(own, (x) => (x === 0 ? 0 : -x)));
  });
  it('gaussian adds noise of the given σ around its own vector, different per attacker stream', () => {
    const sigma = 1 << 16;
    const mu = Array.from(honestMean(honestRows(3), nHonest, d));
    let sq = 0;
    const draws = 400;
    for (let k = 0; k < draws; k++) {
      const v = ATTACKS.gaussian(ctx(3 + k, 0, { sigmaQ16: sigma }));
      const m = honestMean(honestRows(3 + k), nHonest, d);
      for (let c = 0; c < d; c++) sq += ((v[c]! - m[c]!) / sigma) ** 2;
    }
    expect(sq / (draws * d)).toBeGreaterThan(0.85);
    expect(sq / (draws * d)).toBeLessThan(1.15);
    expect(Array.from(ATTACKS.gaussian(ctx(3, 0)))).not.toEqual(Array.from(ATTACKS.gaussian(ctx(3, 1))));
    expect(mu.length).toBe(d);
  });
  it('bias sends the honest mean scaled by (1 + bias), the same for every attacker', () => {
    const c = ctx(4, 0, { biasQ16: 13107 });
    const mu = Array.from(honestMean(c.honest, nHonest, d));
    const v = ATTACKS.bias(c);
    mu.forEach((m, k) => expect(Math.abs(v[k]! - m * 1.2)).toBeLessThanOrEqual(2));
    expect(Array.from(ATTACKS.bias(ctx(4, 7, { biasQ16: 13107 })))).toEqual(Array.from(v));
  });
  it('alie stays within z·σ of the honest mean per coordinate, on the negative side', () => {
    for (let seed = 1; seed < 30; seed++) {
      const c = ctx(seed);
      const z = alieZQ16(30, 10) / 65536;
      const mu = Array.from(honestMean(c.honest, nHonest, d));
      const v = ATTACKS.alie(c);
      for (let k = 0; k < d; k++) {
        const sigma = honestStd(c.honest, nHonest, d, k, mu[k]!);
        expect(v[k]!).toBeLessThanOrEqual(mu[k]!);
        expect(mu[k]! - v[k]!).toBeLessThanOrEqual(z * sigma + 1);
        expect(mu[k]! - v[k]!).toBeGreaterThanOrEqual(z * sigma - 1);
      }
    }
  });
  it('ipm has a negative inner product with the honest mean', () => {
    for (let seed = 1; seed < 30; seed++) {
      const c = ctx(seed, 0, { epsilonQ16: 6554 });
      expect(dot(ATTACKS.ipm(c), honestMean(c.honest, nHonest, d)) < 0n).toBe(true);
    }
  });
  it('mimic copies one honest vector, by default the one farthest from the honest mean', () => {
    const c = ctx(8);
    const t = farthestFromMean(c.honest, nHonest, d);
    expect(Array.from(ATTACKS.mimic(c))).toEqual(Array.from(c.honest.subarray(t * d, t * d + d)));
    expect(Array.from(ATTACKS.mimic({ ...c, params: { mimicTarget: 3 } }))).toEqual(Array.from(c.honest.subarray(3 * d, 4 * d)));
    expect(() => ATTACKS.mimic({ ...c, params: { mimicTarget: nHonest } })).toThrow(AttackInputError);
    const mu = honestMean(c.honest, nHonest, d);
    const dist = (i: number) => Array.from({ length: d }, (_, k) => (c.honest[i * d + k]! - mu[k]!) ** 2).reduce((a, b) => a + b);
    for (let i = 0; i < nHonest; i++) expect(dist(i)).toBeLessThanOrEqual(dist(t));
  });
  it('sybil identities send one coordinated far value (5× the honest mean by default), or jittered copies', () => {
    const a = ATTACKS.sybil(ctx(2, 0));
    const b = ATTACKS.sybil(ctx(2, 9));
    expect(Array.from(a)).toEqual(Array.from(b));
    const mu = honestMean(ctx(2).honest, nHonest, d);
    for (let k = 0; k < d; k++) expect(Math.abs(a[k]! - 5 * mu[k]!)).toBeLessThanOrEqual(5);
    const j0 = ATTACKS.sybil(ctx(2, 0, { sybilJitterQ16: 655 }));
    const j1 = ATTACKS.sybil(ctx(2, 1, { sybilJitterQ16: 655 }));
    expect(Array.from(j0)).not.toEqual(Array.from(j1));
  });
});
