// A stored node (src/core/gene/stored.ts): its gene and its gene memory across a restart. The gene decides whether a
// record is usable; a damaged memory part loses the memory and nothing else; a record from before the memory loads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import { encodeGene, GENE_BYTES, GeneDecodeError, type Gene } from '../../../src/core/gene/gene';
import { decodeStoredNode, encodeStoredNode } from '../../../src/core/gene/stored';
import { DEFAULT_MU, LAGS } from '../../../src/core/neuron/kernel';
import { createNodeState, MEMORY_SLOTS, NODE, rememberedGenes, rememberGene, restoreAt } from '../../../src/core/rules/index';

const geneOf = (seed: number): Gene => ({
  weights: Int32Array.from({ length: LAGS }, (_, k) => q16.fromFloat(((seed * 7 + k * 3) % 17) / 10 - 0.8)),
  bias: q16.fromFloat((seed % 5) / 10),
  mu: DEFAULT_MU,
});
const plain = (g: { weights: ArrayLike<number>; bias: number }) => [...Array.from(g.weights), g.bias];

describe('encodeStoredNode / decodeStoredNode', () => {
  it('round-trips the gene and the memory in order', () => {
    const memory = [geneOf(1), geneOf(2), geneOf(3)];
    const bytes = encodeStoredNode(geneOf(0), memory);
    expect(bytes.length).toBe(GENE_BYTES + 1 + 3 * GENE_BYTES);
    const back = decodeStoredNode(bytes);
    expect(plain(back.gene)).toEqual(plain(geneOf(0)));
    expect(back.memory.map(plain)).toEqual(memory.map(plain));
    expect(back.memoryError).toBeUndefined();
  });

  it('reads a record written before the memory (the gene alone) as an empty memory', () => {
    const back = decodeStoredNode(encodeGene(geneOf(4)));
    expect(plain(back.gene)).toEqual(plain(geneOf(4)));
    expect(back.memory).toEqual([]);
    expect(back.memoryError).toBeUndefined();
  });

  it('a damaged memory part loses the memory, not the gene, and says why', () => {
    const good = encodeStoredNode(geneOf(0), [geneOf(1), geneOf(2)]);
    const cases: Array<[string, Uint8Array]> = [
      ['truncated', good.subarray(0, good.length - 5)],
      ['a count that does not match', Uint8Array.from([...good.subarray(0, GENE_BYTES), 3, ...good.subarray(GENE_BYTES + 1)])],
      ['a zero count with bytes after it', Uint8Array.from([...good.subarray(0, GENE_BYTES), 0])],
      ['a flipped byte in a remembered gene (its CRC)', Uint8Array.from(good, (b, i) => (i === GENE_BYTES + 1 + GENE_BYTES + 4 ? b ^ 0x40 : b))],
    ];
    for (const [what, bytes] of cases) {
      const back = decodeStoredNode(bytes);
      expect(plain(back.gene), what).toEqual(plain(geneOf(0)));
      expect(back.memory, what).toEqual([]);
      expect(back.memoryError, what).toMatch(/memory|remembered gene/);
    }
  });

  it('a damaged gene makes the record unusable: a typed error', () => {
    const good = encodeStoredNode(geneOf(0), [geneOf(1)]);
    expect(() => decodeStoredNode(good.subarray(0, 10))).toThrow(GeneDecodeError);
    expect(() => decodeStoredNode(Uint8Array.from(good, (b, i) => (i === 3 ? b ^ 1 : b)))).toThrow(GeneDecodeError);
  });

  it('never throws anything but GeneDecodeError, and never returns a memory from bytes that are not one (fast-check)', () => {
    const gene = encodeGene(geneOf(0));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (tail, withGene) => {
        const bytes = withGene ? Uint8Array.from([...gene, ...tail]) : tail;
        try {
          const back = decodeStoredNode(bytes);
          if (back.memory.length > 0) expect(bytes.length).toBe(GENE_BYTES + 1 + back.memory.length * GENE_BYTES);
        } catch (err) {
          expect(err).toBeInstanceOf(GeneDecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('restoreAt with a memory', () => {
  it('a restarted node remembers what it remembered, in the same order, and forgets the least recent first', () => {
    const s = createNodeState();
    for (let k = 1; k <= 5; k++) {
      const g = geneOf(k);
      s.neuron.weights.set(g.weights, LAGS * NODE);
      s.neuron.bias[NODE] = g.bias;
      rememberGene(s.neuron, s.evolution, NODE, 10 * k);
    }
    const saved = rememberedGenes(s.evolution, NODE);
    expect(saved.map(plain)).toEqual([5, 4, 3, 2, 1].map((k) => plain(geneOf(k))));
    const again = createNodeState();
    restoreAt(again.neuron, again.evolution, NODE, geneOf(0), decodeStoredNode(encodeStoredNode(geneOf(0), saved)).memory);
    expect(rememberedGenes(again.evolution, NODE).map(plain)).toEqual(saved.map(plain));
    // Fill the memory: the first genes forgotten are the least recent of before the restart (1, then 2, ...).
    for (let k = 6; k < 6 + MEMORY_SLOTS - 5 + 2; k++) {
      const g = geneOf(k);
      again.neuron.weights.set(g.weights, LAGS * NODE);
      again.neuron.bias[NODE] = g.bias;
      rememberGene(again.neuron, again.evolution, NODE, k);
    }
    const kept = rememberedGenes(again.evolution, NODE).map(plain);
    expect(kept).not.toContainEqual(plain(geneOf(1)));
    expect(kept).not.toContainEqual(plain(geneOf(2)));
    expect(kept).toContainEqual(plain(geneOf(3)));
  });
});
