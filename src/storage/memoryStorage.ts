// A GeneStorage in memory, for tests and for runs that should leave nothing behind. It stores values the way
// IndexedDB does (any key, any value) so that tests can seed it with corrupt entries through `raw`.
import { isNodeId, recordBytes, validateBatch, type GeneStorage, type LoadResult } from './geneStorage';

export interface MemoryGeneStorage extends GeneStorage {
  /** The backing map. Tests may put anything here to model a damaged store. */
  readonly raw: Map<unknown, unknown>;
}

export function createMemoryStorage(initial?: Iterable<readonly [unknown, unknown]>): MemoryGeneStorage {
  const raw = new Map<unknown, unknown>(initial ?? []);
  return {
    kind: 'memory',
    raw,
    async load(): Promise<LoadResult> {
      const result: LoadResult = { records: new Map(), corrupt: [] };
      for (const [key, value] of raw) {
        if (!isNodeId(key)) {
          result.corrupt.push({ id: String(key), reason: 'key is not a node id' });
          continue;
        }
        const bytes = recordBytes(value);
        if (typeof bytes === 'string') result.corrupt.push({ id: String(key), reason: bytes });
        else result.records.set(key, bytes);
      }
      return result;
    },
    async saveBatch(entries): Promise<void> {
      validateBatch(entries);
      for (const [id, bytes] of entries) raw.set(id, bytes.slice()); // a copy: the caller may reuse its buffer
    },
    async clear(): Promise<void> {
      raw.clear();
    },
    async count(): Promise<number> {
      return raw.size;
    },
  };
}
