// The summary gene: the swarm's consensus state in one LoRa DR0 frame (≤ 51 bytes), so a node joining
// mid-flight can ask a neighbour for it and be in consensus without replaying the history of genes.
//
//   [version u8][round u32 LE][hash: 8 bytes][8 weights + bias: int24 LE each, exact Q16][spread: exponent
//   int8 + 9 × u8 mantissas]                                                                = 50 bytes
//
// The hash is the first 8 bytes of SHA-256 over every other byte (version, round, weights, spread): it names
// the state (two nodes with the same hash agree) and is also the checksum: decode recomputes it, so a damaged
// frame is rejected with a 2^−64 chance of slipping through. The original's was 74 bytes (a 32-byte hash, a
// u64 round, float BFP weights) and was never sent.
//
// Weights are Q16 with |w| ≤ 8.0 and |bias| ≤ 64.0 (the kernel's limits), so 24 bits hold them exactly. The
// spread (how far honest nodes sit from the consensus, per coordinate) is advisory: it is stored with a
// shared exponent and rounded UP, so a decoded spread never understates the real one.
import { sha256 } from '@noble/hashes/sha2.js';
import { BIAS_LIMIT, LAGS, WEIGHT_LIMIT } from '../neuron/kernel';

export const SUMMARY_GENE_VERSION = 1;
export const SUMMARY_GENE_BYTES = 50;
export const SUMMARY_HASH_BYTES = 8;
const COORDS = LAGS + 1;
const HASH_AT = 5;
const WEIGHTS_AT = HASH_AT + SUMMARY_HASH_BYTES;
const SPREAD_AT = WEIGHTS_AT + 3 * COORDS;

export interface SummaryGene {
  /** Consensus round, u32. */
  round: number;
  /** LAGS consensus weights, Q16, |w| ≤ WEIGHT_LIMIT. */
  weights: Int32Array;
  /** Consensus bias, Q16, |b| ≤ BIAS_LIMIT. */
  bias: number;
  /** LAGS + 1 non-negative Q16 spreads: the weights', then the bias'. */
  spread: Int32Array;
}

export interface DecodedSummaryGene extends SummaryGene {
  /** The state's 8-byte name. */
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
  if (s.spread.length !== COORDS) return `${s.spread.length} spreads, expected ${COORDS}`;
  for (const w of s.weights) if (Math.abs(w) > WEIGHT_LIMIT) return `weight ${w} beyond ±${WEIGHT_LIMIT}`;
  if (!Number.isInteger(s.bias) || Math.abs(s.bias) > BIAS_LIMIT) return `bias ${s.bias} beyond ±${BIAS_LIMIT}`;
  for (const d of s.spread) if (d < 0) return `spread ${d} is negative`;
  return null;
}

export function encodeSummaryGene(s: SummaryGene): Uint8Array {
  const problem = rangeProblem(s);
  if (problem) throw new SummaryRangeError(`summary gene: ${problem}`);
  const out = new Uint8Array(SUMMARY_GENE_BYTES);
  const view = new DataView(out.buffer);
  out[0] = SUMMARY_GENE_VERSION;
  view.setUint32(1, s.round, true);
  for (let i = 0; i < COORDS; i++) writeInt24(out, WEIGHTS_AT + 3 * i, i < LAGS ? s.weights[i]! : s.bias);
  // Spread: the smallest exponent that fits the largest spread in 8 bits when rounded up.
  let maxSpread = 0;
  for (const d of s.spread) maxSpread = Math.max(maxSpread, d);
  let e = 0;
  while (Math.ceil(maxSpread / 2 ** e) > 255) e++;
  view.setInt8(SPREAD_AT, e);
  for (let i = 0; i < COORDS; i++) out[SPREAD_AT + 1 + i] = Math.ceil(s.spread[i]! / 2 ** e);
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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weights = new Int32Array(LAGS);
  for (let i = 0; i < LAGS; i++) weights[i] = readInt24(bytes, WEIGHTS_AT + 3 * i);
  const bias = readInt24(bytes, WEIGHTS_AT + 3 * LAGS);
  const e = view.getInt8(SPREAD_AT);
  if (e < 0 || e > 24) throw new SummaryDecodeError('range', `spread exponent ${e} outside [0, 24]`);
  // Saturate: rounding the largest int32 spread up can reach 2^31.
  const spread = Int32Array.from(bytes.subarray(SPREAD_AT + 1, SPREAD_AT + 1 + COORDS), (m) => Math.min(m * 2 ** e, 0x7fffffff));
  const gene = { round: view.getUint32(1, true), weights, bias, spread, hash };
  const problem = rangeProblem(gene);
  if (problem) throw new SummaryDecodeError('range', `summary gene: ${problem}`);
  return gene;
}

/** The 8-byte name of a consensus state (what encodeSummaryGene stores in its hash field). */
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

function writeInt24(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >> 8) & 0xff;
  b[at + 2] = (v >> 16) & 0xff;
}

function readInt24(b: Uint8Array, at: number): number {
  return ((b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) << 8) >> 8;
}
