import { describe, expect, it } from 'vitest';
import { generateKeyPair, KeyError, toHex } from '../../../src/core/identity/keys';
import {
  activeMember,
  activeMembers,
  addMember,
  checkNodeKey,
  createRoster,
  parseNodeKey,
  parseRoster,
  RosterError,
  revokeMember,
  serializeNodeKey,
  serializeRoster,
  type RosterErrorReason,
} from '../../../src/core/identity/roster';

const key = (b: number) => generateKeyPair(new Uint8Array(32).fill(b));

function expectRosterError(fn: () => unknown, reason: RosterErrorReason): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RosterError);
    expect((err as RosterError).reason).toBe(reason);
    return;
  }
  throw new Error(`expected RosterError ${reason}`);
}

describe('roster', () => {
  it('adds, revokes, serialises and parses back the same roster', () => {
    let r = createRoster('demo');
    r = addMember(r, 3, key(3).publicKey);
    r = addMember(r, 1, key(1).publicKey);
    r = revokeMember(r, 3);
    expect(activeMembers(r).map((e) => e.id)).toEqual([1]);
    expect(activeMember(r, 3)).toBeUndefined();
    const text = serializeRoster(r);
    expect(JSON.parse(text)).toEqual({
      format: 'qres-roster-v1',
      swarm: 'demo',
      nodes: { 1: { publicKey: toHex(key(1).publicKey), revoked: false }, 3: { publicKey: toHex(key(3).publicKey), revoked: true } },
    });
    const back = parseRoster(text);
    expect(serializeRoster(back)).toBe(text);
    expect(back.nodes.get(3)!.revoked).toBe(true);
  });

  it('never reuses an id or a key, and revokes only members', () => {
    const r = addMember(createRoster('demo'), 1, key(1).publicKey);
    expectRosterError(() => addMember(r, 1, key(2).publicKey), 'exists');
    expectRosterError(() => addMember(revokeMember(r, 1), 1, key(2).publicKey), 'exists');
    expectRosterError(() => addMember(r, 2, key(1).publicKey), 'duplicate-key');
    expectRosterError(() => addMember(r, 70000, key(2).publicKey), 'id');
    expectRosterError(() => addMember(r, 2, new Uint8Array(32).fill(0xff)), 'key');
    expectRosterError(() => revokeMember(r, 9), 'missing');
    expectRosterError(() => createRoster('a/b'), 'swarm');
  });

  it('refuses bad roster files with a typed reason', () => {
    const good = JSON.parse(serializeRoster(addMember(createRoster('demo'), 1, key(1).publicKey)));
    const cases: [string, RosterErrorReason][] = [
      ['{', 'json'],
      ['[]', 'format'],
      [JSON.stringify({ ...good, format: 'v0' }), 'format'],
      [JSON.stringify({ ...good, extra: 1 }), 'format'],
      [JSON.stringify({ ...good, swarm: '#' }), 'swarm'],
      [JSON.stringify({ ...good, nodes: [] }), 'format'],
      [JSON.stringify({ ...good, nodes: { '01': good.nodes['1'] } }), 'id'],
      [JSON.stringify({ ...good, nodes: { 70000: good.nodes['1'] } }), 'id'],
      [JSON.stringify({ ...good, nodes: { 1: { publicKey: 'zz', revoked: false } } }), 'key'],
      [JSON.stringify({ ...good, nodes: { 1: { publicKey: good.nodes['1'].publicKey } } }), 'format'],
      [JSON.stringify({ ...good, nodes: { 1: good.nodes['1'], 2: good.nodes['1'] } }), 'duplicate-key'],
    ];
    for (const [text, reason] of cases) expectRosterError(() => parseRoster(text), reason);
  });

  it('node key files round-trip, never show the key in errors, and must match the roster', () => {
    const k = key(1);
    const r = addMember(addMember(createRoster('demo'), 1, k.publicKey), 2, key(2).publicKey);
    const text = serializeNodeKey({ swarm: 'demo', id: 1, secretKey: k.secretKey });
    const parsed = parseNodeKey(text);
    expect(parsed.secretKey).toEqual(k.secretKey);
    expect(checkNodeKey(r, parsed).id).toBe(1);
    expect(() => checkNodeKey(r, { ...parsed, id: 2 })).toThrow(/does not match/);
    expect(() => checkNodeKey(r, { ...parsed, id: 5 })).toThrow(/not in the roster/);
    expect(() => checkNodeKey(revokeMember(r, 1), parsed)).toThrow(/revoked/);
    expect(() => checkNodeKey(r, { ...parsed, swarm: 'x' })).toThrow(KeyError);
    const broken = text.replace(/"secretKey":"[0-9a-f]{60}/, '"secretKey":"zz');
    try {
      parseNodeKey(broken);
      throw new Error('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(KeyError);
      expect(String((err as Error).message)).not.toContain(toHex(k.secretKey).slice(-8));
    }
  });
});
