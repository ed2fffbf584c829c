import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  GENE_COMMITMENT_BYTES,
  TRANSITION_PROOF_BYTES,
  commitGene,
  decodeTransitionProof,
  geneProofContext,
  proveGeneUpdate,
  verifyGeneUpdate,
  verifyGeneUpdates,
} from '../../../src/core/crypto/geneProof';
import { CryptoDecodeError, EncodingLengthError, NonCanonicalEncodingError, UpdateOutOfRangeError } from '../../../src/core/crypto/errors';
import { GROUP_ORDER, POINT_BYTES, Point, seededByteSource } from '../../../src/core/crypto/group';
import { commitCoordinates, encodePoints, geneScalars } from '../../../src/core/crypto/pedersen';
import { numberToBytesLE, bytesToNumberLE } from '@noble/curves/utils.js';

const src = seededByteSource('gene-proof-test');
const oldGene = { weights: Int32Array.from([65536, -32768, 1000, 0, -1, 70000, -70000, 12]), bias: 3000 };
const newGene = { weights: Int32Array.from([65536 + 32767, -32768 - 32768, 1000, 5, -1, 70000 - 100, -70000 + 100, 12]), bias: 3000 - 20000 };
const ctx = geneProofContext(17, 42);
const first = commitGene(oldGene, src);
const update = proveGeneUpdate(oldGene, newGene, first.opening, ctx, src);
const verify = (proof: Uint8Array, context = ctx, oldC = first.commitment, newC = update.commitment) => verifyGeneUpdate(oldC, newC, proof, context);

/** Decode, or report which typed error was thrown; anything else propagates and fails the test. */
function verifyOrTypedError(bytes: Uint8Array): boolean | 'typed-error' {
  try {
    decodeTransitionProof(bytes);
  } catch (e) {
    if (e instanceof CryptoDecodeError) return 'typed-error';
    throw e;
  }
  return verify(bytes);
}

/** The proof's 25 fields: A, S, T1, T2 (points), τx, μ, t̂ (scalars), L_0..L_7, R_0..R_7 (points), a, b (scalars). */
function proofField(field: number): { at: number; size: number; isScalar: boolean } {
  const isScalar = (field >= 4 && field < 7) || field >= 23;
  let at = 0;
  for (let f = 0; f < field; f++) at += (f >= 4 && f < 7) || f >= 23 ? 32 : POINT_BYTES;
  return { at, size: isScalar ? 32 : POINT_BYTES, isScalar };
}

describe('gene update proofs (the simulator API)', () => {
  it('verifies an honest update; sizes are 297 + 820 bytes', () => {
    expect(update.commitment.length).toBe(GENE_COMMITMENT_BYTES);
    expect(GENE_COMMITMENT_BYTES).toBe(297);
    expect(update.proof.length).toBe(TRANSITION_PROOF_BYTES);
    expect(TRANSITION_PROOF_BYTES).toBe(820);
    expect(verify(update.proof)).toBe(true);
  });

  it('the new opening opens the new commitment, and chains into the next update', () => {
    expect(encodePoints(commitCoordinates(geneScalars(newGene), update.newOpening.blinds))).toEqual(update.commitment);
    const next = { weights: newGene.weights.map((w) => w + 7), bias: newGene.bias - 7 };
    const second = proveGeneUpdate(newGene, next, update.newOpening, geneProofContext(17, 43), src);
    expect(verifyGeneUpdate(update.commitment, second.commitment, second.proof, geneProofContext(17, 43))).toBe(true);
  });

  it('is deterministic given the byte source seed', () => {
    const a = proveGeneUpdate(oldGene, newGene, first.opening, ctx, seededByteSource(9));
    const b = proveGeneUpdate(oldGene, newGene, first.opening, ctx, seededByteSource(9));
    expect(a.proof).toEqual(b.proof);
    expect(a.commitment).toEqual(b.commitment);
  });

  it('rejects a wrong context and replays for another node, round, gene or commitment', () => {
    expect(verify(update.proof, geneProofContext(18, 42))).toBe(false);
    expect(verify(update.proof, geneProofContext(17, 43))).toBe(false);
    const other = commitGene(oldGene, src);
    expect(verify(update.proof, ctx, other.commitment)).toBe(false); // same gene, another commitment
    const otherUpdate = proveGeneUpdate(oldGene, newGene, other.opening, ctx, src);
    expect(verify(update.proof, ctx, other.commitment, otherUpdate.commitment)).toBe(false);
    expect(verify(otherUpdate.proof, ctx, other.commitment, otherUpdate.commitment)).toBe(true);
  });

  it('the prover refuses an out-of-bound update; a proof for an in-bound one does not cover it', () => {
    const tooFar = { weights: oldGene.weights, bias: oldGene.bias + 32768 };
    expect(() => proveGeneUpdate(oldGene, tooFar, first.opening, ctx, src)).toThrow(UpdateOutOfRangeError);
    // Forgery: claim the out-of-bound gene's commitment with the honest proof of another update.
    const forgedC = encodePoints(commitCoordinates(geneScalars(tooFar), update.newOpening.blinds));
    expect(verify(update.proof, ctx, first.commitment, forgedC)).toBe(false);
  });

  it('tampering with any of the 25 fields (a valid but different element) is rejected', () => {
    const B = Point.BASE;
    for (let field = 0; field < 25; field++) {
      const bytes = update.proof.slice();
      const { at, size, isScalar } = proofField(field);
      const chunk = bytes.subarray(at, at + size);
      if (isScalar) chunk.set(numberToBytesLE((bytesToNumberLE(chunk) + 1n) % GROUP_ORDER, 32));
      else chunk.set(Point.fromBytes(chunk).add(B).toBytes());
      expect(verify(bytes), `field ${field}`).toBe(false);
    }
  });

  it('rejects non-canonical point and scalar encodings with typed errors', () => {
    const badScalar = update.proof.slice();
    badScalar.set(numberToBytesLE(GROUP_ORDER + 1n, 32), proofField(4).at); // 1 mod n, not reduced
    expect(() => decodeTransitionProof(badScalar)).toThrow(NonCanonicalEncodingError);
    expect(verify(badScalar)).toBe(false);
    const badPoint = update.proof.slice();
    badPoint[0] = 0x04; // an uncompressed prefix in a compressed slot
    expect(() => decodeTransitionProof(badPoint)).toThrow(NonCanonicalEncodingError);
    expect(() => decodeTransitionProof(update.proof.subarray(0, TRANSITION_PROOF_BYTES - 1))).toThrow(EncodingLengthError);
    const badCommit = update.commitment.slice();
    badCommit[POINT_BYTES * 3] = 0x05;
    expect(verify(update.proof, ctx, first.commitment, badCommit)).toBe(false);
  });

  it('identity points (33 zero bytes, a canonical encoding) in any point field or commitment: false, never a throw', () => {
    for (let field = 0; field < 25; field++) {
      const { at, size, isScalar } = proofField(field);
      if (isScalar) continue;
      const bytes = update.proof.slice();
      bytes.fill(0, at, at + size);
      expect(verify(bytes), `field ${field}`).toBe(false);
      expect(verifyGeneUpdates([{ commitOld: first.commitment, commitNew: update.commitment, proof: bytes, context: ctx }]), `field ${field}`).toBe(false);
    }
    const zeroCommit = update.commitment.slice();
    zeroCommit.fill(0, 0, POINT_BYTES);
    expect(verify(update.proof, ctx, first.commitment, zeroCommit)).toBe(false);
    expect(verify(update.proof, ctx, new Uint8Array(GENE_COMMITMENT_BYTES), new Uint8Array(GENE_COMMITMENT_BYTES))).toBe(false);
    expect(verify(new Uint8Array(TRANSITION_PROOF_BYTES))).toBe(false);
  });

  it('random byte flips: verify is false or decoding throws a typed error, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(TRANSITION_PROOF_BYTES - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const bytes = update.proof.slice();
        for (const [i, x] of flips) bytes[i]! ^= x;
        const result = verifyOrTypedError(bytes);
        return result === false || result === 'typed-error';
      }),
      { numRuns: 200 },
    );
  }, 30_000);
});
