import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BLOCK_HEADER_BYTES,
  CodecFileError,
  KIND_INT16,
  SeriesReader,
  SeriesWriter,
  bytesSource,
  concat,
  decodeSeries,
  defaultBlockFrames,
  encodeSeries,
  type Damage,
} from '../../../src/core/codec/container';
import { CodecDecodeError } from '../../../src/core/codec/rangeCoder';
import { BitDecoder } from '../../../src/core/codec/binaryCoder';

/** A deterministic noisy sine: speech-like enough for the predictor to matter. */
function signal(n: number, seed = 1): Int32Array {
  let x = seed;
  const noise = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 26) - 32;
  return Int32Array.from({ length: n }, (_, t) => Math.round(9000 * Math.sin(t / 9.7) + 3000 * Math.sin(t / 2.3)) + noise());
}

/** Offsets of each block (header start) in a file, found by walking the headers. */
function blockOffsets(file: Uint8Array): number[] {
  const metaLength = file[12]! | (file[13]! << 8) | (file[14]! << 16) | (file[15]! << 24);
  const offsets: number[] = [];
  let at = 16 + metaLength + 4;
  while (at < file.length) {
    offsets.push(at);
    const u32 = (o: number) => (file[at + o]! | (file[at + o + 1]! << 8) | (file[at + o + 2]! << 16) | (file[at + o + 3]! << 24)) >>> 0;
    at += BLOCK_HEADER_BYTES + u32(10) + u32(14) + 4;
  }
  return offsets;
}

describe('block file format', () => {
  it('round-trips int16 and int32 sequences of any length (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 700 }),
          fc.array(fc.integer(), { maxLength: 300 }),
          fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 700 }),
        ),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (xs, blockFrames, best) => {
          const s = Int32Array.from(xs);
          expect(decodeSeries(encodeSeries(s, { blockFrames, best }))).toEqual(s);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips extreme values and long runs', () => {
    const s = Int32Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? 0x7fffffff : i % 3 === 1 ? -0x80000000 : i));
    expect(decodeSeries(encodeSeries(s, { blockFrames: 1000 }))).toEqual(s);
    const silent = new Int32Array(100_000);
    const bytes = encodeSeries(silent);
    expect(bytes.length).toBeLessThan(1000);
    expect(decodeSeries(bytes)).toEqual(silent);
  });

  it('feeds sample by sample the same bytes as in bulk (the device path)', () => {
    const s = signal(10_000);
    const parts: Uint8Array[] = [];
    const w = new SeriesWriter({ kind: KIND_INT16, channels: 1, blockFrames: 4096, meta: new Uint8Array(0) }, (b) => parts.push(b.slice()));
    for (const v of s) w.push(v);
    w.finish();
    expect(concat(parts)).toEqual(encodeSeries(s, { blockFrames: 4096, kind: KIND_INT16 }));
  });

  it('default blocks of 32768 frames (fewer above 8 channels); a smooth series gets one LPC per long sub-frame', () => {
    expect([1, 2, 8, 9, 16, 255].map(defaultBlockFrames)).toEqual([32768, 32768, 32768, 16384, 16384, 4096]);
    // Slow and smooth: longer sub-frames than 4096 win the estimate; a noisy signal keeps 4096.
    let x = 7;
    const smooth = Int32Array.from(
      { length: 40000 },
      (_, t) => Math.round(20000 * Math.sin(t / 700) + 5000 * Math.sin(t / 3100)) + (((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 29) - 4),
    );
    const subframeLog2 = (file: Uint8Array): number[] =>
      blockOffsets(file)
        .slice(0, -1)
        .map((at) => {
          const coded = file[at + 10]! | (file[at + 11]! << 8) | (file[at + 12]! << 16) | (file[at + 13]! << 24);
          // Format 3: the range-coded stream follows its LEB128 length, without the coder's leading zero byte.
          const body = file.subarray(at + BLOCK_HEADER_BYTES, at + BLOCK_HEADER_BYTES + coded);
          let i = 0;
          while (body[i]! & 0x80) i++;
          return new BitDecoder(Uint8Array.of(0, ...body.subarray(i + 1))).decodeDirect(4) + 6;
        });
    for (const best of [false, true]) {
      const file = encodeSeries(smooth, { kind: KIND_INT16, best });
      expect(decodeSeries(file)).toEqual(smooth);
      const log2s = subframeLog2(file);
      expect(log2s).toHaveLength(2);
      expect(Math.max(...log2s)).toBeGreaterThan(12);
    }
    // A signal whose character changes every 4096 frames (a slow sine, then loud noise, …) keeps sub-frames of at
    // most 4096 (the default mode starts from 2048).
    const changing = Int32Array.from({ length: 40000 }, (_, t) =>
      (t >> 12) & 1 ? ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 18) - 8192 : Math.round(20000 * Math.sin(t / 50)),
    );
    const changingLog2s = subframeLog2(encodeSeries(changing, { kind: KIND_INT16 }));
    expect(changingLog2s).toHaveLength(2);
    for (const log2 of changingLog2s) expect([11, 12]).toContain(log2);
  });

  it('a series shorter than a block is a single-block file: 22 bytes of container, every bit under its one CRC', () => {
    const s = signal(300);
    const file = encodeSeries(s, { kind: KIND_INT16 });
    expect(file[7]! & 2).toBe(2); // flags: single block
    expect(decodeSeries(file)).toEqual(s);
    expect(decodeSeries(file, { from: 100, count: 50 })).toEqual(s.subarray(100, 150));
    // The same samples as a block of the multi-block layout: 80 bytes of container there.
    const blocks = encodeSeries(s, { kind: KIND_INT16, blockFrames: 300 });
    expect(blocks[7]! & 2).toBe(0);
    expect(decodeSeries(blocks)).toEqual(s);
    const coded = blockOffsets(blocks).length === 2 ? blocks[blockOffsets(blocks)[0]! + 10]! | (blocks[blockOffsets(blocks)[0]! + 11]! << 8) : -1;
    expect(blocks.length - coded).toBe(80);
    expect(file.length - coded).toBe(22);
    for (let pos = 0; pos < file.length; pos++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = file.slice();
        bad[pos]! ^= 1 << bit;
        expect(() => decodeSeries(bad), `flip of bit ${bit} at byte ${pos}`).toThrow(CodecFileError);
      }
    }
    for (let len = 0; len < file.length; len++) expect(() => decodeSeries(file.subarray(0, len))).toThrow(CodecFileError);
    expect(() => decodeSeries(concat([file, new Uint8Array(1)]))).toThrow(/bytes after the end/);
    // Damage cannot be salvaged around in a one-block file: it is an error of the file, not of a block.
    const bad = file.slice();
    bad[30]! ^= 4;
    expect(() => new SeriesReader(bytesSource(bad))).toThrow(/file header at byte 0: checksum mismatch/);
    // Empty, one frame, and sample by sample: the same bytes as in bulk.
    expect(decodeSeries(encodeSeries(new Int32Array(0)))).toEqual(new Int32Array(0));
    expect(decodeSeries(encodeSeries(Int32Array.of(-7)))).toEqual(Int32Array.of(-7));
    const parts: Uint8Array[] = [];
    const w = new SeriesWriter({ kind: KIND_INT16, channels: 1, blockFrames: 32768, meta: new Uint8Array(0) }, (b) => parts.push(b.slice()));
    for (const v of s) w.push(v);
    expect(parts).toHaveLength(0); // nothing is written before the series is known to fit one block
    w.finish();
    expect(concat(parts)).toEqual(file);
  });

  it('codes several channels with stereo decorrelation exactly', () => {
    const l = signal(9000, 3);
    const r = Int32Array.from(l, (v, i) => v + (i % 17) - 8);
    const parts: Uint8Array[] = [];
    const w = new SeriesWriter({ kind: KIND_INT16, channels: 2, blockFrames: 2048, meta: new Uint8Array(0) }, (b) => parts.push(b.slice()));
    w.pushChannels([l, r], l.length);
    w.finish();
    const file = concat(parts);
    // Mid/side pays here: the side channel is 5 bits of noise; far less than two independent channels.
    expect(file.length).toBeLessThan(encodeSeries(l).length + 9000);
    const reader = new SeriesReader(bytesSource(file));
    const back = [new Int32Array(9000), new Int32Array(9000)];
    for (const b of reader.blocks()) for (let c = 0; c < 2; c++) back[c]!.set(b.channels[c]!.subarray(0, b.frames), b.firstFrame);
    expect(back[0]).toEqual(l);
    expect(back[1]).toEqual(r);
    expect(reader.end?.totalFrames).toBe(9000);
  });

  it('every single-bit flip of the header and of a block header is a typed error, never wrong samples', () => {
    const s = signal(3000);
    const file = encodeSeries(s, { blockFrames: 1000 });
    const offsets = blockOffsets(file);
    const positions = [...Array(offsets[0]!).keys(), ...Array.from({ length: BLOCK_HEADER_BYTES }, (_, i) => offsets[1]! + i)];
    for (const pos of positions) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = file.slice();
        bad[pos]! ^= 1 << bit;
        let err: unknown;
        try {
          decodeSeries(bad);
        } catch (e) {
          err = e;
        }
        expect(err, `flip of bit ${bit} at byte ${pos}`).toBeInstanceOf(CodecFileError);
      }
    }
  });

  it('a flip anywhere is caught, and the error names the block and a byte offset inside it', () => {
    const s = signal(5000);
    const file = encodeSeries(s, { blockFrames: 1000 });
    const offsets = [...blockOffsets(file), file.length];
    for (let pos = offsets[0]!; pos < file.length; pos += 7) {
      const bad = file.slice();
      bad[pos]! ^= 0x10;
      const block = offsets.findIndex((o, i) => pos >= o && pos < offsets[i + 1]!);
      let err: unknown;
      try {
        decodeSeries(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CodecFileError);
      const e = err as CodecFileError;
      expect(e.block).toBe(block);
      expect(e.offset).toBeGreaterThanOrEqual(offsets[block]!);
      expect(e.offset).toBeLessThan(offsets[block + 1]!);
      expect(e.message).toMatch(new RegExp(`^block ${block} at byte ${e.offset}: `));
    }
  });

  it('truncation at any length is a typed error naming where the file ends', () => {
    const file = encodeSeries(signal(2500), { blockFrames: 1000 });
    for (let len = 0; len < file.length; len++) {
      expect(() => decodeSeries(file.subarray(0, len))).toThrow(CodecDecodeError);
    }
    expect(() => decodeSeries(file.subarray(0, file.length - 30))).toThrow(/truncated/);
  });

  it('--salvage: a damaged block is reported, every other block restored', () => {
    const s = signal(6000);
    const file = encodeSeries(s, { blockFrames: 1000 });
    const offsets = blockOffsets(file);
    for (const target of [0, 2, 5]) {
      for (const where of [2, BLOCK_HEADER_BYTES + 40]) {
        const bad = file.slice();
        bad[offsets[target]! + where]! ^= 0x01;
        expect(() => decodeSeries(bad)).toThrow(CodecFileError);
        const damage: Damage[] = [];
        const reader = new SeriesReader(bytesSource(bad));
        const got = new Map<number, Int32Array>();
        for (const b of reader.blocks({ salvage: true, onDamage: (d) => damage.push(d) })) got.set(b.index, b.channels[0]!.slice(0, b.frames));
        expect(damage.map((d) => [d.block, d.blocks])).toEqual([[target, 1]]);
        expect(damage[0]!.offset).toBe(offsets[target]);
        expect([...got.keys()]).toEqual([0, 1, 2, 3, 4, 5].filter((k) => k !== target));
        for (const [k, v] of got) expect(v).toEqual(s.subarray(k * 1000, k * 1000 + 1000));
        expect(reader.end?.totalFrames).toBe(6000);
      }
    }
  });

  it('--salvage on a truncated file restores the whole blocks before the cut', () => {
    const s = signal(6000);
    const file = encodeSeries(s, { blockFrames: 1000 });
    const offsets = blockOffsets(file);
    const cut = file.subarray(0, offsets[4]! + 30);
    const damage: Damage[] = [];
    const restored = decodeSeries(cut, { salvage: true, onDamage: (d) => damage.push(d) });
    expect(restored).toEqual(s.subarray(0, 4000));
    expect(damage).toHaveLength(1);
    expect(damage[0]!.error.reason).toBe('truncated');
  });

  it('--from/--count decodes only the blocks it needs, and skips damage elsewhere', () => {
    const s = signal(10_000);
    const file = encodeSeries(s, { blockFrames: 1000 });
    expect(decodeSeries(file, { from: 2500, count: 1700 })).toEqual(s.subarray(2500, 4200));
    expect(decodeSeries(file, { from: 9990, count: 100 })).toEqual(s.subarray(9990));
    expect(decodeSeries(file, { from: 0, count: 0 })).toEqual(new Int32Array(0));
    // A damaged payload in block 7 does not stop a read of frames 2500..4200 (its header is intact and skipped).
    const offsets = blockOffsets(file);
    const bad = file.slice();
    bad[offsets[7]! + BLOCK_HEADER_BYTES + 5]! ^= 0xff;
    expect(decodeSeries(bad, { from: 2500, count: 1700 })).toEqual(s.subarray(2500, 4200));
    expect(() => decodeSeries(bad)).toThrow(/block 7 at byte/);
    // Only the needed payloads are read.
    const reads: [number, number][] = [];
    const src = bytesSource(file);
    const reader = new SeriesReader({
      read: (o, l) => {
        reads.push([o, l]);
        return src.read(o, l);
      },
    });
    const got = [...reader.blocks({ from: 2500, count: 1700 })].map((b) => b.index);
    expect(got).toEqual([2, 3, 4]);
    const payloadReads = reads.filter(([, l]) => l !== BLOCK_HEADER_BYTES).length - 2; // minus the header's two reads
    expect(payloadReads).toBe(3);
  });

  it('rejects what is not a block file with a clear error', () => {
    expect(() => decodeSeries(new TextEncoder().encode('hello, world'))).toThrow(/bad magic/);
    expect(() => decodeSeries(new Uint8Array(0))).toThrow(CodecFileError);
  });
});
