import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AuthError,
  ENVELOPE_HEADER_BYTES,
  GROUP_MIC_OVERHEAD_BYTES,
  open,
  openDetailed,
  PAIRWISE_MIC_OVERHEAD_BYTES,
  peekEnvelope,
  seal,
  sealMic,
  SIGNATURE_OVERHEAD_BYTES,
  TAG_OVERHEAD_BYTES,
  tagOverheadBytes,
  type AuthReason,
} from '../../../src/core/identity/envelope';
import { generateKeyPair, type KeyPair } from '../../../src/core/identity/keys';
import { Keyring, pairwiseKey } from '../../../src/core/identity/mic';
import { ReplayGuard } from '../../../src/core/identity/replayGuard';
import { addMember, createRoster, revokeMember, type Roster } from '../../../src/core/identity/roster';

const T = 1_700_000_000_000;
const keys: KeyPair[] = [1, 2, 3, 4].map((b) => generateKeyPair(new Uint8Array(32).fill(b)));
let roster: Roster = createRoster('demo');
for (const [i, k] of keys.entries()) roster = addMember(roster, i + 1, k.publicKey);
roster = revokeMember(roster, 4);
const groupKey = new Uint8Array(32).fill(9);
const guard = (r = roster) => new ReplayGuard({ roster: r, now: () => T });
const payload = new Uint8Array([0x51, 3, 1, 0, 7, 7, 7]);

function reason(r: Uint8Array | AuthError): AuthReason | 'ok' {
  return r instanceof AuthError ? r.reason : 'ok';
}

describe('signed envelope', () => {
  it('round-trips: 73 bytes of overhead, header readable, payload back', () => {
    const env = seal(payload, { from: 1, counter: T, secretKey: keys[0]!.secretKey, context: 'qres/demo/consensus/1' });
    expect(env.length).toBe(payload.length + SIGNATURE_OVERHEAD_BYTES);
    expect(SIGNATURE_OVERHEAD_BYTES).toBe(73);
    expect(peekEnvelope(env)).toMatchObject({ mode: 'signature', channel: 'live', from: 1, counter: T, to: -1 });
    const r = openDetailed(env, 1, roster, guard(), { context: 'qres/demo/consensus/1' });
    expect(r).not.toBeInstanceOf(AuthError);
    expect((r as { payload: Uint8Array }).payload).toEqual(payload);
  });

  it('says why it refuses', () => {
    const g = guard();
    const sk = (i: number) => keys[i - 1]!.secretKey;
    const env = (from: number, counter = T, context = 'c', secret = sk(from)) => seal(payload, { from, counter, secretKey: secret, context });
    const good = env(1);
    expect(reason(open(good, 1, roster, g, { context: 'c' }))).toBe('ok');
    expect(reason(open(good, 1, roster, g, { context: 'c' }))).toBe('replay');
    expect(reason(open(env(1, T + 1), 2, roster, g, { context: 'c' }))).toBe('wrong-sender');
    expect(reason(open(env(1, T + 2), 1, roster, g, { context: 'other topic' }))).toBe('bad-signature');
    expect(reason(open(env(2, T, 'c', sk(1)), 2, roster, g, { context: 'c' }))).toBe('bad-signature'); // 1 signs as 2
    expect(reason(open(env(4), 4, roster, g, { context: 'c' }))).toBe('revoked');
    expect(reason(open(seal(payload, { from: 9, counter: T, secretKey: sk(1) }), 9, roster, g))).toBe('unknown-sender');
    expect(reason(open(env(1, T + 60_000), 1, roster, g, { context: 'c' }))).toBe('future');
    expect(reason(open(env(1, T - 60_000), 1, roster, g, { context: 'c' }))).toBe('stale');
    expect(reason(open(good.subarray(0, 20), 1, roster, g))).toBe('malformed');
    expect(reason(open(new Uint8Array(0), 1, roster, g))).toBe('malformed');
    expect(reason(open(seal(new Uint8Array(5000), { from: 1, counter: T + 3, secretKey: sk(1) }), 1, roster, g))).toBe('malformed');
    const flipped = env(1, T + 4);
    flipped[ENVELOPE_HEADER_BYTES + 2]! ^= 1;
    expect(reason(open(flipped, 1, roster, g, { context: 'c' }))).toBe('bad-signature');
    expect(reason(open(env(1, T + 4), 1, roster, g, { context: 'c' }))).toBe('ok'); // the bad one did not spend T+4
    expect(reason(open(env(1, T + 5), null, roster, g, { context: 'c' }))).toBe('ok');
  });

  it('a forged envelope never reaches the guard: a stranger cannot spend a member counter', () => {
    const g = guard();
    const forged = seal(payload, { from: 2, counter: T + 100, secretKey: keys[0]!.secretKey });
    expect(reason(open(forged, 2, roster, g))).toBe('bad-signature');
    expect(g.size).toBe(0);
    expect(reason(open(seal(payload, { from: 2, counter: T + 100, secretKey: keys[1]!.secretKey }), 2, roster, g))).toBe('ok');
  });

  it('binds the channel: a retained message cannot be replayed as live, nor the reverse', () => {
    const g = guard();
    const retained = seal(payload, { from: 1, counter: T - 3_600_000, secretKey: keys[0]!.secretKey, channel: 'retained' });
    expect(reason(open(retained, 1, roster, g))).toBe('ok');
    expect(reason(open(retained, 1, roster, g))).toBe('replay');
    const asLive = retained.slice();
    asLive[0] = (asLive[0]! & ~3) | 0; // rewrite the channel bits: the signature covers them
    expect(reason(open(asLive, 1, roster, g))).toBe('stale'); // an hour-old live message is too old anyway
    const fresh = seal(payload, { from: 1, counter: T, secretKey: keys[0]!.secretKey, channel: 'retained' });
    const freshAsLive = fresh.slice();
    freshAsLive[0] = freshAsLive[0]! & ~3;
    expect(reason(open(freshAsLive, 1, roster, g))).toBe('bad-signature');
  });

  it('never throws on random or mutated bytes (fast-check)', () => {
    const g = guard();
    const base = seal(payload, { from: 1, counter: T, secretKey: keys[0]!.secretKey });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (random, at, value) => {
        const mutated = base.slice();
        mutated[at % mutated.length] = value;
        for (const bytes of [random, mutated]) {
          const r = open(bytes, 1, roster, g);
          expect(r === payload || r instanceof AuthError || r instanceof Uint8Array).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('MIC envelopes', () => {
  const ring = (me: number, withGroup = true) => new Keyring({ me, secretKey: keys[me - 1]!.secretKey, roster, groupKey: withGroup ? groupKey : undefined });

  it('pairwise keys agree on both ends and differ per pair and swarm', () => {
    const k12 = pairwiseKey('demo', 1, keys[0]!.secretKey, 2, keys[1]!.publicKey);
    expect(pairwiseKey('demo', 2, keys[1]!.secretKey, 1, keys[0]!.publicKey)).toEqual(k12);
    expect(pairwiseKey('demo', 1, keys[0]!.secretKey, 3, keys[2]!.publicKey)).not.toEqual(k12);
    expect(pairwiseKey('other', 1, keys[0]!.secretKey, 2, keys[1]!.publicKey)).not.toEqual(k12);
    const r = ring(1);
    expect(r.pair(2)).toEqual(k12);
    expect(r.pair(4)).toBeNull(); // revoked
    expect(r.pair(99)).toBeNull();
    expect(r.size).toBe(1);
  });

  it('pairwise MIC: 15 bytes per receiver, only the addressee can check it, nobody else can make it', () => {
    expect(PAIRWISE_MIC_OVERHEAD_BYTES).toBe(15);
    const env = sealMic(payload, { from: 1, counter: T, keyring: ring(1), to: 2, context: 'c' });
    expect(env.length).toBe(payload.length + 15);
    expect(open(env, 1, roster, guard(), { context: 'c', keyring: ring(2) })).toEqual(payload);
    expect(reason(open(env, 1, roster, guard(), { context: 'c', keyring: ring(3) }))).toBe('not-addressed');
    expect(reason(open(env, 1, roster, guard(), { context: 'c' }))).toBe('no-key');
    // node 3 holds pair keys too, but not the (1, 2) one: it cannot forge 1 → 2
    const forged = sealMic(payload, { from: 3, counter: T, keyring: ring(3), to: 2, context: 'c' });
    forged[1] = 1; // claim to be node 1
    expect(reason(open(forged, 1, roster, guard(), { context: 'c', keyring: ring(2) }))).toBe('bad-mic');
    const tampered = env.slice();
    tampered[12]! ^= 0x80;
    expect(reason(open(tampered, 1, roster, guard(), { context: 'c', keyring: ring(2) }))).toBe('bad-mic');
  });

  it('group MIC: 13 bytes, any member can check it, and (the trade-off) any member can forge any other', () => {
    expect(GROUP_MIC_OVERHEAD_BYTES).toBe(13);
    const env = sealMic(payload, { from: 1, counter: T, keyring: ring(1), context: 'c' });
    expect(env.length).toBe(payload.length + 13);
    expect(open(env, 1, roster, guard(), { context: 'c', keyring: ring(3) })).toEqual(payload);
    expect(reason(open(env, 1, roster, guard(), { context: 'c', keyring: ring(3, false) }))).toBe('no-key');
    expect(reason(open(env, 1, roster, guard(), { context: 'c', keyring: ring(3), accept: ['signature'] }))).toBe('no-key');
    // node 3 forges a message from node 1 with the group key it holds: a group MIC cannot tell
    const node3AsNode1 = new Keyring({ me: 1, secretKey: keys[2]!.secretKey, roster, groupKey });
    const forgedBy3 = sealMic(payload, { from: 1, counter: T + 1, keyring: node3AsNode1, context: 'c' });
    expect(open(forgedBy3, 1, roster, guard(), { context: 'c', keyring: ring(2) })).toEqual(payload);
    // the same trick fails with a pairwise MIC: node 3 does not know the (1, 2) pair key
    const pairForgery = sealMic(payload, { from: 1, counter: T + 1, keyring: node3AsNode1, to: 2, context: 'c' });
    expect(reason(open(pairForgery, 1, roster, guard(), { context: 'c', keyring: ring(2) }))).toBe('bad-mic');
    const outsider = new Keyring({ me: 1, secretKey: keys[0]!.secretKey, roster, groupKey: new Uint8Array(32).fill(1) });
    expect(
      reason(open(sealMic(payload, { from: 1, counter: T + 2, keyring: outsider, context: 'c' }), 1, roster, guard(), { context: 'c', keyring: ring(2) })),
    ).toBe('bad-mic');
  });

  it('exports the per-message overhead of every mode for the simulator', () => {
    expect(TAG_OVERHEAD_BYTES).toEqual({ signature: 73, 'group-mic': 13, 'pairwise-mic': 15 });
    expect(tagOverheadBytes('pairwise-mic', 5)).toBe(75);
    expect(tagOverheadBytes('group-mic', 5)).toBe(13);
    expect(tagOverheadBytes('signature')).toBe(73);
  });
});
