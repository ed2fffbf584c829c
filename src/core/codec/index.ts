// The codec's public surface: the block file format (streaming writer and reader, one-channel helpers), the
// block coder under it, the previous single-stream series compressor (still used for short series inside
// blocks), the residual stream and the range coders.
export {
  SeriesWriter,
  SeriesReader,
  CodecFileError,
  encodeSeries,
  decodeSeries,
  bytesSource,
  readHeader,
  DEFAULT_BLOCK_FRAMES,
  defaultBlockFrames,
  KIND_INT16,
  KIND_INT32,
  KIND_CSV,
  KIND_WAV,
  KIND_NAMES,
} from './container';
export type { FileHeader, ByteSource, DecodedBlock, Damage, ReadOptions, SeriesOptions } from './container';
export { BlockEncoder, decodeBlock } from './block';
export type { BlockCodecOptions } from './block';
export { compress, compressDetailed, decompress, streamPredictor, int32LeBytes, SERIES_HEADER_BYTES } from './compress';
export type { CompressOptions, CompressResult, DecompressOptions } from './compress';
export { encodeResiduals, decodeResiduals, encodeWithModel, chooseLaplaceModel, residualStreamMode } from './residual';
export type { ResidualMode, ResidualModel, EncodeResidualOptions, DecodeResidualOptions } from './residual';
export { RangeEncoder, RangeDecoder, ByteSink, CodecDecodeError, PROB_TOTAL } from './rangeCoder';
export type { CodecDecodeReason } from './rangeCoder';
export { PREDICTOR_NAMES, runPredictor } from './predictors';
export type { PredictorName, PredictorParams } from './predictors';
export { MAX_SYMBOLS_PER_BYTE } from './laplace';
