// GeneStorage on the Node file system: one file per node id, `gene_<id>.bin`, under a directory (by
// default ./swarms_memory/). Each record is written atomically: the bytes go to a temp file, which is
// flushed and then renamed over the record, so a crash leaves either the old record or the new one, plus at
// worst a stray temp file that load ignores and clear removes. A batch writes all temp files first, then renames.
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { dirname, join } from 'node:path';
import { StorageError, isNodeId, validateBatch, type GeneStorage, type LoadResult, type StorageOperation } from './geneStorage';

export const DEFAULT_GENE_DIR = './swarms_memory';

/** Canonical record names only: no leading zeros, so two files can never claim the same id. */
const RECORD_NAME = /^gene_(0|[1-9][0-9]*)\.bin$/;
/** Temp files of an unfinished write: `gene_<id>.bin.<pid>-<seq>.tmp`. */
const TEMP_NAME = /^gene_.*\.tmp$/;
/** Everything this store may have written (clear removes these and nothing else). */
const OWN_PREFIX = 'gene_';

export interface FileStorageOptions {
  /** Directory of the records; created on the first save. Default ./swarms_memory. */
  dir?: string;
  /** fsync each temp file before its rename (default true). Tests may turn it off for speed. */
  durable?: boolean;
  /** Files larger than this are reported as corrupt instead of read (default 1 MiB; genes are ~100 B). */
  maxRecordBytes?: number;
}

export function recordFileName(id: number): string {
  return `gene_${id}.bin`;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
}

/**
 * mkdir -p, one level at a time. Node's own `mkdir(dir, { recursive: true })` never settles for some paths
 * (e.g. under /proc, where mkdir keeps answering ENOENT for an existing parent): here each level is tried at
 * most twice, so a path that cannot be created fails with its error code instead of hanging.
 */
export async function ensureDir(dir: string, depth = 0): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw Object.assign(new Error(`${dir} exists and is not a directory`), { code: 'ENOTDIR', syscall: 'mkdir' });
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir || depth > 64) throw error;
    await ensureDir(parent, depth + 1);
    await mkdir(dir).catch((again: unknown) => {
      if (errorCode(again) !== 'EEXIST') throw again;
    });
  }
}

export function createFileStorage(options: FileStorageOptions = {}): GeneStorage {
  const dir = options.dir ?? DEFAULT_GENE_DIR;
  const durable = options.durable ?? true;
  const maxRecordBytes = options.maxRecordBytes ?? 1 << 20;
  let tempSeq = 0;
  // Operations run one at a time, so a clear never interleaves with the renames of a save.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  async function listDir(operation: StorageOperation): Promise<Dirent[]> {
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return []; // nothing saved yet
      throw new StorageError(operation, `cannot list ${dir}: ${errorCode(error)}`, { cause: error });
    }
  }

  async function load(): Promise<LoadResult> {
    const result: LoadResult = { records: new Map(), corrupt: [] };
    const entries = await listDir('load');
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // stable report order
    for (const entry of entries) {
      const name = entry.name;
      if (name.startsWith('.') || TEMP_NAME.test(name)) continue; // hidden files; writes cut short by a crash
      const match = RECORD_NAME.exec(name);
      const id = match ? Number(match[1]) : NaN;
      if (!match || !isNodeId(id)) {
        result.corrupt.push({ id: name, reason: 'file name is not gene_<node id>.bin' });
        continue;
      }
      const path = join(dir, name);
      try {
        const info = await stat(path);
        if (!info.isFile()) {
          result.corrupt.push({ id: name, reason: 'not a regular file' });
          continue;
        }
        if (info.size > maxRecordBytes) {
          result.corrupt.push({ id: name, reason: `${info.size} bytes, more than ${maxRecordBytes}` });
          continue;
        }
        result.records.set(id, new Uint8Array(await readFile(path)));
      } catch (error) {
        result.corrupt.push({ id: name, reason: `unreadable: ${errorCode(error)}` });
      }
    }
    return result;
  }

  async function writeTemp(path: string, bytes: Uint8Array): Promise<void> {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(bytes);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async function saveBatch(entries: ReadonlyArray<readonly [number, Uint8Array]>): Promise<void> {
    validateBatch(entries);
    if (entries.length === 0) return;
    try {
      await ensureDir(dir);
    } catch (error) {
      throw new StorageError('save', `cannot create ${dir}: ${errorCode(error)}`, { cause: error });
    }
    const temps: string[] = [];
    try {
      for (const [id] of entries) temps.push(join(dir, `${recordFileName(id)}.${process.pid}-${tempSeq++}.tmp`));
      for (let i = 0; i < entries.length; i++) await writeTemp(temps[i]!, entries[i]![1]);
    } catch (error) {
      await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
      throw new StorageError('save', `writing the batch failed: ${errorCode(error)}`, { cause: error });
    }
    for (let i = 0; i < entries.length; i++) {
      try {
        await rename(temps[i]!, join(dir, recordFileName(entries[i]![0])));
      } catch (error) {
        await Promise.all(temps.slice(i).map((t) => unlink(t).catch(() => undefined)));
        throw new StorageError('save', `renaming ${recordFileName(entries[i]![0])} failed: ${errorCode(error)}`, { cause: error });
      }
    }
  }

  async function clear(): Promise<void> {
    for (const entry of await listDir('clear')) {
      if (!entry.name.startsWith(OWN_PREFIX) || entry.isDirectory()) continue; // never touch files not ours
      try {
        await unlink(join(dir, entry.name));
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') {
          throw new StorageError('clear', `cannot remove ${entry.name}: ${errorCode(error)}`, { cause: error });
        }
      }
    }
  }

  async function count(): Promise<number> {
    return (await listDir('count')).filter((e) => RECORD_NAME.test(e.name)).length;
  }

  return {
    kind: 'file',
    load: () => serial(load),
    saveBatch: (entries) => serial(() => saveBatch(entries)),
    clear: () => serial(clear),
    count: () => serial(count),
  };
}
