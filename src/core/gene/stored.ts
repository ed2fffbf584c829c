// What a node keeps across a restart (storage records, src/storage/): its gene and, after it, its gene memory
// (src/core/rules/mind.ts rememberGene), each in the gene wire format (gene.ts, 32 bytes with its CRC):
//
//   [gene 32][count u8][count × gene 32]     the remembered genes most recently used first
//
// A record of the gene alone (32 bytes, as written before the memory) is a node with an empty memory. The gene
// decides whether the record is usable at all (decodeGene's errors); a damaged memory part loses only the memory:
// decodeStoredNode returns the gene with no memory and says why in `memoryError`.
import { DEFAULT_MU, LAGS } from '../neuron/kernel';
import { decodeGene, encodeGene, GENE_BYTES, GeneDecodeError, type Gene } from './gene';

/** Most remembered genes a record carries (a node remembers fewer: MEMORY_SLOTS). */
export const MAX_STORED_MEMORY = 255;

/** A gene of the memory: weights and bias (the step size is the default's, as for every remembered gene). */
export interface RememberedGene {
  weights: ArrayLike<number>;
  bias: number;
}

export interface StoredNode {
  gene: Gene;
  /** Most recently used first. */
  memory: Gene[];
  /** Why the memory part was dropped (the gene is still good), or undefined. */
  memoryError?: string;
}

export function encodeStoredNode(gene: Gene, memory: readonly RememberedGene[]): Uint8Array {
  const count = Math.min(memory.length, MAX_STORED_MEMORY);
  const out = new Uint8Array(GENE_BYTES + (count > 0 ? 1 + count * GENE_BYTES : 0));
  out.set(encodeGene(gene), 0);
  if (count === 0) return out;
  out[GENE_BYTES] = count;
  const weights = new Int32Array(LAGS);
  for (let k = 0; k < count; k++) {
    const m = memory[k]!;
    for (let j = 0; j < LAGS; j++) weights[j] = m.weights[j]!;
    out.set(encodeGene({ weights, bias: m.bias, mu: DEFAULT_MU }), GENE_BYTES + 1 + k * GENE_BYTES);
  }
  return out;
}

/** Decodes a stored record. Throws GeneDecodeError when the gene itself is not valid (the record is unusable). */
export function decodeStoredNode(bytes: Uint8Array): StoredNode {
  if (bytes.length < GENE_BYTES) throw new GeneDecodeError('length', `stored record of ${bytes.length} bytes is shorter than a gene (${GENE_BYTES})`);
  const gene = decodeGene(bytes.subarray(0, GENE_BYTES));
  if (bytes.length === GENE_BYTES) return { gene, memory: [] };
  const count = bytes[GENE_BYTES]!;
  const expected = GENE_BYTES + 1 + count * GENE_BYTES;
  if (count === 0 || bytes.length !== expected) {
    return { gene, memory: [], memoryError: `memory part of ${bytes.length - GENE_BYTES} bytes does not hold ${count} genes (${expected - GENE_BYTES} bytes)` };
  }
  const memory: Gene[] = [];
  for (let k = 0; k < count; k++) {
    const at = GENE_BYTES + 1 + k * GENE_BYTES;
    try {
      memory.push(decodeGene(bytes.subarray(at, at + GENE_BYTES)));
    } catch (err) {
      if (!(err instanceof GeneDecodeError)) throw err;
      return { gene, memory: [], memoryError: `remembered gene ${k}: ${err.message}` };
    }
  }
  return { gene, memory };
}
