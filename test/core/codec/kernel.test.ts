import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BitDecoder, BitEncoder, ResidualModel, decodeResidualRun, encodeResidualRun } from '../../../src/core/codec/binaryCoder';
import { COEF_BYTES, PROBS_BYTES, STATE_BYTES, kernel } from '../../../src/core/codec/kernel';
import { KERNEL_WASM_BASE64 } from '../../../src/core/codec/kernelWasm';
import { autocorrelation, autocorrelationReference, residualsOf, restore, type Lpc } from '../../../src/core/codec/lpc';
import { buildKernel } from '../../../scripts/build-wasm';
import { decodeSeries, encodeSeries } from '../../../src/core/codec/container';
import { decodeBlock } from '../../../src/core/codec/block';
import { CodecDecodeError } from '../../../src/core/codec/rangeCoder';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Residual-like int32 values: mostly small with a scale that wanders, some huge (escapes, k > 18). */
const residualsArb = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: -300, max: 300 }) },
      { weight: 2, arbitrary: fc.integer({ min: -(2 ** 20), max: 2 ** 20 }) },
      { weight: 1, arbitrary: fc.integer() },
    ),
    {
      minLength: 0,
      maxLength: 600,
    },
  )
  .map((a) => Int32Array.from(a));

/** The kernel's encoder over r[0, n) in two runs (the model carried across), with raw bits before each. */
function kernelEncode(r: Int32Array): Uint8Array {
  const k = kernel();
  const room = r.length * 40 + 256;
  k.reset(STATE_BYTES + PROBS_BYTES + 4 * r.length + room + 64);
  const s = k.alloc(STATE_BYTES);
  const probs = k.alloc(PROBS_BYTES);
  const rAt = k.alloc(4 * r.length);
  const out = k.alloc(room);
  k.i32.set(r, rAt >> 2);
  k.x.encInit(s, out, room);
  k.resetProbs(probs);
  const half = r.length >> 1;
  k.x.encWide(s, 0x2bcdef12, 30);
  let mean = k.x.encRun(s, probs, 256, rAt, 0, half, 0);
  k.x.encWide(s, 5, 3);
  mean = k.x.encRun(s, probs, mean, rAt, half, r.length, 0);
  const end = k.x.encFinish(s, 0);
  expect(k.flag(s)).toBe(0);
  return k.u8.slice(out, end);
}

function referenceEncode(r: Int32Array): Uint8Array {
  const enc = new BitEncoder(64);
  const m = new ResidualModel();
  const half = r.length >> 1;
  enc.encodeWide(0x2bcdef12, 30);
  encodeResidualRun(enc, m, r, 0, half);
  enc.encodeWide(5, 3);
  encodeResidualRun(enc, m, r, half, r.length);
  return enc.finish().slice();
}

function kernelDecode(bytes: Uint8Array, n: number): Int32Array {
  const k = kernel();
  k.reset(STATE_BYTES + PROBS_BYTES + 4 * n + bytes.length + 64);
  const s = k.alloc(STATE_BYTES);
  const probs = k.alloc(PROBS_BYTES);
  const rAt = k.alloc(4 * n);
  const at = k.alloc(bytes.length);
  k.u8.set(bytes, at);
  expect(k.x.decInit(s, at, at + bytes.length, 1)).toBe(0);
  k.resetProbs(probs);
  const half = n >> 1;
  expect(k.x.decWide(s, 30)).toBe(0x2bcdef12);
  let mean = k.x.decRun(s, probs, 256, rAt, 0, half, 0);
  expect(k.x.decWide(s, 3)).toBe(5);
  mean = k.x.decRun(s, probs, mean, rAt, half, n, 0);
  expect(k.flag(s)).toBe(0);
  return k.i32.slice(rAt >> 2, (rAt >> 2) + n);
}

describe('codec kernel (WebAssembly)', () => {
  it('codes residuals to the same bytes as the TypeScript reference, and decodes them (property)', () => {
    fc.assert(
      fc.property(residualsArb, (r) => {
        const ours = kernelEncode(r);
        expect(ours).toEqual(referenceEncode(r));
        expect(kernelDecode(ours, r.length)).toEqual(r);
        const dec = new BitDecoder(ours);
        expect(dec.decodeWide(30)).toBe(0x2bcdef12);
        const back = new Int32Array(r.length);
        const m = new ResidualModel();
        decodeResidualRun(dec, m, back, 0, r.length >> 1);
        expect(dec.decodeWide(3)).toBe(5);
        decodeResidualRun(dec, m, back, r.length >> 1, r.length);
        expect(back).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('flags a truncated stream and a bad first byte', () => {
    const r = Int32Array.from({ length: 500 }, (_, i) => ((i * 7919) % 401) - 200);
    const bytes = kernelEncode(r);
    const k = kernel();
    k.reset(STATE_BYTES + PROBS_BYTES + 4 * r.length + bytes.length + 64);
    const s = k.alloc(STATE_BYTES);
    const probs = k.alloc(PROBS_BYTES);
    const rAt = k.alloc(4 * r.length);
    const at = k.alloc(bytes.length);
    k.u8.set(bytes, at);
    k.x.decInit(s, at, at + (bytes.length >> 1), 1);
    k.resetProbs(probs);
    k.x.decWide(s, 30);
    k.x.decRun(s, probs, 256, rAt, 0, r.length, 0);
    expect(k.flag(s)).toBe(1);
    k.u8[at] = 7;
    expect(k.x.decInit(s, at, at + bytes.length, 1)).toBe(5);
  });

  it('predicts exactly as the TypeScript reference at every order and shift (property)', () => {
    const arb = fc.record({
      x: fc.array(fc.integer(), { minLength: 1, maxLength: 300 }),
      order: fc.integer({ min: 0, max: 32 }),
      shift: fc.integer({ min: 0, max: 20 }),
      coefs: fc.array(fc.integer({ min: -(2 ** 14), max: 2 ** 14 - 1 }), { minLength: 32, maxLength: 32 }),
      split: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ x: xs, order, shift, coefs, split }) => {
        const x = Int32Array.from(xs);
        const n = x.length;
        const from = split % n;
        const lpc: Lpc | undefined = order === 0 ? undefined : { order, shift, coefs: Int32Array.from(coefs.slice(0, order)) };
        const want = new Int32Array(n);
        residualsOf(x, 0, 0, from, lpc, want);
        residualsOf(x, 0, from, n, lpc, want);
        const k = kernel();
        k.reset(COEF_BYTES + 12 * n + 64);
        const c = k.alloc(COEF_BYTES);
        const xAt = k.alloc(4 * n);
        const rAt = k.alloc(4 * n);
        const yAt = k.alloc(4 * n);
        k.i32.set(x, xAt >> 2);
        if (lpc) k.i32.set(lpc.coefs, c >> 2);
        k.x.residuals(xAt, 0, 0, from, c, order, shift, rAt);
        k.x.residuals(xAt, 0, from, n, c, order, shift, rAt);
        const got = k.i32.slice(rAt >> 2, (rAt >> 2) + n);
        expect(got).toEqual(want);
        k.x.restore(rAt, 0, 0, from, c, order, shift, yAt);
        k.x.restore(rAt, 0, from, n, c, order, shift, yAt);
        expect(k.i32.slice(yAt >> 2, (yAt >> 2) + n)).toEqual(x);
        const back = new Int32Array(n);
        restore(want, 0, 0, n, lpc, back);
        expect(back).toEqual(x);
      }),
      { numRuns: 300 },
    );
  });

  it('the embedded module is the build of wasm/codec.ts with the pinned compiler', () => {
    const built = buildKernel();
    expect(Buffer.from(built).toString('base64')).toBe(KERNEL_WASM_BASE64);
  }, 60_000);
});

describe('codec kernel analysis', () => {
  it('autocorrelation is bit-identical to the TypeScript reference (property)', () => {
    const arb = fc.record({
      x: fc.array(fc.integer({ min: -(2 ** 24), max: 2 ** 24 }), { minLength: 1, maxLength: 400 }),
      order: fc.integer({ min: 1, max: 32 }),
      from: fc.nat(50),
    });
    fc.assert(
      fc.property(arb, ({ x: xs, order, from }) => {
        const x = Int32Array.from(xs);
        const start = Math.min(from, x.length - 1);
        const got = autocorrelation(x, start, x.length, order);
        const want = autocorrelationReference(x, start, x.length, order);
        expect(got === undefined).toBe(want === undefined);
        if (got && want) expect(Array.from(got)).toEqual(Array.from(want));
      }),
      { numRuns: 300 },
    );
  });
});

describe('format 2 files (before the bit stream)', () => {
  // Written by the format-2 codec (commit c2ab0c1) from this signal; the current reader must still decode them.
  function signal(n: number, seed: number): Int32Array {
    let x = seed;
    const noise = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 22) - 512;
    return Int32Array.from({ length: n }, (_, t) => Math.round(9000 * Math.sin(t / 9.7) + 3000 * Math.sin(t / 2.3)) + noise() + (t % 5000 === 7 ? 900000 : 0));
  }
  const fixture = (name: string) => new Uint8Array(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name)));

  it('decode to the same samples (multi-block and single-block layouts)', () => {
    const blocks = fixture('format2-blocks.qrc');
    expect(blocks[4]).toBe(2);
    expect(decodeSeries(blocks)).toEqual(signal(9000, 3));
    const single = fixture('format2-single.qrc');
    expect(single[4]).toBe(2);
    expect(decodeSeries(single)).toEqual(signal(1500, 5));
    // Re-encoded, they are format 3 and decode the same.
    const again = encodeSeries(signal(9000, 3), { blockFrames: 4096 });
    expect(again[4]).toBe(3);
    expect(decodeSeries(again)).toEqual(signal(9000, 3));
  });
});

describe('block payload decoding', () => {
  it('a raw 32-bit field past 2^31 is read unsigned (an embedded length the fuzzer forged gets a typed error)', () => {
    const forged = Uint8Array.from([
      41, 248, 0, 156, 71, 42, 218, 33, 125, 161, 178, 51, 69, 116, 223, 255, 129, 172, 1, 43, 71, 153, 0, 161, 152, 249, 165, 230, 250, 170, 57, 150, 144, 114,
      147, 193, 59, 186, 69, 11, 180, 91, 212, 117, 26, 101, 20, 10,
    ]);
    const out = [new Int32Array(300), new Int32Array(300)];
    expect(() => decodeBlock(forged, 1, 300, out, 3)).toThrow(CodecDecodeError);
    expect(() => decodeBlock(forged, 1, 300, out, 3)).toThrow(/embedded stream of 2148648575 bytes/);
  });
});
