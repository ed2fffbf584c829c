import { describe, expect, it } from 'vitest';
import { RANGE_OFFSET, proveRange, verifyRange, verifyRangeBatch } from '../../../src/core/crypto/rangeProof';
import { commitCoordinates } from '../../../src/core/crypto/pedersen';
import { Fn, Point, randomScalar, scalarFromInt, seededByteSource } from '../../../src/core/crypto/group';
import { generators } from '../../../src/core/crypto/generators';
import { Transcript } from '../../../src/core/crypto/transcript';
import { InvalidCryptoInputError, UpdateOutOfRangeError } from '../../../src/core/crypto/errors';

const src = seededByteSource('range');
const t = () => new Transcript('range-test');

function setup(deltas: number[]) {
  const blinds = deltas.map(() => randomScalar(src));
  return { blinds, C: commitCoordinates(deltas.map(scalarFromInt), blinds) };
}

describe('aggregated range proof', () => {
  it('accepts the edges of [−2^15, 2^15) for 9 coordinates', () => {
    const deltas = [-RANGE_OFFSET, RANGE_OFFSET - 1, 0, 1, -1, 12345, -12345, RANGE_OFFSET - 2, -RANGE_OFFSET + 1];
    const { blinds, C } = setup(deltas);
    const proof = proveRange(t(), C, deltas, blinds, src);
    expect(verifyRange(t(), C, proof)).toBe(true);
  });

  it('works for fewer coordinates (odd bit counts)', () => {
    const deltas = [100, -200, 300];
    const { blinds, C } = setup(deltas);
    expect(verifyRange(t(), C, proveRange(t(), C, deltas, blinds, src))).toBe(true);
  });

  it('the prover refuses out-of-range updates with a typed error', () => {
    for (const bad of [RANGE_OFFSET, -RANGE_OFFSET - 1, 1 << 20, 0.5]) {
      const deltas = [0, bad, 0];
      const { blinds, C } = setup([0, 0, 0]);
      expect(() => proveRange(t(), C, deltas, blinds, src)).toThrow(UpdateOutOfRangeError);
    }
    expect(() => proveRange(t(), [], [], [], src)).toThrow(InvalidCryptoInputError);
  });

  it('rejects a forged proof for an out-of-range commitment (bits of another value)', () => {
    // The forger commits to Δ = 2^15 but runs the prover on the in-range value 2^15 − 1 with the same blind.
    const blinds = [randomScalar(src), randomScalar(src)];
    const C = commitCoordinates([scalarFromInt(RANGE_OFFSET), 5n], blinds);
    const forged = proveRange(t(), C, [RANGE_OFFSET - 1, 5], blinds, src);
    expect(verifyRange(t(), C, forged)).toBe(false);
    // and a commitment to −2^15 − 1 cannot borrow a proof made for −2^15
    const C2 = commitCoordinates([scalarFromInt(-RANGE_OFFSET - 1), 5n], blinds);
    expect(verifyRange(t(), C2, proveRange(t(), C2, [-RANGE_OFFSET, 5], blinds, src))).toBe(false);
  });

  it('binds the commitments itself or leaves them to the caller, and a proof of one kind fails as the other', () => {
    const deltas = [5, -6, 7];
    const { blinds, C } = setup(deltas);
    // 'caller': the caller's transcript fixes the commitments (here by appending them under its own labels).
    const bound = () => {
      const tr = t();
      for (const c of C) tr.appendPoint('mine', c);
      return tr;
    };
    const byCaller = proveRange(bound(), C, deltas, blinds, src, 'caller');
    const byProof = proveRange(bound(), C, deltas, blinds, src);
    expect(verifyRange(bound(), C, byCaller, 'caller')).toBe(true);
    expect(verifyRange(bound(), C, byProof)).toBe(true);
    expect(verifyRangeBatch([{ transcript: bound(), commitments: C, proof: byCaller, binding: 'caller' }])).toBe(true);
    expect(verifyRange(bound(), C, byCaller)).toBe(false);
    expect(verifyRange(bound(), C, byProof, 'caller')).toBe(false);
    expect(verifyRangeBatch([{ transcript: bound(), commitments: C, proof: byCaller }])).toBe(false);
    // Other commitments under the same caller transcript: the equation no longer holds.
    expect(verifyRange(bound(), [C[0]!, C[1]!, C[2]!.add(Point.BASE)], byCaller, 'caller')).toBe(false);
  });

  it('rejects every tampered field', () => {
    const deltas = [7, -7];
    const { blinds, C } = setup(deltas);
    const p = proveRange(t(), C, deltas, blinds, src);
    const { B } = generators();
    const bump = (s: bigint) => Fn.add(s, 1n);
    const variants = [
      { ...p, A: p.A.add(B) },
      { ...p, S: p.S.add(B) },
      { ...p, T1: p.T1.add(B) },
      { ...p, T2: p.T2.add(B) },
      { ...p, tauX: bump(p.tauX) },
      { ...p, mu: bump(p.mu) },
      { ...p, tHat: bump(p.tHat) },
      { ...p, ipa: { ...p.ipa, a: bump(p.ipa.a) } },
      { ...p, ipa: { ...p.ipa, b: bump(p.ipa.b) } },
      ...p.ipa.L.map((_, k) => ({ ...p, ipa: { ...p.ipa, L: p.ipa.L.map((L, j) => (j === k ? L.add(B) : L)) } })),
      ...p.ipa.R.map((_, k) => ({ ...p, ipa: { ...p.ipa, R: p.ipa.R.map((R, j) => (j === k ? R.add(B) : R)) } })),
      { ...p, ipa: { ...p.ipa, L: p.ipa.L.slice(1) } },
    ];
    for (const v of variants) expect(verifyRange(t(), C, v)).toBe(false);
    expect(verifyRange(t(), [C[0]!, C[1]!.add(Point.BASE)], p)).toBe(false);
    expect(verifyRange(new Transcript('other'), C, p)).toBe(false);
    expect(verifyRange(t(), C, p)).toBe(true);
  });
});
