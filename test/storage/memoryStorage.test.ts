import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/storage/memoryStorage';
import { describeGeneStorage } from './conformance';

describeGeneStorage('memory', async () => createMemoryStorage());

describe('memory storage with damaged entries', () => {
  it('reports entries of the wrong type or key as corrupt and loads the rest', async () => {
    const store = createMemoryStorage([
      [1, Uint8Array.of(1)],
      [2, 'not bytes'],
      ['three', Uint8Array.of(3)],
      [4, Uint8Array.of(4).buffer],
      [5, null],
      [-6, Uint8Array.of(6)],
    ]);
    const { records, corrupt } = await store.load();
    expect(records).toEqual(
      new Map([
        [1, Uint8Array.of(1)],
        [4, Uint8Array.of(4)],
      ]),
    );
    expect(corrupt.map((c) => c.id).sort()).toEqual(['-6', '2', '5', 'three']);
    expect(corrupt.find((c) => c.id === '2')!.reason).toMatch(/string/);
    expect(corrupt.find((c) => c.id === '5')!.reason).toMatch(/null/);
    expect(await store.count()).toBe(6);
  });

  it('load returns copies: changing a loaded record does not change the store', async () => {
    const store = createMemoryStorage();
    await store.saveBatch([[1, Uint8Array.of(1, 2)]]);
    (await store.load()).records.get(1)!.fill(0);
    expect((await store.load()).records.get(1)).toEqual(Uint8Array.of(1, 2));
  });
});
