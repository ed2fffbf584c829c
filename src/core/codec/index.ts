// The codec's public surface: the series compressor, the residual stream and the range coder under them.
export { compress, compressDetailed, decompress, streamPredictor, int32LeBytes, SERIES_HEADER_BYTES } from './compress';
export type { CompressOptions, CompressResult, DecompressOptions } from './compress';
export { encodeResiduals, decodeResiduals, encodeWithModel, chooseLaplaceModel, residualStreamMode } from './residual';
export type { ResidualMode, ResidualModel, EncodeResidualOptions, DecodeResidualOptions } from './residual';
export { RangeEncoder, RangeDecoder, ByteSink, CodecDecodeError, PROB_TOTAL } from './rangeCoder';
export type { CodecDecodeReason } from './rangeCoder';
export { PREDICTOR_NAMES, runPredictor } from './predictors';
export type { PredictorName, PredictorParams } from './predictors';
export { MAX_SYMBOLS_PER_BYTE } from './laplace';
