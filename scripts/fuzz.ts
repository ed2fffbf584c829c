// `npm run fuzz [-- --cases N] [-- --only NAME]`: the long fuzz run for every wire decoder. Each decoder gets
// N cases (default 1,000,000) of arbitrary bytes and of valid frames with random bytes changed, and must
// answer with its typed error or a valid value: never another exception, never a hang. Exit 1 on a failure
// (fast-check prints the shrunk counterexample and the seed to replay it).
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { FragmentDecodeError, Reassembler, fragment } from '../src/core/net/fragment';
import { CodecDecodeError, compress, decompress, decodeResiduals, encodeResiduals } from '../src/core/codec/index';
import { MAX_SYMBOLS_PER_BYTE } from '../src/core/codec/laplace';
import { BlockEncoder, decodeBlock } from '../src/core/codec/block';
import { decodeSeries, encodeSeries } from '../src/core/codec/container';
import { rebuildCsvBlock } from '../src/core/codec/csvText';
import { Bfp16DecodeError, decodeBfp16, encodeBfp16, fromFloats } from '../src/core/fixed/bfp16';
import { SummaryDecodeError, decodeSummaryGene, encodeSummaryGene } from '../src/core/gene/summary';
import { GeneDecodeError, decodeGene, encodeGene } from '../src/core/gene/gene';

const USAGE = 'usage: npm run fuzz [-- --cases N] [-- --only NAME]   (N default 1,000,000; NAME: part of a decoder name)';

function usageError(message: string): never {
  process.stderr.write(`fuzz: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { cases?: string; only?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { cases: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (e) {
  usageError((e as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const CASES = Number(values.cases ?? 1_000_000);
if (!Number.isInteger(CASES) || CASES < 1) usageError(`--cases expects a positive integer, got ${JSON.stringify(values.cases)}`);
const CHUNK = Math.min(CASES, 50_000);

/** Arbitrary bytes, and valid frames with 1–3 bytes overwritten or cut short. */
function inputs(valid: Uint8Array[], maxLength: number): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }), fc.option(fc.nat()))
    .map(([v, edits, cut]) => {
      const b = v.slice();
      for (const [i, x] of edits) b[i % b.length] = x;
      return cut === null ? b : b.subarray(0, cut % (b.length + 1));
    });
  return fc.oneof(fc.uint8Array({ maxLength }), mutated);
}

interface Target {
  name: string;
  input: fc.Arbitrary<Uint8Array>;
  /** Throws an assertion Error if the decoder misbehaved. */
  check(bytes: Uint8Array): void;
}

function expectTyped(err: unknown, type: new (...args: never[]) => Error): void {
  if (!(err instanceof type)) throw new Error(`expected ${type.name}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
}

const reassembler = new Reassembler({ maxPartial: 8 });
const sine = Int32Array.from({ length: 64 }, (_, i) => Math.round(500 * Math.sin(i / 5)));
const speechLike = Int32Array.from({ length: 300 }, (_, i) => Math.round(8000 * Math.sin(i / 7) + 900 * Math.sin(i * 1.3)) + ((i * 7919) % 61) - 30);
const blockEncoder = new BlockEncoder(300);
const blockPayloads = [
  blockEncoder.encode([speechLike], 300).slice(),
  blockEncoder.encode([sine], 64).slice(),
  blockEncoder.encode([speechLike, speechLike.map((v) => v - 7)], 300).slice(),
];
const blockOut = [new Int32Array(300), new Int32Array(300)];
const summary = { round: 7, weights: Int32Array.of(1, 2, 3, 4, 5, 6, 7, 8), bias: -9, spread: 9 };

const TARGETS: Target[] = [
  {
    name: 'fragment (Reassembler.push)',
    input: inputs([...fragment(1, new Uint8Array(100).fill(7), 51), ...fragment(2, new Uint8Array(20), 51)], 60),
    check: (bytes) => {
      try {
        const out = reassembler.push((bytes[0] ?? 0) & 3, bytes);
        if (out !== null && !(out instanceof Uint8Array)) throw new Error('push returned neither null nor bytes');
      } catch (e) {
        expectTyped(e, FragmentDecodeError);
      }
      if (reassembler.partialCount > 8) throw new Error('partial bound exceeded');
    },
  },
  {
    name: 'residual stream (decodeResiduals)',
    input: inputs(
      ['static', 'adaptive', 'histogram'].map((mode) => encodeResiduals(sine, { mode: mode as 'static' })),
      64,
    ),
    check: (bytes) => {
      try {
        if (decodeResiduals(bytes).length > MAX_SYMBOLS_PER_BYTE * (bytes.length + 5)) throw new Error('declared length above the bound');
      } catch (e) {
        expectTyped(e, CodecDecodeError);
      }
    },
  },
  {
    name: 'series stream (decompress)',
    input: inputs([compress(sine), compress(sine.map((v) => v * 3000)), compress(new Int32Array(50))], 64),
    check: (bytes) => {
      try {
        decompress(bytes);
      } catch (e) {
        expectTyped(e, CodecDecodeError);
      }
    },
  },
  {
    name: 'block payload (decodeBlock, formats 3 and 2)',
    // Behind the CRCs: what a forged file with valid checksums can hand the block decoder.
    input: inputs(blockPayloads, 400),
    check: (bytes) => {
      const channels = 1 + (bytes.length & 1);
      // Both payload layouts: format 3 (what the encoder writes) and format 2 (older files).
      for (const version of [3, 2]) {
        try {
          decodeBlock(bytes, channels, 300, blockOut, version);
        } catch (e) {
          expectTyped(e, CodecDecodeError);
        }
      }
    },
  },
  {
    name: 'block file (decodeSeries, with and without --salvage; multi-block and single-block layouts)',
    input: inputs([encodeSeries(speechLike, { blockFrames: 100 }), encodeSeries(sine, { blockFrames: 16, best: true }), encodeSeries(speechLike)], 200),
    check: (bytes) => {
      for (const salvage of [false, true]) {
        try {
          if (decodeSeries(bytes, { salvage }).length > 300) throw new Error('more samples than any valid file here holds');
        } catch (e) {
          expectTyped(e, CodecDecodeError);
        }
      }
    },
  },
  {
    name: 'CSV block text (rebuildCsvBlock)',
    input: inputs([new TextEncoder().encode('\x01\x01a,b\n\x00x,\n\x02\x00y,\n')], 60),
    check: (bytes) => {
      const values = [Int32Array.of(5, 12, 7), Int32Array.of(1, 2, 3)];
      try {
        rebuildCsvBlock(String.fromCharCode(...bytes), [1], values, 2, () => {});
      } catch (e) {
        expectTyped(e, CodecDecodeError);
      }
    },
  },
  {
    name: 'BFP-16 (decodeBfp16)',
    input: inputs([encodeBfp16(fromFloats([0.5, -1e-5, 3]))], 40),
    check: (bytes) => {
      try {
        const b = decodeBfp16(bytes);
        const again = encodeBfp16(b);
        if (again.length !== bytes.length || again.some((x, i) => x !== bytes[i])) throw new Error('decode/encode not inverse');
      } catch (e) {
        expectTyped(e, Bfp16DecodeError);
      }
    },
  },
  {
    name: 'summary gene (decodeSummaryGene)',
    input: inputs([encodeSummaryGene(summary)], 56),
    check: (bytes) => {
      try {
        decodeSummaryGene(bytes);
      } catch (e) {
        expectTyped(e, SummaryDecodeError);
      }
    },
  },
  {
    name: 'gene (decodeGene)',
    input: inputs([encodeGene({ weights: Int32Array.of(1, -2, 3, -4, 5, -6, 7, -8), bias: 11, mu: 3277 })], 40),
    check: (bytes) => {
      try {
        decodeGene(bytes);
      } catch (e) {
        expectTyped(e, GeneDecodeError);
      }
    },
  },
];

if (values.only !== undefined && !TARGETS.some((t) => t.name.includes(values.only!))) {
  usageError(`--only ${JSON.stringify(values.only)} matches no decoder; decoders: ${TARGETS.map((t) => t.name).join(', ')}`);
}
let ran = 0;
let failed = false;
for (const target of TARGETS) {
  if (values.only !== undefined && !target.name.includes(values.only)) continue;
  ran++;
  const start = performance.now();
  for (let done = 0; done < CASES; done += CHUNK) {
    const runs = Math.min(CHUNK, CASES - done);
    const result = fc.check(
      fc.property(target.input, (b) => target.check(b)),
      { numRuns: runs, seed: 0x5eed + done },
    );
    if (result.failed) {
      process.stderr.write(`\n✗ ${target.name}: ${fc.defaultReportMessage(result) ?? 'failed'}\n`);
      failed = true;
      break;
    }
    process.stderr.write(`\r${target.name}: ${(done + runs).toLocaleString('en')} / ${CASES.toLocaleString('en')} cases`);
  }
  process.stderr.write(`  (${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(failed ? 'fuzz: FAILED\n' : `fuzz: ${ran} decoder${ran === 1 ? '' : 's'} × ${CASES.toLocaleString('en')} cases, no failure\n`);
process.exitCode = failed ? 1 : 0;
