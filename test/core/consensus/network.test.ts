import { describe, expect, it } from 'vitest';
import { buildNetwork, countBans } from '../../../src/core/consensus/network';
import { ReputationTracker } from '../../../src/core/consensus/reputation';

describe('experiment network', () => {
  const shape = { seed: 9, nodes: 40, byzantine: 0.3, degree: 10, dimension: 9 };
  it('is deterministic and has the requested attackers and degree', () => {
    const a = buildNetwork(shape);
    const b = buildNetwork(shape);
    expect(Array.from(a.truth)).toEqual(Array.from(b.truth));
    expect(a.nAttackers).toBe(12);
    expect(a.isAttacker.reduce((x, y) => x + y, 0)).toBe(12);
    a.listensTo.forEach((peers, i) => {
      expect(peers.length).toBe(10);
      expect(new Set(peers).size).toBe(10);
      expect(peers.includes(i)).toBe(false);
    });
    a.truth.forEach((t) => expect(Math.abs(t)).toBeLessThanOrEqual(65536));
  });
  it('keeps truth and topology when only the attacker fraction changes (the clean run is comparable)', () => {
    const a = buildNetwork(shape);
    const c = buildNetwork({ ...shape, byzantine: 0 });
    expect(Array.from(c.truth)).toEqual(Array.from(a.truth));
    expect(c.listensTo.map((p) => Array.from(p))).toEqual(a.listensTo.map((p) => Array.from(p)));
    expect(c.nAttackers).toBe(0);
  });
  it('counts an attacker banned only when every honest listener banned it', () => {
    const net = buildNetwork(shape);
    const trackers = net.listensTo.map(() => new ReputationTracker(40));
    const attacker = net.isAttacker.findIndex((x) => x === 1);
    const honestListeners = Array.from(net.listeners[attacker]!).filter((i) => !net.isAttacker[i]);
    for (const i of honestListeners.slice(1)) for (let k = 0; k < 3; k++) trackers[i]!.penalizeFailedCheck(attacker);
    expect(countBans(net, trackers, true).attackers).toBe(honestListeners.length <= 1 ? 1 : 0);
    for (let k = 0; k < 3; k++) trackers[honestListeners[0]!]!.penalizeFailedCheck(attacker);
    expect(countBans(net, trackers, true)).toEqual({ attackers: 1, honest: 0 });
    const honest = net.isAttacker.findIndex((x) => x === 0);
    const listener = Array.from(net.listeners[honest]!).find((i) => !net.isAttacker[i])!;
    for (let k = 0; k < 3; k++) trackers[listener]!.penalizeFailedCheck(honest);
    expect(countBans(net, trackers, true).honest).toBe(1);
  });
});
