// The radio's authentication trailer (src/core/net/radioAuth.ts), attacked through its public API: strangers with
// the wrong keys, insiders with their own keys, tampering, re-sending under a new id or in a later round, cut MIC
// vectors, random bytes.
import fc from 'fast-check';
import { MSG_CONSENSUS, MSG_CURE_REPLY, MSG_CURE_REQUEST, MSG_SUMMARY, MSG_SUMMARY_REQUEST } from '../../../src/core/net/message';
import { describe, expect, it } from 'vitest';
import {
  freshId,
  insiderKeys,
  MAX_MIC_ENTRIES,
  openRadio,
  radioAuthBytes,
  radioKeys,
  tagModeFor,
  trailerStart,
  sealRadio,
  type RadioAuthMode,
} from '../../../src/core/net/radioAuth';

const keys = radioKeys(12345);
const message = Uint8Array.from({ length: 43 }, (_, i) => (i * 37 + 11) & 0xff);
const neighbours = [2, 3, 5, 8, 13, 21, 34, 55];
const ROUND = 700;
const ID = 41;

function seal(mode: RadioAuthMode, from = 1, broadcast = true, receivers: number[] = neighbours, round = ROUND, id = ID, k = keys): Uint8Array {
  return sealRadio(mode, k, from, broadcast, broadcast ? receivers : [receivers[0]!], round, id, message);
}

describe('radio authentication trailer', () => {
  it('costs 4 bytes unicast or in group mode, 1 + 4k for a MIC vector, 65 for a signature when k > 16', () => {
    expect(radioAuthBytes('none', true, 8)).toBe(0);
    expect(radioAuthBytes('group', true, 8)).toBe(4);
    expect(radioAuthBytes('pairwise', false, 1)).toBe(4);
    expect(radioAuthBytes('pairwise', true, 8)).toBe(33);
    expect(MAX_MIC_ENTRIES).toBe(16);
    expect(radioAuthBytes('pairwise', true, 16)).toBe(65);
    expect(radioAuthBytes('pairwise', true, 40)).toBe(65);
    for (const [mode, broadcast, k] of [
      ['pairwise', true, 8],
      ['pairwise', true, 30],
      ['pairwise', false, 1],
      ['group', true, 8],
    ] as const) {
      const receivers = Array.from({ length: k }, (_, i) => i + 2);
      expect(seal(mode, 1, broadcast, receivers).length - message.length).toBe(radioAuthBytes(mode, broadcast, k));
    }
  });

  it('every receiver of a broadcast opens it, in every mode, and gets the message back', () => {
    const many = Array.from({ length: 30 }, (_, i) => 100 + i); // more than 16: a signature
    for (const [mode, receivers] of [
      ['pairwise', neighbours],
      ['pairwise', many],
      ['group', neighbours],
      ['none', neighbours],
    ] as const) {
      const sealed = seal(mode, 1, true, [...receivers]);
      for (const r of receivers) {
        const length = openRadio(mode, keys, r, 1, true, ROUND, ID, sealed);
        expect(length, `${mode} at ${r}`).toBe(message.length);
        expect(sealed.subarray(0, length as number)).toEqual(message);
      }
    }
    const unicast = seal('pairwise', 1, false, [9]);
    expect(openRadio('pairwise', keys, 9, 1, false, ROUND, ID, unicast)).toBe(message.length);
    // …and arrives in the next round too (a frame sent at a round's end), but not two rounds later.
    expect(openRadio('pairwise', keys, 9, 1, false, ROUND + 1, ID, unicast)).toBe(message.length);
    expect(openRadio('pairwise', keys, 9, 1, false, ROUND + 2, ID, unicast)).toBe('forged');
    expect(openRadio('pairwise', keys, 9, 1, false, ROUND - 1, ID, unicast)).toBe('forged'); // not from a later round either
  });

  it('a stranger with other keys forges nothing: unicast, MIC vector, signature, group', () => {
    const stranger = radioKeys(999);
    const many = Array.from({ length: 30 }, (_, i) => 100 + i);
    for (const [mode, broadcast, receivers] of [
      ['pairwise', true, neighbours],
      ['pairwise', true, many],
      ['pairwise', false, [3]],
      ['group', true, neighbours],
    ] as const) {
      const forged = seal(mode, 1, broadcast, [...receivers], ROUND, ID, stranger);
      for (const r of receivers) expect(openRadio(mode, keys, r, 1, broadcast, ROUND, ID, forged)).toBe('forged');
    }
  });

  it('an insider holding node 5’s keys cannot speak as node 1 to anyone in pairwise mode (it can in group mode)', () => {
    const insider = insiderKeys(keys, 5);
    expect(() => insider.pair(1, 3)).toThrow(/does not hold/);
    expect(() => insider.sign(1)).toThrow(/cannot sign/);
    // Its best try: a message claiming node 1, tagged with every key it does hold (its pair keys with the receivers).
    const claimed = sealRadio('pairwise', insider, 5, true, neighbours, ROUND, ID, message);
    claimed.set(message, 0); // the claim is in the message header, which the receiver reads as "from 1"
    for (const r of neighbours) expect(openRadio('pairwise', keys, r, 1, true, ROUND, ID, claimed)).toBe('forged');
    // A signature-sized broadcast under its own signing key, claimed as node 1.
    const many = Array.from({ length: 20 }, (_, i) => 100 + i);
    const signed = sealRadio('pairwise', insider, 5, true, many, ROUND, ID, message);
    for (const r of many) expect(openRadio('pairwise', keys, r, 1, true, ROUND, ID, signed)).toBe('forged');
    // The same insider against a group MIC: it verifies. This is the documented weakness of group mode.
    const group = sealRadio('group', insider, 5, true, neighbours, ROUND, ID, message);
    expect(openRadio('group', keys, 3, 1, true, ROUND, ID, group)).toBe(message.length);
  });

  it('a captured message fails under a new message id, in another round, and after any byte is changed', () => {
    for (const [mode, broadcast] of [
      ['pairwise', true],
      ['pairwise', false],
      ['group', true],
    ] as const) {
      const sealed = seal(mode, 1, broadcast);
      const r = neighbours[0]!;
      expect(openRadio(mode, keys, r, 1, broadcast, ROUND, ID + 1, sealed)).toBe('forged');
      // Re-sent two rounds later, or ten.
      expect(openRadio(mode, keys, r, 1, broadcast, ROUND + 2, ID, sealed)).toBe('forged');
      expect(openRadio(mode, keys, r, 1, broadcast, ROUND + 10, ID, sealed)).toBe('forged');
      // Every byte, at every receiver: a change opens nowhere, except a change to another receiver's own MIC entry
      // (entry j belongs to neighbours[j]), which only that receiver checks.
      const receivers = broadcast ? neighbours : [neighbours[0]!];
      for (let i = 0; i < sealed.length; i++) {
        for (const bit of [0x01, 0x80]) {
          const bent = sealed.slice();
          bent[i]! ^= bit;
          receivers.forEach((rj, j) => {
            const result = openRadio(mode, keys, rj, 1, broadcast, ROUND, ID, bent);
            const entry =
              mode === 'pairwise' && broadcast && i >= message.length && i < message.length + 4 * neighbours.length ? (i - message.length) >> 2 : -1;
            if (entry >= 0 && entry !== j) expect(result, `byte ${i} at ${rj}`).toBe(message.length);
            else expect(typeof result, `byte ${i} at ${rj}`).toBe('string');
          });
        }
      }
    }
  });

  it('a MIC vector cut short or padded does not open with entries that are not the receiver’s', () => {
    const sealed = seal('pairwise');
    const k = neighbours.length;
    // Drop the last entry and fix the count: the receivers of the dropped entry fail, the others' MICs still match
    // (their entries are intact) — cutting cannot make a message open for anyone it was not sealed for.
    const cut = new Uint8Array(sealed.length - 4);
    cut.set(sealed.subarray(0, message.length + 4 * (k - 1)), 0);
    cut[cut.length - 1] = k - 1;
    expect(openRadio('pairwise', keys, neighbours[k - 1]!, 1, true, ROUND, ID, cut)).toBe('forged');
    // A count larger than the message: malformed, not an exception.
    const lying = sealed.slice(0, 30);
    lying[lying.length - 1] = 16;
    expect(openRadio('pairwise', keys, 2, 1, true, ROUND, ID, lying)).toBe('malformed');
    expect(trailerStart('pairwise', true, Uint8Array.of(17))).toBe('malformed');
    expect(trailerStart('pairwise', true, new Uint8Array(0))).toBe('malformed');
    expect(trailerStart('pairwise', false, Uint8Array.of(1, 2, 3))).toBe('malformed');
    // A count over 16 (not the signature mark) is malformed.
    const over = sealed.slice();
    over[over.length - 1] = 17;
    expect(openRadio('pairwise', keys, 2, 1, true, ROUND, ID, over)).toBe('malformed');
  });

  it('random bytes never throw and never open', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.constantFrom<RadioAuthMode>('pairwise', 'group'), (bytes, broadcast, mode) => {
        const result = openRadio(mode, keys, 3, 1, broadcast, ROUND, ID, bytes);
        return typeof result === 'string';
      }),
      { numRuns: 3000 },
    );
  });

  it('requests only ask and carry the group MIC; everything else carries the pairwise tag', () => {
    expect(tagModeFor('pairwise', MSG_CURE_REQUEST)).toBe('group');
    expect(tagModeFor('pairwise', MSG_SUMMARY_REQUEST)).toBe('group');
    for (const type of [MSG_CURE_REPLY, MSG_CONSENSUS, MSG_SUMMARY]) expect(tagModeFor('pairwise', type)).toBe('pairwise');
    expect(tagModeFor('none', MSG_CURE_REQUEST)).toBe('none');
    expect(tagModeFor('group', MSG_CONSENSUS)).toBe('group');
  });

  it('freshId: only a newer id (mod 2^16) is fresh', () => {
    expect(freshId(-1, 0)).toBe(true);
    expect(freshId(10, 11)).toBe(true);
    expect(freshId(10, 10)).toBe(false);
    expect(freshId(10, 9)).toBe(false);
    expect(freshId(65535, 0)).toBe(true);
    expect(freshId(0, 65535)).toBe(false);
    expect(freshId(10, 10 + 0x7fff)).toBe(true);
    expect(freshId(10, 10 + 0x8000)).toBe(false);
  });
});
