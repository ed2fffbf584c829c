import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interpolateAtZero, recoverSecret, splitSecret } from '../../../src/core/crypto/shamir';
import { GROUP_ORDER, randomScalar, seededByteSource } from '../../../src/core/crypto/group';
import { SecretSharingError } from '../../../src/core/crypto/errors';

const holders = [0, 3, 4, 9, 12, 20, 31];

describe('Shamir secret sharing mod ℓ', () => {
  it('any t shares recover the secret; t − 1 shares do not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 2, max: holders.length }),
        fc.shuffledSubarray(holders, { minLength: holders.length, maxLength: holders.length }),
        (seed, t, order) => {
          const src = seededByteSource(seed);
          const secret = randomScalar(src);
          const shares = splitSecret(secret, holders, t, src);
          const byHolder = new Map(shares.map((s) => [s.x - 1, s]));
          const picked = order.map((h) => byHolder.get(h)!);
          return recoverSecret(picked, t) === secret && interpolateAtZero(picked.slice(0, t - 1)) !== secret;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('threshold 1 gives every holder the secret itself', () => {
    const shares = splitSecret(123n, [0, 1], 1, seededByteSource(1));
    expect(shares.map((s) => s.y)).toEqual([123n, 123n]);
  });

  it('refuses bad parameters and too few shares with typed errors', () => {
    const src = seededByteSource(2);
    expect(() => splitSecret(1n, [0, 1], 3, src)).toThrow(SecretSharingError);
    expect(() => splitSecret(1n, [0, 0], 2, src)).toThrow(SecretSharingError);
    expect(() => splitSecret(GROUP_ORDER, [0, 1], 2, src)).toThrow(SecretSharingError);
    const shares = splitSecret(5n, [0, 1, 2], 3, src);
    expect(() => recoverSecret(shares.slice(0, 2), 3)).toThrow(SecretSharingError);
    expect(() => interpolateAtZero([shares[0]!, shares[0]!])).toThrow(SecretSharingError);
  });
});
