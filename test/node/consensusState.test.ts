import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng/rng';
import { ConsensusState, MODEL_DIM } from '../../src/node/consensusState';

const gene = (w0: number) => ({ weights: Int32Array.from([w0, 0, 0, 0, 0, 0, 0, 0]), bias: 0, mu: 3277 });
const vec = (v0: number) => {
  const v = new Int32Array(MODEL_DIM);
  v[0] = v0;
  return v;
};

describe('ConsensusState', () => {
  it('moves its model halfway to the trimmed mean of what it heard', () => {
    const c = new ConsensusState(1);
    c.model.fill(0);
    c.begin(5);
    const u = c.vectorToSend(gene(0));
    expect(u[0]).toBe(0);
    for (let p = 2; p <= 5; p++) expect(c.receive(p, 5, vec(65536))).toBe(true);
    const out = c.finish(() => true)!;
    expect(out.accepted).toEqual([2, 3, 4, 5]);
    expect(out.aggregate[0]).toBe(65536); // f = 2 of 5 trimmed per side: own 0 and one 65536 dropped
    expect(c.model[0]).toBe(32768);
    expect(c.roundsDone).toBe(1);
  });

  it('ignores other rounds, repeats and itself', () => {
    const c = new ConsensusState(1);
    c.begin(7);
    expect(c.receive(2, 6, vec(1))).toBe(false);
    expect(c.receive(1, 7, vec(1))).toBe(false);
    expect(c.receive(2, 7, vec(1))).toBe(true);
    expect(c.receive(2, 7, vec(2))).toBe(false);
    expect(c.receive(3, 7 + 2 ** 32, vec(1))).toBe(true); // u32 on the wire
    expect(c.finish(() => true)).toBeNull(); // it sent nothing this round
  });

  it('penalises failed own-data checks until the peer is banned, then refuses it', () => {
    const c = new ConsensusState(1);
    for (let r = 0; r < 4; r++) {
      c.begin(r);
      c.vectorToSend(gene(65536));
      c.receive(2, r, vec(-65536));
      c.receive(3, r, vec(65536));
      c.finish((v) => v[0]! > 0);
    }
    expect(c.isBanned(2)).toBe(true);
    expect(c.isBanned(3)).toBe(false);
    expect(c.bannedPeers()).toEqual([2]);
  });

  it('`include` leaves a vector out of the aggregate with no reputation change either way', () => {
    const c = new ConsensusState(1);
    const without = new ConsensusState(1); // the same rounds, peer 2 never heard
    for (let r = 0; r < 20; r++) {
      for (const s of [c, without]) {
        s.begin(r);
        s.vectorToSend(gene(65536));
        if (s === c) s.receive(2, r, vec(3 * 65536));
        s.receive(3, r, vec(65536));
      }
      const out = c.finish(() => true, (v) => v[0]! < 2 * 65536)!;
      const ref = without.finish(() => true)!;
      expect(out.leftOut).toEqual([2]);
      expect(out.accepted).toEqual([3]);
      expect(Array.from(out.aggregate)).toEqual(Array.from(ref.aggregate)); // the left-out vector pulls nothing
    }
    expect(c.isBanned(2)).toBe(false); // 20 rounds left out: still not penalised
    expect(c.reputation.score(2)).toBe(c.reputation.score(99)); // never scored: the default
  });

    it('crafts the named attack from the vectors it heard', () => {
    const c = new ConsensusState(9);
    c.begin(1);
    const own = c.vectorToSend(gene(65536));
    expect(c.craftAttack('sign-flip', own, createRng(1))).toBe(own); // heard nobody yet: own vector
    c.receive(2, 1, vec(65536));
    const flipped = c.craftAttack('sign-flip', own, createRng(1));
    expect(flipped[0]).toBe(-own[0]!);
  });
});
