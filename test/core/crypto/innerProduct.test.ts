import { describe, expect, it } from 'vitest';
import { innerProductChallenges, innerProductRounds, proveInnerProduct } from '../../../src/core/crypto/innerProduct';
import { Fn, randomScalar, seededByteSource } from '../../../src/core/crypto/group';
import { generators } from '../../../src/core/crypto/generators';
import { Transcript } from '../../../src/core/crypto/transcript';
import { variableMsm } from '../../../src/core/crypto/msm';
import { InvalidCryptoInputError } from '../../../src/core/crypto/errors';

// The argument on the plain bit generators g, h and Q = B, checked with the textbook final equation.
const { g, h, B } = generators();
const commit = (gC: bigint[], hC: bigint[], q: bigint) => variableMsm([...g.slice(0, gC.length), ...h.slice(0, hC.length), B], [...gC, ...hC, Fn.create(q)]);

function check(a: bigint[], b: bigint[], tamper?: (p: ReturnType<typeof proveInnerProduct>) => ReturnType<typeof proveInnerProduct>): boolean {
  const n = a.length;
  const ip = Fn.create(a.reduce((s, ai, i) => s + ai * b[i]!, 0n));
  const P = commit(a, b, ip);
  const prover = new Transcript('ipa-test');
  prover.appendPoint('P', P);
  let proof = proveInnerProduct(prover, commit, a, b);
  if (tamper) proof = tamper(proof);
  const verifier = new Transcript('ipa-test');
  verifier.appendPoint('P', P);
  const ch = innerProductChallenges(verifier, n, proof);
  if (!ch) return false;
  let Pfinal = P;
  proof.L.forEach((L, k) => (Pfinal = Pfinal.add(L.multiply(ch.xSquares[k]!)).add(proof.R[k]!.multiply(ch.xInvSquares[k]!))));
  const Gf = variableMsm(g.slice(0, n), ch.coefG);
  const Hf = variableMsm(h.slice(0, n), ch.coefH);
  const rhs = variableMsm([Gf, Hf, B], [proof.a, proof.b, Fn.mul(proof.a, proof.b)]);
  return rhs.equals(Pfinal);
}

describe('inner-product argument (powers of two only)', () => {
  it('counts rounds as log2 n and refuses other lengths', () => {
    expect([1, 2, 4, 16, 256].map(innerProductRounds)).toEqual([0, 1, 2, 4, 8]);
    for (const n of [0, 3, 9, 144]) expect(() => innerProductRounds(n)).toThrow(InvalidCryptoInputError);
  });

  it('verifies for every power of two up to 256', () => {
    const src = seededByteSource('ipa');
    for (const n of [1, 2, 4, 8, 16, 32, 64, 128, 256]) {
      const a = Array.from({ length: n }, () => randomScalar(src));
      const b = Array.from({ length: n }, () => randomScalar(src));
      expect(check(a, b), `n = ${n}`).toBe(true);
    }
  }, 60_000);

  it('rejects tampered L, R, a, b and a wrong round count', () => {
    const src = seededByteSource('ipa-bad');
    const a = Array.from({ length: 16 }, () => randomScalar(src));
    const b = Array.from({ length: 16 }, () => randomScalar(src));
    expect(check(a, b, (p) => ({ ...p, a: Fn.add(p.a, 1n) }))).toBe(false);
    expect(check(a, b, (p) => ({ ...p, b: Fn.add(p.b, 1n) }))).toBe(false);
    expect(check(a, b, (p) => ({ ...p, L: p.L.map((L, k) => (k === 2 ? L.add(B) : L)) }))).toBe(false);
    expect(check(a, b, (p) => ({ ...p, R: p.R.map((R, k) => (k === 0 ? R.add(B) : R)) }))).toBe(false);
    expect(check(a, b, (p) => ({ ...p, L: p.L.slice(1), R: p.R.slice(1) }))).toBe(false);
  });
});
