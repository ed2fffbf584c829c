import { describe, expect, it } from 'vitest';
import {
  COORDINATE_OPENING_PROOF_BYTES,
  VECTOR_OPENING_PROOF_BYTES,
  decodeLinearProof,
  encodeLinearProof,
  proveCoordinateOpening,
  proveVectorOpening,
  verifyCoordinateOpening,
  verifyVectorOpening,
} from '../../../src/core/crypto/openingProof';
import { commitCoordinates, commitVector } from '../../../src/core/crypto/pedersen';
import { Fn, GROUP_ORDER, Point, randomScalar, seededByteSource } from '../../../src/core/crypto/group';
import { EncodingLengthError, NonCanonicalEncodingError } from '../../../src/core/crypto/errors';
import { numberToBytesLE } from '@noble/curves/utils.js';

const ctx = new TextEncoder().encode('node 3 round 7');
const src = seededByteSource('opening');
const values = Array.from({ length: 9 }, (_, i) => BigInt(i * 1000 - 4000) % GROUP_ORDER).map((v) => Fn.create(v));
const blind = randomScalar(src);
const C = commitVector(values, blind);

describe('vector opening proof', () => {
  const proof = proveVectorOpening(C, values, blind, ctx, src);

  it('verifies, is 353 bytes and round-trips', () => {
    expect(verifyVectorOpening(C, proof, ctx)).toBe(true);
    const bytes = encodeLinearProof(proof);
    expect(bytes.length).toBe(VECTOR_OPENING_PROOF_BYTES);
    expect(VECTOR_OPENING_PROOF_BYTES).toBe(353);
    expect(verifyVectorOpening(C, decodeLinearProof(bytes, 10), ctx)).toBe(true);
  });

  it('rejects a tampered R, every tampered response, another commitment and another context', () => {
    expect(verifyVectorOpening(C, { ...proof, R: proof.R.add(Point.BASE) }, ctx)).toBe(false);
    for (let i = 0; i < proof.responses.length; i++) {
      const responses = proof.responses.slice();
      responses[i] = Fn.add(responses[i]!, 1n);
      expect(verifyVectorOpening(C, { ...proof, responses }, ctx)).toBe(false);
    }
    expect(verifyVectorOpening(C.add(Point.BASE), proof, ctx)).toBe(false);
    expect(verifyVectorOpening(C, proof, new TextEncoder().encode('node 3 round 8'))).toBe(false);
  });

  it('a prover with a wrong opening fails', () => {
    const wrong = proveVectorOpening(
      C,
      values.map((v, i) => (i === 4 ? Fn.add(v, 1n) : v)),
      blind,
      ctx,
      src,
    );
    expect(verifyVectorOpening(C, wrong, ctx)).toBe(false);
  });

  it('decoding rejects wrong lengths and non-canonical scalars with typed errors', () => {
    const bytes = encodeLinearProof(proof);
    expect(() => decodeLinearProof(bytes.subarray(1), 10)).toThrow(EncodingLengthError);
    const bad = bytes.slice();
    bad.set(numberToBytesLE(GROUP_ORDER + 1n, 32), 33); // 1 mod n, not reduced
    expect(() => decodeLinearProof(bad, 10)).toThrow(NonCanonicalEncodingError);
  });
});

describe('coordinate opening proof (batched)', () => {
  const vals = [3n, 5n, Fn.neg(7n)];
  const blinds = vals.map(() => randomScalar(src));
  const Cs = commitCoordinates(vals, blinds);
  const proof = proveCoordinateOpening(Cs, vals, blinds, ctx, src);

  it('verifies in 96 bytes', () => {
    expect(encodeLinearProof(proof).length).toBe(COORDINATE_OPENING_PROOF_BYTES);
    expect(verifyCoordinateOpening(Cs, decodeLinearProof(encodeLinearProof(proof), 2), ctx)).toBe(true);
  });

  it('rejects swapped commitments, tampered fields and a wrong opening', () => {
    expect(verifyCoordinateOpening([Cs[1]!, Cs[0]!, Cs[2]!], proof, ctx)).toBe(false);
    expect(verifyCoordinateOpening(Cs, { ...proof, responses: [proof.responses[0]!, Fn.add(proof.responses[1]!, 1n)] }, ctx)).toBe(false);
    expect(verifyCoordinateOpening(Cs, { ...proof, R: proof.R.double() }, ctx)).toBe(false);
    const wrong = proveCoordinateOpening(Cs, [3n, 6n, Fn.neg(7n)], blinds, ctx, src);
    expect(verifyCoordinateOpening(Cs, wrong, ctx)).toBe(false);
  });
});
