import { describe, expect, it } from 'vitest';
import { type SeedShares, createSecAggKeys, maskInput, prgInt32, shareSecAggSeeds, unmaskSum } from '../../../src/core/crypto/secureAggregation';
import { seededByteSource } from '../../../src/core/crypto/group';
import { interpolateAtZero } from '../../../src/core/crypto/shamir';
import { SecureAggregationError } from '../../../src/core/crypto/errors';
import { createRng } from '../../../src/core/rng/rng';

const N = 8,
  T = 5,
  LEN = 9;
const ctx = new TextEncoder().encode('round 1');

function setup(seed: number) {
  const src = seededByteSource(seed);
  const rng = createRng(seed);
  const ids = Array.from({ length: N }, (_, i) => i * 3 + 1);
  const keys = ids.map((id) => createSecAggKeys(id, src));
  const peers = keys.map((k) => ({ id: k.id, publicKey: k.publicKey }));
  const inputs = ids.map(() => Int32Array.from({ length: LEN }, () => rng.nextU32() | 0));
  const held = new Map<number, SeedShares[]>(ids.map((id) => [id, []]));
  for (const k of keys) for (const s of shareSecAggSeeds(k, ids, T, src)) held.get(s.holder)!.push(s);
  const masked = keys.map((k, i) => maskInput(k, inputs[i]!, peers, ctx));
  return { ids, keys, peers, inputs, held, masked };
}

function plainSum(inputs: Int32Array[]): Int32Array {
  const sum = new Int32Array(LEN);
  for (const x of inputs) for (let i = 0; i < LEN; i++) sum[i] = (sum[i]! + x[i]!) | 0;
  return sum;
}

describe('secure aggregation with dropouts', () => {
  const s = setup(11);

  it('masked inputs look nothing like the inputs', () => {
    s.masked.forEach((m, i) => expect(m).not.toEqual(s.inputs[i]));
  });

  it('the unmasked sum equals the plain sum with 0 dropouts (int32 wrapping)', () => {
    const masked = new Map(s.ids.map((id, i) => [id, s.masked[i]!]));
    expect(unmaskSum({ masked, participants: s.peers, sharesHeld: s.held, threshold: T, context: ctx, length: LEN })).toEqual(plainSum(s.inputs));
  });

  it('is exact with every number of dropouts up to n − t', () => {
    for (let drops = 1; drops <= N - T; drops++) {
      const survivors = s.ids.map((_, i) => i).filter((i) => (i * 5 + drops) % N >= drops); // a varying subset
      const masked = new Map(survivors.map((i) => [s.ids[i]!, s.masked[i]!]));
      const sum = unmaskSum({ masked, participants: s.peers, sharesHeld: s.held, threshold: T, context: ctx, length: LEN });
      expect(sum, `${drops} dropouts`).toEqual(plainSum(survivors.map((i) => s.inputs[i]!)));
    }
  });

  it('refuses with fewer than t survivors', () => {
    const masked = new Map(s.ids.slice(0, T - 1).map((id, i) => [id, s.masked[i]!]));
    expect(() => unmaskSum({ masked, participants: s.peers, sharesHeld: s.held, threshold: T, context: ctx, length: LEN })).toThrow(SecureAggregationError);
  });

  it('fewer than t shares of a seed give a wrong seed, and so a wrong sum', () => {
    const victim = s.keys[0]!;
    const shares = [...s.held.values()].flat().filter((x) => x.from === victim.id);
    expect(interpolateAtZero(shares.slice(0, T).map((x) => x.keyShare))).toBe(victim.keySeed);
    expect(interpolateAtZero(shares.slice(0, T - 1).map((x) => x.keyShare))).not.toBe(victim.keySeed);
    // An aggregator that pretends threshold t − 1 reconstructs garbage and the sum is wrong.
    const survivors = s.ids.slice(1);
    const masked = new Map(survivors.map((id, i) => [id, s.masked[i + 1]!]));
    const wrong = unmaskSum({ masked, participants: s.peers, sharesHeld: s.held, threshold: T - 1, context: ctx, length: LEN });
    expect(wrong).not.toEqual(plainSum(s.inputs.slice(1)));
  });

  it('masks depend on the round context, and the PRG spans more than one HKDF block', () => {
    const other = maskInput(s.keys[0]!, s.inputs[0]!, s.peers, new TextEncoder().encode('round 2'));
    expect(other).not.toEqual(s.masked[0]);
    const long = prgInt32(new Uint8Array(32), ctx, new Uint8Array(1), 5000);
    expect(long.length).toBe(5000);
    expect(Array.from(long.subarray(2040, 2050))).not.toEqual(Array.from(long.subarray(0, 10)));
  });

  it('rejects a low-order X25519 public key with a typed error', () => {
    const bad = [...s.peers.slice(1), { id: 999, publicKey: new Uint8Array(32) }];
    expect(() => maskInput(s.keys[0]!, s.inputs[0]!, bad, ctx)).toThrow(SecureAggregationError);
  });
});
