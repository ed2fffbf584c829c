// Typed failures of the crypto layer. Decoders throw only CryptoDecodeError subclasses, provers throw only the
// errors below for bad input, and verifiers return false instead of throwing on a proof that does not hold.

/** Base of every error this layer throws on purpose. */
export class CryptoError extends Error {
  override name = 'CryptoError';
}

/** Bytes that are not a proof/commitment of the expected shape (base of every decoding failure). */
export class CryptoDecodeError extends CryptoError {
  override name = 'CryptoDecodeError';
}

/** A byte string of the wrong length for the structure being decoded. */
export class EncodingLengthError extends CryptoDecodeError {
  override name = 'EncodingLengthError';
}

/** A point or scalar whose encoding is not the unique canonical one (or is not a point at all). */
export class NonCanonicalEncodingError extends CryptoDecodeError {
  override name = 'NonCanonicalEncodingError';
}

/** An input to a prover or commitment that is not what the scheme commits to (wrong length, not an int32, ...). */
export class InvalidCryptoInputError extends CryptoError {
  override name = 'InvalidCryptoInputError';
}

/** The prover refuses: a coordinate of the update lies outside the proven bound. */
export class UpdateOutOfRangeError extends CryptoError {
  override name = 'UpdateOutOfRangeError';
}

/** Secret sharing: fewer shares than the threshold, duplicate holders, or shares of different secrets. */
export class SecretSharingError extends CryptoError {
  override name = 'SecretSharingError';
}

/** Secure aggregation: missing masked inputs, keys or shares needed to unmask the sum. */
export class SecureAggregationError extends CryptoError {
  override name = 'SecureAggregationError';
}

/** Differential privacy: publishing this update would exceed the (ε, δ) budget. */
export class PrivacyBudgetExceededError extends CryptoError {
  override name = 'PrivacyBudgetExceededError';
}
