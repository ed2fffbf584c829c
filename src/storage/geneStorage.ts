// The Hippocampus: where calm Evolved nodes' genes survive a restart (docs/ARCHITECTURE.md, "Layers"; issue 3
// item 6, issue 4 item 6). Records are opaque bytes keyed by node id; the sim decodes genes and reports
// undecodable ones itself. A store reports records it cannot even read (a file with a bad name, a value of the wrong type)
// as `corrupt` and skips them: one bad record never fails a whole load.

/** One record the store could not read, and why. `id` is the raw key (file name or IndexedDB key) as text. */
export interface CorruptRecord {
  id: string;
  reason: string;
}

export interface LoadResult {
  records: Map<number, Uint8Array>;
  corrupt: CorruptRecord[];
}

export interface GeneStorage {
  /** Every readable record; unreadable ones are listed in `corrupt`, never thrown. */
  load(): Promise<LoadResult>;
  /** Writes all entries: one transaction (IndexedDB) or one atomic write per record (files). */
  saveBatch(entries: ReadonlyArray<readonly [number, Uint8Array]>): Promise<void>;
  /** Removes every record. */
  clear(): Promise<void>;
  /** Number of stored records (including ones that load would report as corrupt, where the store cannot tell
   *  without reading them). */
  count(): Promise<number>;
  /** 'memory', 'file' or 'indexeddb', for reports. */
  readonly kind: string;
}

export type StorageOperation = 'open' | 'load' | 'save' | 'clear' | 'count';

/** A storage operation failed as a whole (bad input, I/O error, blocked database). */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly operation: StorageOperation,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${message}`, options);
  }
}

/** Largest node id a record may have (ids are entity indices; 2^32 − 1 keeps them in a Uint32). */
export const MAX_NODE_ID = 0xffff_ffff;

export function isNodeId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= MAX_NODE_ID;
}

/** Checks a save batch before anything is written, so a bad entry never leaves half a batch behind. */
export function validateBatch(entries: ReadonlyArray<readonly [number, Uint8Array]>): void {
  if (!Array.isArray(entries)) throw new StorageError('save', 'entries is not an array');
  const seen = new Set<number>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!Array.isArray(entry) || entry.length !== 2) throw new StorageError('save', `entry ${i} is not an [id, bytes] pair`);
    const [id, bytes] = entry;
    if (!isNodeId(id)) throw new StorageError('save', `entry ${i}: id ${String(id)} is not an integer in [0, ${MAX_NODE_ID}]`);
    if (!(bytes instanceof Uint8Array)) throw new StorageError('save', `entry ${i} (id ${id}): value is not a Uint8Array`);
    if (seen.has(id)) throw new StorageError('save', `entry ${i}: id ${id} appears twice in one batch`);
    seen.add(id);
  }
}

/**
 * A stored value as record bytes, or a reason why it is not one. Used by the stores whose values are
 * structured-cloned (memory, IndexedDB): a Uint8Array (or a bare ArrayBuffer) is a record, anything else is
 * corrupt.
 */
export function recordBytes(value: unknown): Uint8Array | string {
  if (value instanceof Uint8Array) return value.slice();
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  const type =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'object'
          ? (Object.getPrototypeOf(value)?.constructor?.name ?? 'object')
          : typeof value;
  return `value is ${type}, not bytes`;
}
