import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';
import { createMemoryStorage } from '../../src/storage/memoryStorage';
import { createFileStorage } from '../../src/storage/fileStorage';
import { decodeStoredNode } from '../../src/core/gene/stored';
import { rememberedGenes } from '../../src/core/rules/state';

async function runAndFlush(sim: ReturnType<typeof createSim>, ticks: number): Promise<void> {
  for (let done = 0; done < ticks; done += 50) {
    sim.step(50);
    await sim.flush();
  }
}

describe('persistence (the Hippocampus)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('saves calm Evolved genes every 5 s of sim time, and a new swarm spawns those nodes Evolved', async () => {
    const storage = createMemoryStorage();
    const first = createSim({ nodes: 150, seed: 7 }, { storage });
    await runAndFlush(first, 600);
    const stored = await storage.count();
    expect(stored).toBeGreaterThan(0);
    expect(first.metrics().stored).toBe(stored);

    const second = createSim({ nodes: 150, seed: 7 }, { storage });
    const init = await second.load();
    expect(init.restored).toBe(stored);
    expect(init.corrupt).toBe(0);
    second.step(1);
    expect(second.metrics().evolved).toBeGreaterThanOrEqual(stored - 5); // a few may storm at once
  });

  it("keeps each node's gene memory across the restart; a damaged memory loses only the memory", async () => {
    const storage = createMemoryStorage();
    const first = createSim({ nodes: 150, seed: 7 }, { storage });
    await runAndFlush(first, 600);
    const ids = [...storage.raw.keys()].filter((k): k is number => typeof k === 'number');
    const record = (id: number): Uint8Array => storage.raw.get(id) as Uint8Array;
    const withMemory = ids.filter((id) => decodeStoredNode(record(id)).memory.length > 0);
    expect(withMemory.length).toBeGreaterThan(0);
    const damaged = withMemory[0]!;
    const bytes = record(damaged);
    storage.raw.set(damaged, bytes.subarray(0, bytes.length - 1)); // the memory part one byte short
    const second = createSim({ nodes: 150, seed: 7 }, { storage });
    const init = await second.load();
    expect(init.memoryLost).toBe(1);
    expect(init.corrupt).toBe(0);
    expect(init.restored).toBe(ids.length);
    const plain = (g: { weights: ArrayLike<number>; bias: number }) => [...Array.from(g.weights), g.bias];
    for (const id of withMemory.slice(1)) {
      const saved = decodeStoredNode(record(id)).memory.map(plain);
      expect(rememberedGenes(second.world.components.Evolution, id + 1).map(plain)).toEqual(saved);
    }
    expect(rememberedGenes(second.world.components.Evolution, damaged + 1)).toEqual([]);
  });

  it('reports a corrupt record, skips it, and still restores the others', async () => {
    const storage = createMemoryStorage();
    const first = createSim({ nodes: 150, seed: 7 }, { storage });
    await runAndFlush(first, 600);
    const good = await storage.count();
    const overwritten = storage.raw.has(3) ? 1 : 0;
    storage.raw.set(3, new Uint8Array([1, 2, 3])); // a truncated gene
    storage.raw.set('not-a-node', new Uint8Array(32)); // a record the store itself cannot place
    const second = createSim({ nodes: 150, seed: 7 }, { storage });
    const init = await second.load();
    expect(init.corrupt).toBe(2);
    expect(init.restored).toBe(good - overwritten);
    expect(init.restored).toBeGreaterThan(0);
  });

  it('writes one file per node under the directory, and clearStorage() empties it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qres-sim-'));
    dirs.push(dir);
    const sim = createSim({ nodes: 150, seed: 7 }, { storage: createFileStorage({ dir }) });
    await runAndFlush(sim, 600);
    const files = readdirSync(dir).filter((f) => /^gene_\d+\.bin$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    writeFileSync(join(dir, 'gene_4.bin'), 'garbage');
    const again = createSim({ nodes: 150, seed: 7 }, { storage: createFileStorage({ dir }) });
    const init = await again.load();
    expect(init.corrupt).toBeGreaterThanOrEqual(1);
    await again.clearStorage();
    expect(readdirSync(dir).filter((f) => f.startsWith('gene_'))).toEqual([]);
  });
});
