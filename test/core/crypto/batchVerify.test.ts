import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  commitGene,
  geneProofContext,
  proveGeneUpdate,
  verifyGeneUpdate,
  verifyGeneUpdates,
  type GeneUpdateStatement,
} from '../../../src/core/crypto/geneProof';
import { seededByteSource } from '../../../src/core/crypto/group';

const src = seededByteSource('batch-verify-test');
const statements: GeneUpdateStatement[] = [];
for (let k = 0; k < 4; k++) {
  const oldGene = { weights: Int32Array.from({ length: 8 }, (_, i) => ((i * 9000 + k * 777) % 65536) - 30000), bias: 1000 * k };
  const newGene = { weights: oldGene.weights.map((w, i) => w + (((i + k) * 4099) % 32768) - 16384), bias: oldGene.bias - 5000 };
  const first = commitGene(oldGene, src);
  const context = geneProofContext(100 + k, 7 + k);
  const update = proveGeneUpdate(oldGene, newGene, first.opening, context, src);
  statements.push({ commitOld: first.commitment, commitNew: update.commitment, proof: update.proof, context });
}

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

describe('batch verification of gene update proofs', () => {
  it('accepts a batch of valid proofs, and agrees with single verification', () => {
    for (const s of statements) expect(verifyGeneUpdate(s.commitOld, s.commitNew, s.proof, s.context)).toBe(true);
    expect(verifyGeneUpdates(statements)).toBe(true);
    expect(verifyGeneUpdates(statements.slice(0, 1))).toBe(true);
    expect(verifyGeneUpdates([])).toBe(true);
  });

  it('rejects the batch when any one statement is wrong: another context, swapped proofs, a replay', () => {
    for (let k = 0; k < statements.length; k++) {
      const bad = statements.map((s, i) => (i === k ? { ...s, context: geneProofContext(999, 1) } : s));
      expect(verifyGeneUpdates(bad)).toBe(false);
    }
    const swapped = statements.map((s, i) => ({ ...s, proof: statements[(i + 1) % statements.length]!.proof }));
    expect(verifyGeneUpdates(swapped)).toBe(false);
    const replayed = [statements[0]!, { ...statements[0]!, commitNew: statements[1]!.commitNew }];
    expect(verifyGeneUpdates(replayed)).toBe(false);
  });

  it('malformed bytes in any statement make the batch false, never an exception', () => {
    expect(verifyGeneUpdates([statements[0]!, { ...statements[1]!, proof: statements[1]!.proof.subarray(0, 799) }])).toBe(false);
    expect(verifyGeneUpdates([{ ...statements[0]!, commitOld: new Uint8Array(288).fill(0xff) }, statements[1]!])).toBe(false);
  });

  it('any single bit flipped anywhere in any statement of the batch is rejected (fast-check)', () => {
    fc.assert(
      fc.property(fc.nat(statements.length - 1), fc.constantFrom('commitOld', 'commitNew', 'proof', 'context'), fc.nat(), (k, field, bitSeed) => {
        const s = statements[k]!;
        const bytes = s[field as keyof GeneUpdateStatement];
        const bad = statements.map((x, i) => (i === k ? { ...x, [field]: flip(bytes, bitSeed % (bytes.length * 8)) } : x));
        expect(verifyGeneUpdates(bad)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
