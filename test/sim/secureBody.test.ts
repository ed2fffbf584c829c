import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { commitGene, proveGeneUpdate, seededByteSource } from '../../src/core/crypto';
import { encodeGene, type Gene } from '../../src/core/gene/gene';
import {
  ANCHOR_BODY_BYTES,
  KIND_ANCHOR,
  KIND_STEPS,
  SecureBodyError,
  checkOpening,
  checkSteps,
  cureProofContext,
  decodeSecureBody,
  encodeSecureBody,
  openingScalar,
  stepsBodyBytes,
} from '../../src/core/rules/secureBody';

const ONE = 65536;
const gene = (w0: number, w1: number, bias = 0): Gene => ({ weights: Int32Array.of(w0, w1, 0, 0, 0, 0, 0, 0), bias, mu: 1311 });
const SENDER = 7;
const POSITION = 1;

let valid: Uint8Array;
let anchor: Uint8Array;
let fresh: ReturnType<typeof commitGene>;

beforeAll(() => {
  const source = seededByteSource('secure-body-test');
  const old = gene(ONE, 0);
  const next = gene(ONE - 9000, 12000, 300);
  const c0 = commitGene(old, source);
  const step = proveGeneUpdate(old, next, c0.opening, cureProofContext(SENDER, POSITION), source);
  const geneBytes = encodeGene(next);
  const rho = openingScalar(SENDER, POSITION, geneBytes, step.commitment, step.newOpening.blinds);
  valid = encodeSecureBody({
    kind: KIND_STEPS,
    position: POSITION,
    geneBytes,
    commitment: step.commitment,
    rho,
    prev: c0.commitment,
    links: [],
    proofs: [step.proof],
  });
  fresh = commitGene(next, source);
  const rhoA = openingScalar(SENDER, 5, geneBytes, fresh.commitment, fresh.opening.blinds);
  anchor = encodeSecureBody({ kind: KIND_ANCHOR, position: 5, geneBytes, commitment: fresh.commitment, rho: rhoA, prev: null, links: [], proofs: [] });
  // One proof, plus the 514 range generators hashed to the curve and their tables built (first use in the
  // process): a few seconds on a quiet machine, over 20 s at load 15-20 (with the code before and after the MSM
  // rework alike). A budget for a loaded machine, not a performance claim.
}, 120_000);

/** The verdict a receiver reaches: decode, opening, then every step. */
function verdict(bytes: Uint8Array, sender = SENDER): string {
  try {
    const body = decodeSecureBody(bytes);
    if (!checkOpening(sender, body)) return 'opening';
    if (body.kind === KIND_STEPS && !checkSteps(sender, body)) return 'proof';
    return 'ok';
  } catch (e) {
    if (e instanceof SecureBodyError) return e.reason;
    throw e;
  }
}

describe('secure cure body v1', () => {
  it('a two-step chain verifies as one batch; a broken link or a step replayed out of order fails', () => {
    const source = seededByteSource('secure-body-two-steps');
    const g0 = gene(ONE, 0),
      g1 = gene(ONE - 30000, 20000),
      g2 = gene(ONE - 60000, 40000, 500);
    const c0 = commitGene(g0, source);
    const s1 = proveGeneUpdate(g0, g1, c0.opening, cureProofContext(SENDER, 1), source);
    const s2 = proveGeneUpdate(g1, g2, s1.newOpening, cureProofContext(SENDER, 2), source);
    const geneBytes = encodeGene(g2);
    const rho = openingScalar(SENDER, 2, geneBytes, s2.commitment, s2.newOpening.blinds);
    const body = {
      kind: KIND_STEPS as typeof KIND_STEPS,
      position: 2,
      geneBytes,
      commitment: s2.commitment,
      rho,
      prev: c0.commitment,
      links: [s1.commitment],
      proofs: [s1.proof, s2.proof],
    };
    const bytes = encodeSecureBody(body);
    expect(bytes.length).toBe(stepsBodyBytes(2));
    const times: number[] = [];
    expect(checkSteps(SENDER, decodeSecureBody(bytes), (ms) => times.push(ms))).toBe(true);
    expect(times).toHaveLength(2);
    expect(verdict(bytes)).toBe('ok');
    expect(verdict(encodeSecureBody({ ...body, proofs: [s2.proof, s1.proof] }))).toBe('proof');
    expect(verdict(encodeSecureBody({ ...body, links: [commitGene(g1, source).commitment] }))).toBe('proof');
  }, 120_000); // two proofs: 35 s at load 26 (20 s before); a budget for a loaded machine, not a performance claim

  it('has the documented sizes', () => {
    expect(valid.length).toBe(1485);
    expect(stepsBodyBytes(1)).toBe(1485);
    expect(stepsBodyBytes(2)).toBe(1485 + 1117);
    expect(anchor.length).toBe(ANCHOR_BODY_BYTES);
    expect(ANCHOR_BODY_BYTES).toBe(368);
  });

  it('round-trips: decode(encode(x)) gives the same fields and re-encodes to the same bytes', () => {
    for (const bytes of [valid, anchor]) {
      const body = decodeSecureBody(bytes);
      expect(encodeSecureBody(body)).toEqual(bytes);
    }
    const b = decodeSecureBody(valid);
    expect(b.kind).toBe(KIND_STEPS);
    expect(b.position).toBe(POSITION);
    expect(Array.from(b.gene.weights.subarray(0, 2))).toEqual([ONE - 9000, 12000]);
    expect(b.gene.bias).toBe(300);
    expect(b.proofs).toHaveLength(1);
    expect(decodeSecureBody(anchor).kind).toBe(KIND_ANCHOR);
  });

  it('verifies a genuine body and an anchor', () => {
    expect(verdict(valid)).toBe('ok');
    expect(verdict(anchor)).toBe('ok');
  });

  it('fails for another sender (the context binds the node id)', () => {
    expect(verdict(valid, SENDER + 1)).not.toBe('ok');
    expect(verdict(anchor, SENDER + 1)).toBe('opening');
  });

  it('fails when the position is changed (the context binds the chain position)', () => {
    const moved = valid.slice();
    moved[2] = 2;
    expect(verdict(moved)).not.toBe('ok');
  });

  it('fails when the gene is swapped for another valid gene (the opening binds the plaintext)', () => {
    const swapped = valid.slice();
    swapped.set(encodeGene(gene(-2 * ONE, ONE)), 7);
    expect(verdict(swapped)).toBe('opening');
  });

  it('fails when the proof is replayed for another commitment pair', () => {
    const body = decodeSecureBody(valid);
    // A valid commitment to the same gene under other blinds, correctly opened at this position: only the
    // replayed proof is wrong, and the transition check must catch it.
    const rho = openingScalar(SENDER, POSITION, body.geneBytes, fresh.commitment, fresh.opening.blinds);
    const replay = encodeSecureBody({ ...body, commitment: fresh.commitment, rho });
    expect(verdict(replay)).toBe('proof');
  });

  it('rejects bad versions, kinds, step counts and lengths with typed reasons', () => {
    const set = (at: number, v: number) => {
      const b = valid.slice();
      b[at] = v;
      return b;
    };
    expect(verdict(set(0, 2))).toBe('version');
    expect(verdict(set(1, 9))).toBe('kind');
    expect(verdict(set(6, 0))).toBe('steps');
    expect(verdict(set(6, 5))).toBe('steps');
    expect(verdict(set(6, 2))).toBe('steps'); // position 1 cannot follow 2 steps
    expect(verdict(valid.subarray(0, valid.length - 1))).toBe('length');
    expect(verdict(new Uint8Array(3))).toBe('length');
    expect(verdict(set(39, 0xff))).not.toBe('ok');
  });

  it('never throws anything but SecureBodyError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1600 }), (bytes) => {
        try {
          decodeSecureBody(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SecureBodyError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('turns every random tampering of a genuine body into a failure, never an exception', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bad = valid.slice();
        bad[at]! ^= flip;
        expect(verdict(bad)).not.toBe('ok');
      }),
      { numRuns: 200 },
    );
    // Most flips still decode and cost a whole verification: 0.1-0.2 s each on a quiet 2-core machine, 42 s for
    // the 200 at load 15 (over the 30 s this had); the budget is for a loaded machine, not a performance claim.
  }, 120_000);
});
