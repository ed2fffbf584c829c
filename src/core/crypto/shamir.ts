// Shamir secret sharing over Z/ℓ (ℓ = n, the secp256k1 group order, a 256-bit prime): a random polynomial of
// degree t − 1 with the secret as constant term; share i is its value at x_i ≠ 0. Any t shares give the secret
// by Lagrange interpolation at 0; any t − 1 shares are uniformly distributed whatever the secret is.
import { SecretSharingError } from './errors';
import { type ByteSource, Fn, GROUP_ORDER, randomScalar } from './group';

export interface Share {
  /** The evaluation point: the holder's index + 1 (never 0, which is where the secret lives). */
  readonly x: number;
  readonly y: bigint;
}

/** Shares of `secret` for holders with indices `holders` (distinct, ≥ 0), any `threshold` of which recover it. */
export function splitSecret(secret: bigint, holders: readonly number[], threshold: number, source: ByteSource): Share[] {
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > holders.length) {
    throw new SecretSharingError(`threshold ${threshold} must be in 1..${holders.length}`);
  }
  if (secret < 0n || secret >= GROUP_ORDER) throw new SecretSharingError('secret must be a scalar in [0, ℓ)');
  if (new Set(holders).size !== holders.length || holders.some((h) => !Number.isSafeInteger(h) || h < 0)) {
    throw new SecretSharingError('holders must be distinct non-negative integers');
  }
  const coefficients = [secret];
  for (let k = 1; k < threshold; k++) coefficients.push(randomScalar(source));
  return holders.map((h) => {
    const x = BigInt(h + 1);
    let y = 0n;
    for (let k = coefficients.length - 1; k >= 0; k--) y = Fn.add(Fn.mul(y, x), coefficients[k]!); // Horner
    return { x: h + 1, y };
  });
}

/**
 * Lagrange interpolation at 0 of the given shares. With ≥ t shares of one secret this is the secret; with
 * fewer it is an unrelated value (callers that know t should refuse earlier — see `recoverSecret`).
 */
export function interpolateAtZero(shares: readonly Share[]): bigint {
  if (shares.length === 0) throw new SecretSharingError('no shares');
  if (new Set(shares.map((s) => s.x)).size !== shares.length) throw new SecretSharingError('duplicate share holders');
  let acc = 0n;
  for (const si of shares) {
    let num = 1n;
    let den = 1n;
    for (const sj of shares) {
      if (sj === si) continue;
      num = Fn.mul(num, BigInt(sj.x));
      den = Fn.mul(den, Fn.sub(BigInt(sj.x), BigInt(si.x)));
    }
    acc = Fn.add(acc, Fn.mul(si.y, Fn.div(num, den)));
  }
  return acc;
}

/** The secret from at least `threshold` shares; SecretSharingError with fewer. */
export function recoverSecret(shares: readonly Share[], threshold: number): bigint {
  if (shares.length < threshold) throw new SecretSharingError(`need ${threshold} shares, have ${shares.length}`);
  return interpolateAtZero(shares.slice(0, threshold));
}
