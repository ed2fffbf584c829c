import { describe, expect, it } from 'vitest';
import { commitCoordinate, commitCoordinates, commitVector, decodePoints, encodePoints, geneInts, geneScalars } from '../../../src/core/crypto/pedersen';
import { Fn, GROUP_ORDER, Point, randomScalar, seededByteSource } from '../../../src/core/crypto/group';
import { generators } from '../../../src/core/crypto/generators';
import { EncodingLengthError, InvalidCryptoInputError, NonCanonicalEncodingError } from '../../../src/core/crypto/errors';

const gene = { weights: Int32Array.from([1, -2, 3, -4, 65536, -65536, 0x7fffffff, -0x80000000]), bias: -7 };

describe('Pedersen commitments', () => {
  it('reads a gene as 9 scalars, negatives as ℓ − |v|', () => {
    const s = geneScalars(gene);
    expect(s).toHaveLength(9);
    expect(s[1]).toBe(GROUP_ORDER - 2n);
    expect(s[8]).toBe(GROUP_ORDER - 7n);
    expect(() => geneInts({ weights: [1, 2], bias: 0 })).toThrow(InvalidCryptoInputError);
    expect(() => geneInts({ weights: [0, 0, 0, 0, 0, 0, 0, 0.5], bias: 0 })).toThrow(InvalidCryptoInputError);
  });

  it('vector commitment is Σ v_i·G_i + r·H and additively homomorphic', () => {
    const src = seededByteSource(3);
    const v = geneScalars(gene),
      r = randomScalar(src);
    const { G, H } = generators();
    let expected = H.multiply(r);
    v.forEach((vi, i) => (expected = expected.add(G[i]!.multiply(vi))));
    expect(commitVector(v, r).equals(expected)).toBe(true);
    const w = v.map(() => randomScalar(src)),
      s = randomScalar(src);
    const sum = commitVector(
      v.map((vi, i) => Fn.add(vi, w[i]!)),
      Fn.add(r, s),
    );
    expect(sum.equals(commitVector(v, r).add(commitVector(w, s)))).toBe(true);
  });

  it('hides: the same values with different blinds give different commitments', () => {
    const src = seededByteSource(4);
    const v = geneScalars(gene);
    expect(commitVector(v, randomScalar(src)).equals(commitVector(v, randomScalar(src)))).toBe(false);
  });

  it('coordinate commitments are v·B + r·H', () => {
    const { B, H } = generators();
    expect(commitCoordinate(5n, 9n).equals(B.multiply(5n).add(H.multiply(9n)))).toBe(true);
    expect(commitCoordinate(0n, 0n).is0()).toBe(true);
    const Cs = commitCoordinates([1n, 2n], [3n, 4n]);
    expect(Cs[1]!.equals(B.multiply(2n).add(H.multiply(4n)))).toBe(true);
  });

  it('encodes point lists and rejects bad lengths or encodings with typed errors', () => {
    const Cs = commitCoordinates([1n, 2n, 3n], [4n, 5n, 6n]);
    const bytes = encodePoints(Cs);
    expect(decodePoints(bytes, 3).every((p, i) => p.equals(Cs[i]!))).toBe(true);
    expect(() => decodePoints(bytes, 2)).toThrow(EncodingLengthError);
    const bad = bytes.slice();
    bad[33] = 0x05; // the second point's prefix: neither 02 nor 03
    expect(() => decodePoints(bad, 3)).toThrow(NonCanonicalEncodingError);
    expect(decodePoints(new Uint8Array(33), 1)[0]!.equals(Point.ZERO)).toBe(true);
  });
});
