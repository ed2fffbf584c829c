// The behaviour every GeneStorage shares, run against each implementation by its own test file.
import { describe, expect, it } from 'vitest';
import { StorageError, type GeneStorage } from '../../src/storage/geneStorage';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** `make` returns a fresh, empty store for each test. */
export function describeGeneStorage(kind: string, make: () => Promise<GeneStorage>): void {
  describe(`${kind}: GeneStorage contract`, () => {
    it('starts empty', async () => {
      const store = await make();
      expect(store.kind).toBe(kind);
      expect(await store.count()).toBe(0);
      const { records, corrupt } = await store.load();
      expect(records.size).toBe(0);
      expect(corrupt).toEqual([]);
    });

    it('round-trips a batch of records byte for byte', async () => {
      const store = await make();
      const batch: [number, Uint8Array][] = [
        [0, bytes(1, 2, 3)],
        [7, bytes()],
        [4_294_967_295, bytes(255, 0, 128)],
        [42, Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff)],
      ];
      await store.saveBatch(batch);
      expect(await store.count()).toBe(4);
      const { records, corrupt } = await store.load();
      expect(corrupt).toEqual([]);
      expect(new Map(records)).toEqual(new Map(batch));
    });

    it('a later batch replaces records with the same id and keeps the others', async () => {
      const store = await make();
      await store.saveBatch([
        [1, bytes(1)],
        [2, bytes(2)],
      ]);
      await store.saveBatch([
        [2, bytes(20, 21)],
        [3, bytes(3)],
      ]);
      const { records } = await store.load();
      expect(records).toEqual(
        new Map([
          [1, bytes(1)],
          [2, bytes(20, 21)],
          [3, bytes(3)],
        ]),
      );
      expect(await store.count()).toBe(3);
    });

    it('stores a copy: changing the caller buffer after saving changes nothing', async () => {
      const store = await make();
      const buffer = new Uint8Array(16).fill(9);
      const view = buffer.subarray(4, 8);
      await store.saveBatch([[5, view]]);
      view.fill(0);
      const { records } = await store.load();
      expect(records.get(5)).toEqual(bytes(9, 9, 9, 9));
    });

    it('clear removes every record', async () => {
      const store = await make();
      await store.saveBatch([
        [1, bytes(1)],
        [2, bytes(2)],
      ]);
      await store.clear();
      expect(await store.count()).toBe(0);
      expect((await store.load()).records.size).toBe(0);
      await store.clear(); // clearing an empty store is fine
      await store.saveBatch([[3, bytes(3)]]);
      expect((await store.load()).records).toEqual(new Map([[3, bytes(3)]]));
    });

    it('rejects a bad batch with StorageError before writing any of it', async () => {
      const store = await make();
      const bad: unknown[] = [
        [[-1, bytes(1)]],
        [[1.5, bytes(1)]],
        [[2 ** 32, bytes(1)]],
        [[1, [1, 2]]],
        [
          [1, bytes(1)],
          [1, bytes(2)],
        ],
        [[1]],
      ];
      for (const batch of bad) {
        await expect(store.saveBatch([[9, bytes(9)], ...(batch as [number, Uint8Array][])])).rejects.toBeInstanceOf(StorageError);
      }
      expect(await store.count()).toBe(0);
    });

    it('an empty batch is a no-op', async () => {
      const store = await make();
      await store.saveBatch([]);
      expect(await store.count()).toBe(0);
    });
  });
}
