// The summary gene: the swarm's consensus state, small enough that a REPLY carrying it is one LoRa DR0 frame:
// 8 (frame header) + 9 (message header) + 34 = 51 bytes. At 90 % loss a one-frame reply arrives 1 time in 10;
// a two-frame one (our first, 50-byte version) 1 time in 100, which made joins ten times slower and costlier.
//
//   [version u8 = 2][round u32 LE][hash: 4 bytes][8 weights × 21 bits + bias × 24 bits, two's complement,
//    bit-packed LSB first: 192 bits = 24 bytes][spread u8]                                  = 34 bytes
//
// The hash is the first 4 bytes of SHA-256 over every other byte: it names the state (two nodes with the same
// hash agree) and is the end-to-end checksum (decode recomputes it; a damaged summary slips through 1 time in
// 2^32, and on the radio each frame also carries its own CRC-32).
//
// Weights and bias are exact: |w| ≤ WEIGHT_LIMIT = 8.0 = 2^19 Q16 units needs 21 signed bits, |bias| ≤
// BIAS_LIMIT = 64.0 = 2^22 needs 24 (both limits are inclusive). The spread (the largest distance of an honest
// model from the consensus, in any coordinate) is advisory and stored as a tiny float rounded UP, so it never
// understates: spread ≤ m · 2^e with m = byte & 7 and e = byte >> 3 (exact up to 7, at most 25 % above beyond).
import { sha256 } from '@noble/hashes/sha2.js';
import { BIAS_LIMIT, LAGS, WEIGHT_LIMIT } from '../neuron/kernel';

export const SUMMARY_GENE_VERSION = 2;
export const SUMMARY_GENE_BYTES = 34;
export const SUMMARY_HASH_BYTES = 4;
const HASH_AT = 5;
const WEIGHTS_AT = HASH_AT + SUMMARY_HASH_BYTES;
const WEIGHT_BITS = 21;
const BIAS_BITS = 24;
const PACKED_BYTES = 24; // 8 × 21 + 24 = 192 bits
const SPREAD_AT = WEIGHTS_AT + PACKED_BYTES;
/** The largest spread the byte can state (7 · 2^31); larger spreads are impossible for in-range models. */
const SPREAD_MAX = 7 * 2 ** 31;

export interface SummaryGene {
  /** Consensus round, u32. */
  round: number;
  /** LAGS consensus weights, Q16, |w| ≤ WEIGHT_LIMIT. */
  weights: Int32Array;
  /** Consensus bias, Q16, |b| ≤ BIAS_LIMIT. */
  bias: number;
  /** Q16, ≥ 0: how far honest models sit from the consensus (the largest per-coordinate distance). */
  spread: number;
}

export interface DecodedSummaryGene extends SummaryGene {
  /** The state's 4-byte name. */
  hash: Uint8Array;
}

export type SummaryDecodeReason = 'length' | 'version' | 'checksum' | 'range';

export class SummaryDecodeError extends Error {
  override readonly name = 'SummaryDecodeError';
  constructor(
    readonly reason: SummaryDecodeReason,
    message: string,
  ) {
    super(message);
  }
}

/** A summary that cannot be encoded (a field outside its range). */
export class SummaryRangeError extends RangeError {
  override readonly name = 'SummaryRangeError';
}

function rangeProblem(s: SummaryGene): string | null {
  if (!Number.isInteger(s.round) || s.round < 0 || s.round > 0xffffffff) return `round ${s.round} is not a u32`;
  if (s.weights.length !== LAGS) return `${s.weights.length} weights, expected ${LAGS}`;
  for (const w of s.weights) if (!Number.isInteger(w) || Math.abs(w) > WEIGHT_LIMIT) return `weight ${w} beyond ±${WEIGHT_LIMIT}`;
  if (!Number.isInteger(s.bias) || Math.abs(s.bias) > BIAS_LIMIT) return `bias ${s.bias} beyond ±${BIAS_LIMIT}`;
  if (!(s.spread >= 0 && s.spread <= SPREAD_MAX)) return `spread ${s.spread} outside [0, ${SPREAD_MAX}]`;
  return null;
}

export function encodeSummaryGene(s: SummaryGene): Uint8Array {
  const problem = rangeProblem(s);
  if (problem) throw new SummaryRangeError(`summary gene: ${problem}`);
  const out = new Uint8Array(SUMMARY_GENE_BYTES);
  const view = new DataView(out.buffer);
  out[0] = SUMMARY_GENE_VERSION;
  view.setUint32(1, s.round, true);
  const bits = new BitWriter(out, WEIGHTS_AT);
  for (let i = 0; i < LAGS; i++) bits.write(s.weights[i]!, WEIGHT_BITS);
  bits.write(s.bias, BIAS_BITS);
  out[SPREAD_AT] = encodeSpread(s.spread);
  out.set(hashOf(out), HASH_AT);
  return out;
}

/** Inverse of encodeSummaryGene; anything malformed or damaged throws SummaryDecodeError. */
export function decodeSummaryGene(bytes: Uint8Array): DecodedSummaryGene {
  if (bytes.length !== SUMMARY_GENE_BYTES) throw new SummaryDecodeError('length', `summary gene of ${bytes.length} bytes, expected ${SUMMARY_GENE_BYTES}`);
  if (bytes[0] !== SUMMARY_GENE_VERSION) throw new SummaryDecodeError('version', `unknown summary gene version ${bytes[0]}`);
  const hash = bytes.slice(HASH_AT, HASH_AT + SUMMARY_HASH_BYTES);
  const expected = hashOf(bytes);
  for (let i = 0; i < SUMMARY_HASH_BYTES; i++) if (hash[i] !== expected[i]) throw new SummaryDecodeError('checksum', 'summary gene hash mismatch');
  const spreadByte = bytes[SPREAD_AT]!;
  const spread = decodeSpread(spreadByte);
  if (encodeSpread(spread) !== spreadByte) throw new SummaryDecodeError('range', `summary gene: spread byte ${spreadByte} is not canonical`);
  const bits = new BitReader(bytes, WEIGHTS_AT);
  const weights = new Int32Array(LAGS);
  for (let i = 0; i < LAGS; i++) weights[i] = bits.read(WEIGHT_BITS);
  const bias = bits.read(BIAS_BITS);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const gene = { round: view.getUint32(1, true), weights, bias, spread, hash };
  const problem = rangeProblem(gene);
  if (problem) throw new SummaryDecodeError('range', `summary gene: ${problem}`);
  return gene;
}

/** The one spread a summary keeps, from per-coordinate spreads: the largest. */
export function maxSpread(spreads: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < spreads.length; i++) m = Math.max(m, spreads[i]!);
  return m;
}

/** The smallest m · 2^e ≥ spread with m ≤ 7 (m ≥ 4 once e > 0, so it overstates by < 25 %), as e << 3 | m. */
function encodeSpread(spread: number): number {
  let e = 0;
  while (Math.ceil(spread / 2 ** e) > 7) e++;
  return (e << 3) | Math.ceil(spread / 2 ** e);
}

function decodeSpread(b: number): number {
  return (b & 7) * 2 ** (b >> 3);
}

/** The 4-byte name of a consensus state (what encodeSummaryGene stores in its hash field). */
export function summaryHash(s: SummaryGene): Uint8Array {
  return encodeSummaryGene(s).slice(HASH_AT, HASH_AT + SUMMARY_HASH_BYTES);
}

/** SHA-256 over every byte except the hash field, truncated. */
function hashOf(frame: Uint8Array): Uint8Array {
  const rest = new Uint8Array(SUMMARY_GENE_BYTES - SUMMARY_HASH_BYTES);
  rest.set(frame.subarray(0, HASH_AT), 0);
  rest.set(frame.subarray(WEIGHTS_AT, SUMMARY_GENE_BYTES), HASH_AT);
  return sha256(rest).subarray(0, SUMMARY_HASH_BYTES);
}

/** Two's-complement fields packed least-significant bit first. */
class BitWriter {
  private at: number;
  private acc = 0;
  private count = 0;
  constructor(
    private readonly out: Uint8Array,
    at: number,
  ) {
    this.at = at;
  }
  write(value: number, width: number): void {
    for (let i = 0; i < width; i++) {
      // Bit i of the two's-complement value (value < 2^31 in magnitude, so >> is exact).
      this.acc |= ((value >> i) & 1) << this.count;
      if (++this.count === 8) {
        this.out[this.at++] = this.acc;
        this.acc = 0;
        this.count = 0;
      }
    }
    if (this.count > 0) this.out[this.at] = this.acc; // a partial byte so far (rewritten when it fills)
  }
}

class BitReader {
  private bit: number;
  constructor(
    private readonly bytes: Uint8Array,
    at: number,
  ) {
    this.bit = at * 8;
  }
  read(width: number): number {
    let v = 0;
    for (let i = 0; i < width; i++, this.bit++) v |= ((this.bytes[this.bit >> 3]! >> (this.bit & 7)) & 1) << i;
    return (v << (32 - width)) >> (32 - width); // sign-extend
  }
}
