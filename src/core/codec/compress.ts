// The series compressor: prediction residuals + the residual range coder.
//
//   ['Q' 'S'][version u8][predictor u8][scale i8][mu u16 LE][crc32 of the samples as int32 LE][residual stream]
//
// compress() tries every predictor (two fixed differences and the neuron on the signal or on its first
// differences) and keeps the smallest output, so a stream names the predictor that won it. The CRC makes a
// damaged file fail loudly instead of decoding to different numbers.
import { readU32, writeU32 } from './bytes';
import { crc32 } from './crc';
import { CodecDecodeError } from './rangeCoder';
import { MODE_STATIC, decodeResiduals, encodeResiduals, modelCostQ8, type ResidualMode } from './residual';
import { levelForMean, log2Q8 } from './laplace';
import {
  MAX_SCALE,
  MIN_SCALE,
  PREDICTOR_COUNT,
  PREDICTOR_NAMES,
  PREDICTOR_NEURON,
  chooseScale,
  runPredictor,
  type PredictorName,
  type PredictorParams,
} from './predictors';
import { DEFAULT_MU, MU_MAX, MU_MIN } from '../neuron/kernel';

export { CodecDecodeError } from './rangeCoder';

const MAGIC_0 = 0x51; // 'Q'
const MAGIC_1 = 0x53; // 'S'
const VERSION = 1;
export const SERIES_HEADER_BYTES = 11;
/** NLMS step sizes tried for the neuron predictors: the kernel default, and a slower and a faster one. */
const MU_CANDIDATES = [DEFAULT_MU >> 2, DEFAULT_MU, DEFAULT_MU * 4];
/** How many of the best-ranked candidates are coded in full. */
const FULLY_CODED = 2;

export interface CompressOptions {
  /** Restrict to one predictor (default: try all and keep the smallest). */
  predictor?: PredictorName;
  residualMode?: ResidualMode;
}

export interface CompressResult {
  bytes: Uint8Array;
  predictor: PredictorName;
  residuals: Int32Array;
}

export function compress(samples: Int32Array, opts: CompressOptions = {}): Uint8Array {
  return compressDetailed(samples, opts).bytes;
}

/** compress(), also telling which predictor won and its residuals (for benchmarks and reports). */
export function compressDetailed(samples: Int32Array, opts: CompressOptions = {}): CompressResult {
  const candidates: PredictorParams[] = [];
  for (let predictor = 0; predictor < PREDICTOR_COUNT; predictor++) {
    if (opts.predictor !== undefined && PREDICTOR_NAMES[predictor] !== opts.predictor) continue;
    if (predictor < PREDICTOR_NEURON) candidates.push({ predictor, scale: 0, mu: DEFAULT_MU });
    else for (const mu of MU_CANDIDATES) candidates.push({ predictor, scale: chooseScale(samples, predictor), mu });
  }
  const crc = crc32(int32LeBytes(samples));
  // Rank the candidates by a one-pass static Laplace bit count, then code the two best for real.
  const ranked = candidates
    .map((params) => {
      const residuals = runPredictor(samples, params, false);
      return { params, residuals, estimate: quickCostQ8(residuals) };
    })
    .sort((a, b) => a.estimate - b.estimate || a.params.predictor - b.params.predictor);
  let best: CompressResult | undefined;
  for (const { params, residuals } of ranked.slice(0, FULLY_CODED)) {
    const body = encodeResiduals(residuals, { mode: opts.residualMode ?? 'auto' });
    if (best !== undefined && SERIES_HEADER_BYTES + body.length >= best.bytes.length) continue;
    const bytes = new Uint8Array(SERIES_HEADER_BYTES + body.length);
    bytes[0] = MAGIC_0;
    bytes[1] = MAGIC_1;
    bytes[2] = VERSION;
    bytes[3] = params.predictor;
    bytes[4] = params.scale & 0xff;
    bytes[5] = params.mu & 0xff;
    bytes[6] = params.mu >>> 8;
    writeU32(bytes, 7, crc);
    bytes.set(body, SERIES_HEADER_BYTES);
    best = { bytes, predictor: PREDICTOR_NAMES[params.predictor]!, residuals };
  }
  return best!;
}

export interface DecompressOptions {
  /** Reject streams that declare more samples than this. */
  maxLength?: number;
}

/** Inverse of compress(); malformed or damaged input throws CodecDecodeError, nothing else. */
export function decompress(bytes: Uint8Array, opts: DecompressOptions = {}): Int32Array {
  if (bytes.length < SERIES_HEADER_BYTES) throw new CodecDecodeError('header', 'shorter than the series header');
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) throw new CodecDecodeError('header', 'not a QRES series stream (bad magic)');
  if (bytes[2] !== VERSION) throw new CodecDecodeError('version', `unknown series stream version ${bytes[2]}`);
  const predictor = bytes[3]!;
  if (predictor >= PREDICTOR_COUNT) throw new CodecDecodeError('mode', `unknown predictor ${predictor}`);
  const scale = (bytes[4]! << 24) >> 24;
  const mu = bytes[5]! | (bytes[6]! << 8);
  if (predictor >= PREDICTOR_NEURON) {
    if (scale < MIN_SCALE || scale > MAX_SCALE) throw new CodecDecodeError('param', `scale ${scale} outside [${MIN_SCALE}, ${MAX_SCALE}]`);
    if (mu < MU_MIN || mu > MU_MAX) throw new CodecDecodeError('param', `step size ${mu} outside [${MU_MIN}, ${MU_MAX}]`);
  } else if (scale !== 0 || mu !== DEFAULT_MU) {
    throw new CodecDecodeError('param', 'fixed predictors take no scale or step size');
  }
  const residuals = decodeResiduals(bytes.subarray(SERIES_HEADER_BYTES), opts);
  const samples = runPredictor(residuals, { predictor, scale, mu }, true);
  if (crc32(int32LeBytes(samples)) !== readU32(bytes, 7)) throw new CodecDecodeError('checksum', 'samples do not match the stored checksum');
  return samples;
}

/**
 * A quick, integer estimate of a candidate's coded size (× 256 bits): the smaller of the static Laplace count
 * and the zero-order entropy plus ~8 bits per distinct value (what the histogram model pays to learn it).
 */
function quickCostQ8(residuals: Int32Array): number {
  let sum = 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i]!;
    sum += Math.abs(r);
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const level = levelForMean(residuals.length === 0 ? 0 : Math.floor((sum * 256) / residuals.length));
  const laplace = modelCostQ8(residuals, { mode: MODE_STATIC, level, rate: 0 });
  const logN = log2Q8(Math.max(1, residuals.length));
  let empirical = counts.size * 8 * 256;
  for (const c of counts.values()) empirical += c * (logN - log2Q8(c));
  return Math.min(laplace, empirical);
}

/** The predictor a stream was made with (header only). */
export function streamPredictor(bytes: Uint8Array): PredictorName | undefined {
  return bytes.length >= SERIES_HEADER_BYTES && bytes[3]! < PREDICTOR_COUNT ? PREDICTOR_NAMES[bytes[3]!] : undefined;
}

/** The samples as int32 little-endian bytes, the layout the checksum (and the benchmark) uses. */
export function int32LeBytes(samples: Int32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt32(i * 4, samples[i]!, true);
  return out;
}
