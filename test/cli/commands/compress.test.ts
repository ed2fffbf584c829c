import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressCommand, decompressCommand } from '../../../src/cli/commands/compress';

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

async function roundTrip(input: Uint8Array | string, flags: Record<string, string | boolean> = {}): Promise<Buffer> {
  writeFileSync(p('in'), input);
  expect(await compressCommand.run(flags, [p('in'), p('out.qrc')]), stderr).toBe(0);
  expect(await decompressCommand.run({}, [p('out.qrc'), p('back')]), stderr).toBe(0);
  return readFileSync(p('back'));
}

/** A WAV file: RIFF, fmt, data (+ pad), optionally a LIST chunk after the data. */
function wav(channels: number, bits: number, frames: number, opts: { list?: boolean; seed?: number } = {}): Uint8Array {
  const align = (channels * bits) / 8;
  const data = new Uint8Array(frames * align);
  const view = new DataView(data.buffer);
  let x = opts.seed ?? 7;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const full = 2 ** (bits - 1) - 1;
      const v = Math.round(0.6 * full * Math.sin(i / (20 + 7 * c)) + (((x >>> 20) % 64) - 32) * (full / 32768));
      const o = i * align + (c * bits) / 8;
      if (bits === 8) data[o] = Math.max(0, Math.min(255, v + 128));
      else if (bits === 16) view.setInt16(o, v, true);
      else if (bits === 24) {
        data[o] = v & 0xff;
        data[o + 1] = (v >> 8) & 0xff;
        data[o + 2] = (v >> 16) & 0xff;
      } else view.setInt32(o, v, true);
    }
  }
  const pad = data.length & 1;
  const list = opts.list ? new TextEncoder().encode('LIST\x0a\x00\x00\x00INFOabcdef') : new Uint8Array(0);
  const out = new Uint8Array(44 + data.length + pad + list.length);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('RIFF'), 0);
  v.setUint32(4, out.length - 8, true);
  out.set(new TextEncoder().encode('WAVEfmt '), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, 8000, true);
  v.setUint32(28, 8000 * align, true);
  v.setUint16(32, align, true);
  v.setUint16(34, bits, true);
  out.set(new TextEncoder().encode('data'), 36);
  v.setUint32(40, data.length, true);
  out.set(data, 44);
  out.set(list, 44 + data.length + pad);
  return out;
}

describe('compress / decompress: byte-exact CSV', () => {
  it('gives back the identical bytes: header, mixed decimals, leading zeros, -0, exponents, blank lines, CRLF, text columns', async () => {
    const csv = [
      'date,temp,count,"note, quoted"',
      '2024-01-01,5,007,a',
      '2024-01-02,8.3,12,b',
      '',
      '2024-01-03,-0,13,"x,y"',
      '2024-01-04,-0.0,1e3,c',
      '2024-01-05,20.39,+5,d\r',
      '2024-01-06,-12.50,NA,e',
      '2024-01-07,,14,f',
      '2024-01-08,1.5E-2,15',
      '2024-01-09,0.001,16,g',
      '   ',
      '2024-01-10,99999999999.5,17,h',
      '2024-01-11,3',
    ].join('\n');
    for (const column of ['all', 'temp', '1,2', 'temp,count']) {
      const back = await roundTrip(csv, { column });
      expect(back.toString('latin1')).toBe(csv);
    }
    expect((await roundTrip(`${csv}\n\n\n`, { column: 'all' })).toString('latin1')).toBe(`${csv}\n\n\n`);
  });

  it('a one-column file needs no --column, and compresses far below the text', async () => {
    const values = Array.from({ length: 20_000 }, (_, i) => (Math.round(1000 * Math.sin(i / 50)) / 100).toFixed(i % 5 === 0 ? 1 : 2));
    const csv = `temp\n${values.join('\n')}\n`;
    const back = await roundTrip(csv);
    expect(back.toString()).toBe(csv);
    expect(readFileSync(p('out.qrc')).length).toBeLessThan(csv.length / 5);
  });

  it('round-trips arbitrary CSV text columns exactly (property)', async () => {
    const cell = fc.oneof(
      fc.integer({ min: -100000, max: 100000 }).map(String),
      fc.tuple(fc.integer({ min: -9999, max: 9999 }), fc.integer({ min: 0, max: 6 })).map(([v, d]) => (v / 10 ** d).toFixed(d)),
      fc.constantFrom('-0', '007', '1e5', '', 'NA', '+3', '-0.00', '.5', '5.', '1.50'),
      fc.stringMatching(/^[a-z0-9 .-]{0,6}$/),
    );
    const file = fc.tuple(fc.array(cell, { minLength: 1, maxLength: 60 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([cells, eol, final]) => {
      return `v${eol}${cells.join(eol)}${final ? eol : ''}`;
    });
    await fc.assert(
      fc.asyncProperty(file, async (text) => {
        writeFileSync(p('prop.csv'), text);
        const code = await compressCommand.run({ column: '0' }, [p('prop.csv'), p('prop.qrc')]);
        if (code !== 0) {
          // Only a column with no numeric first data cell, or no data row at all, may be refused, and it says so.
          expect(stderr).toMatch(/is not numeric|has a header but no data rows/);
          stderr = '';
          return;
        }
        expect(await decompressCommand.run({}, [p('prop.qrc'), p('prop.back')])).toBe(0);
        expect(readFileSync(p('prop.back'), 'latin1')).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  it('--from/--count on CSV writes just those data rows', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i},${(i * 0.5).toFixed(1)}`);
    writeFileSync(p('in.csv'), `i,v\n${rows.join('\n')}\n`);
    expect(await compressCommand.run({ column: 'all', block: '64' }, [p('in.csv'), p('o.qrc')])).toBe(0);
    expect(await decompressCommand.run({ from: '100', count: '70' }, [p('o.qrc'), p('part.csv')])).toBe(0);
    expect(readFileSync(p('part.csv'), 'utf8')).toBe(`${rows.slice(100, 170).join('\n')}\n`);
  });
});

describe('compress / decompress: WAV and raw', () => {
  it.each([
    [1, 8],
    [1, 16],
    [2, 16],
    [1, 24],
    [3, 24],
    [2, 32],
  ])('WAV with %i channel(s) at %i bits: identical bytes (with a trailing LIST chunk)', async (channels, bits) => {
    const input = wav(channels, bits, 5001, { list: true });
    const back = await roundTrip(input, { block: '1024' });
    expect(new Uint8Array(back)).toEqual(input);
    expect(readFileSync(p('out.qrc')).length).toBeLessThan(input.length * 0.8);
  });

  it('WAV --from/--count: a valid WAV of just those frames', async () => {
    const input = wav(2, 16, 20_000);
    writeFileSync(p('in.wav'), input);
    expect(await compressCommand.run({ block: '4096' }, [p('in.wav'), p('o.qrc')])).toBe(0);
    expect(await decompressCommand.run({ from: '5000', count: '3000' }, [p('o.qrc'), p('part.wav')])).toBe(0);
    const part = new Uint8Array(readFileSync(p('part.wav')));
    expect(part.length).toBe(44 + 3000 * 4);
    expect(part.subarray(44)).toEqual(input.subarray(44 + 5000 * 4, 44 + 8000 * 4));
    expect(new DataView(part.buffer).getUint32(40, true)).toBe(12_000);
  });

  it('refuses a float WAV with the reason', async () => {
    const f = wav(1, 32, 100);
    new DataView(f.buffer).setUint16(20, 3, true);
    writeFileSync(p('f.wav'), f);
    expect(await compressCommand.run({}, [p('f.wav'), p('o')])).toBe(1);
    expect(stderr).toMatch(/floating-point WAV/);
    expect(existsSync(p('o'))).toBe(false);
    expect(existsSync(p('o.partial'))).toBe(false);
  });

  it.each(['int16', 'q16'] as const)('round-trips raw %s files byte for byte, and --from/--count', async (format) => {
    const width = format === 'int16' ? 2 : 4;
    const raw = new Uint8Array(width * 30_000);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < 30_000; i++) {
      const v = Math.round(20000 * Math.sin(i / 40));
      if (width === 2) view.setInt16(i * 2, v, true);
      else view.setInt32(i * 4, v * 65536 + (i % 7), true);
    }
    expect(new Uint8Array(await roundTrip(raw, { format }))).toEqual(raw);
    expect(await decompressCommand.run({ from: '12345', count: '1000' }, [p('out.qrc'), p('part')])).toBe(0);
    expect(new Uint8Array(readFileSync(p('part')))).toEqual(raw.subarray(12345 * width, 13345 * width));
  });
});

describe('compress / decompress: damage and errors', () => {
  it('every single-bit flip of the file header fails with exit 1 and writes nothing', async () => {
    writeFileSync(p('x.csv'), 'temp\n20.39\n20.41\n20.5\n');
    expect(await compressCommand.run({}, [p('x.csv'), p('x.qrc')])).toBe(0);
    const file = readFileSync(p('x.qrc'));
    const headerLength = 16 + file.readUInt32LE(12) + 4;
    for (let pos = 0; pos < headerLength; pos++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = Buffer.from(file);
        bad[pos]! ^= 1 << bit;
        writeFileSync(p('bad.qrc'), bad);
        expect(await decompressCommand.run({}, [p('bad.qrc'), p('o.csv')]), `bit ${bit} of byte ${pos}`).toBe(1);
        expect(existsSync(p('o.csv'))).toBe(false);
      }
    }
  });

  it('a damaged block: exit 1 naming block and offset; --salvage restores the rest (zeros in its place)', async () => {
    const raw = new Uint8Array(2 * 10_000);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < 10_000; i++) view.setInt16(i * 2, Math.round(9000 * Math.sin(i / 13)) + (i % 11), true);
    writeFileSync(p('in.raw'), raw);
    expect(await compressCommand.run({ format: 'int16', block: '1000' }, [p('in.raw'), p('o.qrc')])).toBe(0);
    const file = readFileSync(p('o.qrc'));
    // Find block 3: walk the headers.
    let at = 16 + file.readUInt32LE(12) + 4;
    for (let k = 0; k < 3; k++) at += 22 + file.readUInt32LE(at + 10) + file.readUInt32LE(at + 14) + 4;
    const bad = Buffer.from(file);
    bad[at + 30]! ^= 0x04;
    writeFileSync(p('bad.qrc'), bad);
    expect(await decompressCommand.run({}, [p('bad.qrc'), p('o.raw')])).toBe(1);
    expect(stderr).toMatch(new RegExp(`block 3 at byte ${at + 22}: block checksum mismatch`));
    expect(existsSync(p('o.raw'))).toBe(false);
    stderr = '';
    expect(await decompressCommand.run({ salvage: true }, [p('bad.qrc'), p('o.raw')])).toBe(1);
    expect(stderr).toMatch(/lost block 3/);
    const got = new Uint8Array(readFileSync(p('o.raw')));
    expect(got.length).toBe(raw.length);
    expect(got.subarray(0, 6000)).toEqual(raw.subarray(0, 6000));
    expect(got.subarray(6000, 8000).every((b) => b === 0)).toBe(true);
    expect(got.subarray(8000)).toEqual(raw.subarray(8000));
    // Truncated: --salvage restores the whole blocks before the cut.
    writeFileSync(p('cut.qrc'), file.subarray(0, at + 10));
    expect(await decompressCommand.run({}, [p('cut.qrc'), p('c.raw')])).toBe(1);
    expect(stderr).toMatch(/truncated/);
    expect(await decompressCommand.run({ salvage: true }, [p('cut.qrc'), p('c.raw')])).toBe(1);
    expect(new Uint8Array(readFileSync(p('c.raw')))).toEqual(raw.subarray(0, 6000));
  });

  it('usage errors: a missing and a wrong --column exit with the same code (2), one line saying what exists and where help is', async () => {
    writeFileSync(p('two.csv'), 'a,b\n1,2\n');
    const usage = async (cmd: typeof compressCommand, flags: Record<string, string>, args: string[], message: RegExp) => {
      stderr = '';
      expect(await cmd.run(flags, args)).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).toMatch(new RegExp(`\\(see: npm run qres -- help ${cmd.name}\\)\\n$`));
      expect(stderr.split('\n')).toHaveLength(3);
    };
    await usage(compressCommand, {}, [p('two.csv'), p('o')], /the CSV has 2 columns \(0: a, 1: b\): pick with --column/);
    await usage(compressCommand, { column: '7' }, [p('two.csv'), p('o')], /no column "7": the CSV has 2 columns/);
    await usage(compressCommand, { column: 'c' }, [p('two.csv'), p('o')], /no column "c"/);
    await usage(compressCommand, {}, [p('two.csv')], /expects IN and OUT, got 1/);
    await usage(compressCommand, { format: 'float' }, [p('two.csv'), p('o')], /--format must be one of/);
    await usage(compressCommand, { format: 'int16', column: '0' }, [p('two.csv'), p('o')], /--column applies to CSV input only/);
    await usage(decompressCommand, { from: '-1' }, [p('two.csv'), p('o')], /--from must be a whole number/);
    expect(existsSync(p('o'))).toBe(false);
  });

  it('a bad file: exit 1 and one clear line', async () => {
    writeFileSync(p('text.csv'), 'name,v\nbob,1\n');
    expect(await compressCommand.run({ column: 'name' }, [p('text.csv'), p('o')])).toBe(1);
    expect(stderr).toMatch(/column "name" is not numeric: its first data cell is "bob"/);
    writeFileSync(p('odd.bin'), new Uint8Array(5));
    expect(await compressCommand.run({ format: 'int16' }, [p('odd.bin'), p('o')])).toBe(1);
    expect(stderr).toMatch(/not a whole number of int16 samples/);
    expect(await compressCommand.run({}, [p('missing.csv'), p('o')])).toBe(1);
    expect(stderr).toMatch(/ENOENT/);
    expect(await decompressCommand.run({}, [p('text.csv'), p('o')])).toBe(1);
    expect(stderr).toMatch(/not a file written by qres compress/);
  });
});
