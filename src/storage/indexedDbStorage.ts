// GeneStorage in IndexedDB (idb 8), for the browser worker. One object store keyed by node id (out-of-line
// number keys), values are Uint8Array (structured clone). A save batch is one readwrite transaction with
// relaxed durability: the 5-s persistence batch costs one commit, and losing the last batch on a power cut is
// acceptable (the genes are re-evolved or re-saved 5 s later).
import { openDB, type IDBPDatabase } from 'idb';
import { StorageError, isNodeId, recordBytes, validateBatch, type GeneStorage, type LoadResult } from './geneStorage';

export const DEFAULT_DB_NAME = 'qres';
export const GENE_STORE = 'genes';
const DB_VERSION = 1;

export interface IndexedDbStorageOptions {
  /** Database name (default 'qres'); tests use a fresh name each. */
  dbName?: string;
}

export interface IndexedDbGeneStorage extends GeneStorage {
  /** Closes the connection (the store reopens it on the next call). */
  close(): void;
}

export function createIndexedDbStorage(options: IndexedDbStorageOptions = {}): IndexedDbGeneStorage {
  const dbName = options.dbName ?? DEFAULT_DB_NAME;
  let db: Promise<IDBPDatabase> | undefined;

  function connection(): Promise<IDBPDatabase> {
    db ??= openDB(dbName, DB_VERSION, {
      upgrade(database) {
        if (!database.objectStoreNames.contains(GENE_STORE)) database.createObjectStore(GENE_STORE);
      },
      blocked() {
        // Another tab holds an older version open; opening waits until it closes.
      },
      terminated() {
        db = undefined; // the browser closed the connection; reopen on the next call
      },
    }).catch((error: unknown) => {
      db = undefined;
      throw new StorageError('open', `cannot open IndexedDB "${dbName}": ${String(error)}`, { cause: error });
    });
    return db;
  }

  async function load(): Promise<LoadResult> {
    const database = await connection();
    const result: LoadResult = { records: new Map(), corrupt: [] };
    try {
      const tx = database.transaction(GENE_STORE, 'readonly');
      for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
        const key: unknown = cursor.key;
        if (!isNodeId(key)) {
          result.corrupt.push({ id: String(key), reason: 'key is not a node id' });
          continue;
        }
        const bytes = recordBytes(cursor.value);
        if (typeof bytes === 'string') result.corrupt.push({ id: String(key), reason: bytes });
        else result.records.set(key, bytes);
      }
      await tx.done;
    } catch (error) {
      throw new StorageError('load', String(error), { cause: error });
    }
    return result;
  }

  async function saveBatch(entries: ReadonlyArray<readonly [number, Uint8Array]>): Promise<void> {
    validateBatch(entries);
    if (entries.length === 0) return;
    const database = await connection();
    try {
      const tx = database.transaction(GENE_STORE, 'readwrite', { durability: 'relaxed' });
      // Queue every put, then wait for the commit: one transaction for the whole batch. slice(): a view into
      // a larger buffer would otherwise store that whole buffer.
      const puts = entries.map(([id, bytes]) => tx.store.put(bytes.slice(), id));
      await Promise.all([...puts, tx.done]);
    } catch (error) {
      throw new StorageError('save', String(error), { cause: error });
    }
  }

  async function clear(): Promise<void> {
    const database = await connection();
    try {
      await database.clear(GENE_STORE);
    } catch (error) {
      throw new StorageError('clear', String(error), { cause: error });
    }
  }

  async function count(): Promise<number> {
    const database = await connection();
    try {
      return await database.count(GENE_STORE);
    } catch (error) {
      throw new StorageError('count', String(error), { cause: error });
    }
  }

  return {
    kind: 'indexeddb',
    load,
    saveBatch,
    clear,
    count,
    close() {
      void db?.then(
        (d) => d.close(),
        () => undefined,
      );
      db = undefined;
    },
  };
}
