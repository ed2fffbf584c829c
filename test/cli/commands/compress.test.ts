import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../src/cli/command';
import { compressCommand, decompressCommand, formatCsv, parseCsvColumn } from '../../../src/cli/commands/compress';

let dir: string;
let stderr: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qres-compress-'));
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const p = (name: string) => join(dir, name);

describe('compress / decompress commands', () => {
  it('round-trips a CSV column with decimals and negatives exactly', async () => {
    const values = Array.from({ length: 500 }, (_, i) => (Math.round(100 * Math.sin(i / 7)) / 10).toFixed(1));
    writeFileSync(p('in.csv'), `date,temp\n${values.map((v, i) => `d${i},${v}`).join('\n')}\n`);
    expect(await compressCommand.run({ column: 'temp' }, [p('in.csv'), p('out.qrc')])).toBe(0);
    expect(readFileSync(p('out.qrc')).length).toBeLessThan(values.length);
    expect(await decompressCommand.run({}, [p('out.qrc'), p('back.csv')])).toBe(0);
    expect(readFileSync(p('back.csv'), 'utf8')).toBe(`temp\n${values.join('\n')}\n`);
    expect(await compressCommand.run({ column: '1' }, [p('in.csv'), p('out2.qrc')])).toBe(0);
    expect(readFileSync(p('out2.qrc'))).toEqual(readFileSync(p('out.qrc')));
  });

  it.each(['int16', 'q16'] as const)('round-trips raw %s files byte for byte', async (format) => {
    const width = format === 'int16' ? 2 : 4;
    const raw = new Uint8Array(width * 3000);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < 3000; i++) {
      const v = Math.round(20000 * Math.sin(i / 40));
      if (width === 2) view.setInt16(i * 2, v, true);
      else view.setInt32(i * 4, v * 65536 + (i % 7), true);
    }
    writeFileSync(p('in.bin'), raw);
    expect(await compressCommand.run({ format }, [p('in.bin'), p('out.qrc')])).toBe(0);
    expect(await decompressCommand.run({}, [p('out.qrc'), p('back.bin')])).toBe(0);
    expect(new Uint8Array(readFileSync(p('back.bin')))).toEqual(raw);
  });

  it('reports usage errors (exit 2 via UsageError)', async () => {
    writeFileSync(p('multi.csv'), 'a,b\n1,2\n');
    await expect(compressCommand.run({}, [p('multi.csv')])).rejects.toThrow(UsageError);
    await expect(compressCommand.run({}, [p('multi.csv'), p('o')])).rejects.toThrow(/--column/);
    await expect(compressCommand.run({ format: 'float' }, [p('multi.csv'), p('o')])).rejects.toThrow(UsageError);
    await expect(compressCommand.run({ format: 'int16', column: '0' }, [p('multi.csv'), p('o')])).rejects.toThrow(UsageError);
  });

  it('fails with exit 1 and one clear line on a bad file', async () => {
    writeFileSync(p('bad.csv'), 'x\n1\n2\nthree\n');
    expect(await compressCommand.run({}, [p('bad.csv'), p('o')])).toBe(1);
    expect(stderr).toMatch(/row 4: "three"/);
    writeFileSync(p('odd.bin'), new Uint8Array(5));
    expect(await compressCommand.run({ format: 'int16' }, [p('odd.bin'), p('o')])).toBe(1);
    expect(await compressCommand.run({}, [p('missing.csv'), p('o')])).toBe(1);
    expect(stderr).toMatch(/ENOENT/);
    expect(await decompressCommand.run({}, [p('bad.csv'), p('o')])).toBe(1);
    expect(stderr).toMatch(/not a file written by qres compress/);
    writeFileSync(p('x.csv'), 'v\n1\n2\n3\n4\n5\n');
    await compressCommand.run({}, [p('x.csv'), p('x.qrc')]);
    const damaged = readFileSync(p('x.qrc'));
    damaged[damaged.length - 1]! ^= 0xff;
    writeFileSync(p('x.qrc'), damaged);
    expect(await decompressCommand.run({}, [p('x.qrc'), p('o')])).toBe(1);
  });

  it('parses and formats CSV values exactly', () => {
    const s = parseCsvColumn('-0.05\n1.5\n-12\n', undefined);
    expect(Array.from(s.samples)).toEqual([-5, 150, -1200]);
    expect(formatCsv(s)).toBe('-0.05\n1.50\n-12.00\n');
  });
});
