import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { createIndexedDbStorage, GENE_STORE } from '../../src/storage/indexedDbStorage';
import { StorageError } from '../../src/storage/geneStorage';
import { describeGeneStorage } from './conformance';

let dbs = 0;
const freshName = (): string => `qres-test-${dbs++}`;

describeGeneStorage('indexeddb', async () => createIndexedDbStorage({ dbName: freshName() }));

describe('IndexedDB storage', () => {
  it('reports values of the wrong type and non-id keys as corrupt and loads the rest', async () => {
    const dbName = freshName();
    const store = createIndexedDbStorage({ dbName });
    await store.saveBatch([
      [1, Uint8Array.of(1)],
      [2, Uint8Array.of(2)],
    ]);
    const raw = await openDB(dbName, 1);
    await raw.put(GENE_STORE, 'garbage', 3);
    await raw.put(GENE_STORE, { gene: [1, 2] }, 4);
    await raw.put(GENE_STORE, Uint8Array.of(5), 'five');
    await raw.put(GENE_STORE, Uint8Array.of(6), 6.5);
    raw.close();
    const { records, corrupt } = await store.load();
    expect(records).toEqual(
      new Map([
        [1, Uint8Array.of(1)],
        [2, Uint8Array.of(2)],
      ]),
    );
    expect(corrupt).toEqual([
      { id: '3', reason: 'value is string, not bytes' },
      { id: '4', reason: 'value is Object, not bytes' },
      { id: '6.5', reason: 'key is not a node id' },
      { id: 'five', reason: 'key is not a node id' },
    ]);
    expect(await store.count()).toBe(6);
    await store.clear();
    expect(await store.count()).toBe(0);
  });

  it('writes a save batch in one relaxed-durability transaction', async () => {
    const store = createIndexedDbStorage({ dbName: freshName() });
    await store.count(); // open the connection so that its transaction() can be observed
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    try {
      await store.saveBatch(Array.from({ length: 20 }, (_, i) => [i, Uint8Array.of(i)] as [number, Uint8Array]));
      const writes = spy.mock.calls.filter((call) => call[1] === 'readwrite');
      expect(writes).toHaveLength(1);
      expect(writes[0]![2]).toEqual({ durability: 'relaxed' });
    } finally {
      spy.mockRestore();
    }
    expect(await store.count()).toBe(20);
  });

  it('survives closing: a new store on the same database sees the records', async () => {
    const dbName = freshName();
    const first = createIndexedDbStorage({ dbName });
    await first.saveBatch([[10, Uint8Array.of(10)]]);
    first.close();
    const second = createIndexedDbStorage({ dbName });
    expect((await second.load()).records).toEqual(new Map([[10, Uint8Array.of(10)]]));
    second.close();
  });

  it('a failed open is a StorageError', async () => {
    const dbName = freshName();
    const newer = await openDB(dbName, 5); // a higher version exists: opening at version 1 fails
    newer.close();
    const store = createIndexedDbStorage({ dbName });
    await expect(store.count()).rejects.toBeInstanceOf(StorageError);
  });
});
