// Gene wire format v1: one neuron's learned predictor, small enough that a gene plus its packet header fit
// one 51-byte LoRa frame. Layout (32 bytes, little-endian):
//
//   [0]       version u8 (= 1)
//   [1..25)   8 weights, raw Q16 as signed 24-bit (lossless: |w| ≤ WEIGHT_LIMIT = 8.0 < 128.0)
//   [25..28)  bias, raw Q16 as signed 24-bit (|bias| ≤ BIAS_LIMIT = 64.0 < 128.0)
//   [28..30)  mu u16, raw Q16 (0 < μ < 1)
//   [30..32)  CRC-16/CCITT-FALSE of bytes [0..30)
//
// decodeGene checks every field and the neuron refuses an out-of-range gene, so a corrupted or hostile gene
// never reaches the model.
import { crc16 } from '../codec/crc';
import type { Q16 } from '../fixed/q16';
import { BIAS_LIMIT, LAGS, MU_MAX, MU_MIN, WEIGHT_LIMIT } from '../neuron/kernel';

export interface Gene {
  /** LAGS = 8 weights in Q16, |w| ≤ WEIGHT_LIMIT. */
  weights: Int32Array;
  /** |bias| ≤ BIAS_LIMIT. */
  bias: Q16;
  /** NLMS step size, MU_MIN ≤ μ ≤ MU_MAX. */
  mu: Q16;
}

export const GENE_VERSION = 1;
export const GENE_BYTES = 32;
const WEIGHTS_AT = 1;
const BIAS_AT = WEIGHTS_AT + 3 * LAGS;
const MU_AT = BIAS_AT + 3;
const CRC_AT = MU_AT + 2;

export type GeneDecodeReason = 'length' | 'version' | 'checksum' | 'range';

/** The bytes are not a valid v1 gene; `reason` says which check failed. */
export class GeneDecodeError extends Error {
  override readonly name = 'GeneDecodeError';
  constructor(
    readonly reason: GeneDecodeReason,
    message: string,
  ) {
    super(message);
  }
}

/** encodeGene was given a gene whose fields are outside the wire format's ranges. */
export class GeneRangeError extends RangeError {
  override readonly name = 'GeneRangeError';
}

function isIntIn(x: unknown, lo: number, hi: number): boolean {
  return typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
}

/** Why a gene is invalid, or null when every field is in range (the single definition of "valid"). */
export function geneRangeProblem(gene: Gene): string | null {
  if (gene === null || typeof gene !== 'object') return 'not an object';
  if (!(gene.weights instanceof Int32Array) || gene.weights.length !== LAGS) return `weights must be Int32Array(${LAGS})`;
  for (let k = 0; k < LAGS; k++) {
    if (!isIntIn(gene.weights[k], -WEIGHT_LIMIT, WEIGHT_LIMIT)) return `weight ${k} = ${gene.weights[k]} out of range`;
  }
  if (!isIntIn(gene.bias, -BIAS_LIMIT, BIAS_LIMIT)) return `bias ${gene.bias} out of range`;
  if (!isIntIn(gene.mu, MU_MIN, MU_MAX)) return `mu ${gene.mu} out of range`;
  return null;
}

export function isValidGene(gene: Gene): boolean {
  return geneRangeProblem(gene) === null;
}

/** A deep copy (genes travel between nodes; nobody should share a weights array by accident). */
export function cloneGene(gene: Gene): Gene {
  return { weights: Int32Array.from(gene.weights), bias: gene.bias, mu: gene.mu };
}

function writeI24(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >> 8) & 0xff;
  out[at + 2] = (v >> 16) & 0xff;
}

function readI24(bytes: Uint8Array, at: number): number {
  const u = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
  return (u << 8) >> 8; // sign-extend bit 23
}

/** The 32-byte v1 encoding. Throws GeneRangeError for a gene that isValidGene rejects. */
export function encodeGene(gene: Gene): Uint8Array {
  const problem = geneRangeProblem(gene);
  if (problem !== null) throw new GeneRangeError(`encodeGene: ${problem}`);
  const out = new Uint8Array(GENE_BYTES);
  out[0] = GENE_VERSION;
  for (let k = 0; k < LAGS; k++) writeI24(out, WEIGHTS_AT + 3 * k, gene.weights[k]!);
  writeI24(out, BIAS_AT, gene.bias);
  out[MU_AT] = gene.mu & 0xff;
  out[MU_AT + 1] = gene.mu >>> 8;
  const crc = crc16(out, 0, CRC_AT);
  out[CRC_AT] = crc & 0xff;
  out[CRC_AT + 1] = crc >>> 8;
  return out;
}

/**
 * Decode and validate a v1 gene. Every malformed input (wrong length, unknown version, bad checksum, a field
 * out of range, or not a Uint8Array at all) throws GeneDecodeError; nothing else is ever thrown.
 */
export function decodeGene(bytes: Uint8Array): Gene {
  if (!(bytes instanceof Uint8Array) || bytes.length !== GENE_BYTES) {
    const got = bytes instanceof Uint8Array ? `${bytes.length} bytes` : 'not a Uint8Array';
    throw new GeneDecodeError('length', `gene must be ${GENE_BYTES} bytes, got ${got}`);
  }
  if (bytes[0] !== GENE_VERSION) throw new GeneDecodeError('version', `unknown gene version ${bytes[0]}`);
  const stored = bytes[CRC_AT]! | (bytes[CRC_AT + 1]! << 8);
  if (crc16(bytes, 0, CRC_AT) !== stored) throw new GeneDecodeError('checksum', 'gene checksum mismatch');
  const weights = new Int32Array(LAGS);
  for (let k = 0; k < LAGS; k++) weights[k] = readI24(bytes, WEIGHTS_AT + 3 * k);
  const gene: Gene = { weights, bias: readI24(bytes, BIAS_AT), mu: bytes[MU_AT]! | (bytes[MU_AT + 1]! << 8) };
  const problem = geneRangeProblem(gene);
  if (problem !== null) throw new GeneDecodeError('range', `gene field ${problem}`);
  return gene;
}
