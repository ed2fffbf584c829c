import { mkdtemp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileStorage, DEFAULT_GENE_DIR, recordFileName } from '../../src/storage/fileStorage';
import { StorageError } from '../../src/storage/geneStorage';
import { describeGeneStorage } from './conformance';

// Every store lives in its own temp directory, never in the repository's ./swarms_memory.
const root = await mkdtemp(join(tmpdir(), 'qres-gene-store-'));
let dirs = 0;
const freshDir = (): string => join(root, `store-${dirs++}`);
afterAll(() => rm(root, { recursive: true, force: true }));

describeGeneStorage('file', async () => createFileStorage({ dir: freshDir(), durable: false }));

describe('file storage on disk', () => {
  it('creates nested directories on the first save, and fails fast (never hangs) where a directory cannot be made', async () => {
    const nested = join(freshDir(), 'a', 'b', 'c');
    await createFileStorage({ dir: nested, durable: false }).saveBatch([[1, new Uint8Array(32)]]);
    expect(await readdir(nested)).toEqual([recordFileName(1)]);
    const file = join(root, `plain-file-${dirs++}`);
    await writeFile(file, 'x');
    // Under a regular file, and under /proc, where Node's own recursive mkdir never settles on Linux.
    for (const dir of [join(file, 'sub'), file, '/proc/qres-cannot-create/x']) {
      const started = Date.now();
      await expect(createFileStorage({ dir }).saveBatch([[1, new Uint8Array(32)]])).rejects.toThrow(StorageError);
      expect(Date.now() - started, dir).toBeLessThan(2000);
    }
  });

  it('writes one gene_<id>.bin per record and no temp files remain', async () => {
    const dir = freshDir();
    const store = createFileStorage({ dir });
    await store.saveBatch([
      [3, Uint8Array.of(3)],
      [12, Uint8Array.of(1, 2)],
    ]);
    expect((await readdir(dir)).sort()).toEqual(['gene_12.bin', 'gene_3.bin']);
    expect(recordFileName(12)).toBe('gene_12.bin');
    expect(DEFAULT_GENE_DIR).toBe('./swarms_memory');
  });

  it('loading a directory that does not exist yet gives no records', async () => {
    const store = createFileStorage({ dir: join(freshDir(), 'never', 'made') });
    expect(await store.load()).toEqual({ records: new Map(), corrupt: [] });
    expect(await store.count()).toBe(0);
    await store.clear();
  });

  it('reports files with bad names, directories and oversized files as corrupt and loads the rest', async () => {
    const dir = freshDir();
    const store = createFileStorage({ dir, durable: false, maxRecordBytes: 64 });
    await store.saveBatch([
      [1, Uint8Array.of(1)],
      [2, Uint8Array.of(2)],
    ]);
    await writeFile(join(dir, 'gene_abc.bin'), Uint8Array.of(9));
    await writeFile(join(dir, 'gene_007.bin'), Uint8Array.of(7)); // not canonical: would alias id 7
    await writeFile(join(dir, 'gene_4294967296.bin'), Uint8Array.of(9)); // beyond a node id
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, 'gene_5.bin'), new Uint8Array(65));
    await mkdir(join(dir, 'gene_6.bin'));
    await writeFile(join(dir, '.gitkeep'), '');
    const { records, corrupt } = await store.load();
    expect(records).toEqual(
      new Map([
        [1, Uint8Array.of(1)],
        [2, Uint8Array.of(2)],
      ]),
    );
    expect(corrupt.map((c) => c.id)).toEqual(['gene_007.bin', 'gene_4294967296.bin', 'gene_5.bin', 'gene_6.bin', 'gene_abc.bin', 'notes.txt']);
    expect(corrupt.find((c) => c.id === 'gene_6.bin')!.reason).toMatch(/regular file/);
    expect(corrupt.find((c) => c.id === 'gene_5.bin')!.reason).toMatch(/65 bytes/);
    expect(corrupt.find((c) => c.id === 'notes.txt')!.reason).toMatch(/file name/);
  });

  it('reports an unreadable record as corrupt instead of failing the load', async () => {
    const dir = freshDir();
    const store = createFileStorage({ dir, durable: false });
    await store.saveBatch([[1, Uint8Array.of(1)]]);
    // A dangling link with a record's name: unreadable even for root (these tests may run as root).
    await symlink(join(dir, 'nowhere'), join(dir, 'gene_2.bin'));
    const { records, corrupt } = await store.load();
    expect([...records.keys()]).toEqual([1]);
    expect(corrupt).toEqual([{ id: 'gene_2.bin', reason: 'unreadable: ENOENT' }]);
    await store.clear();
    expect(await readdir(dir)).toEqual([]);
  });

  it('ignores a half-written temp file left by a crash, and clear removes it', async () => {
    const dir = freshDir();
    const store = createFileStorage({ dir, durable: false });
    await store.saveBatch([[1, Uint8Array.of(1, 1)]]);
    await writeFile(join(dir, 'gene_1.bin.4242-0.tmp'), Uint8Array.of(0xde)); // a newer write cut short
    await writeFile(join(dir, 'gene_8.bin.4242-1.tmp'), Uint8Array.of(0xad));
    expect(await store.load()).toEqual({ records: new Map([[1, Uint8Array.of(1, 1)]]), corrupt: [] });
    expect(await store.count()).toBe(1);
    await writeFile(join(dir, 'keep.me'), 'not ours');
    await store.clear();
    expect(await readdir(dir)).toEqual(['keep.me']);
  });

  it('a failed batch leaves no temp files and no partial records, with a StorageError', async () => {
    const dir = freshDir();
    const store = createFileStorage({ dir, durable: false });
    await store.saveBatch([[1, Uint8Array.of(1)]]);
    // A directory where a record's file should go makes its rename fail.
    await mkdir(join(dir, 'gene_3.bin'));
    await writeFile(join(dir, 'gene_3.bin', 'x'), '');
    const error = await store
      .saveBatch([
        [2, Uint8Array.of(2)],
        [3, Uint8Array.of(3)],
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Each record is still atomic: 2 was renamed before 3 failed, 1 is untouched.
    expect((await store.load()).records).toEqual(
      new Map([
        [1, Uint8Array.of(1)],
        [2, Uint8Array.of(2)],
      ]),
    );
  });

  it('runs concurrent calls one after another (a clear never splits a save)', async () => {
    const dir = freshDir();
    const store = createFileStorage({ dir, durable: false });
    const batch: [number, Uint8Array][] = Array.from({ length: 50 }, (_, i) => [i, Uint8Array.of(i)]);
    const save = store.saveBatch(batch);
    const cleared = store.clear();
    const after = store.saveBatch([[99, Uint8Array.of(99)]]);
    await Promise.all([save, cleared, after]);
    expect((await store.load()).records).toEqual(new Map([[99, Uint8Array.of(99)]]));
  });
});
