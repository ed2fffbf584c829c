import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src/core/identity/keys';
import { createCounter, MAX_CLOCK_SKEW_MS, MAX_LIVE_AGE_MS, ReplayGuard, REPLAY_WINDOW } from '../../../src/core/identity/replayGuard';
import { addMember, createRoster, revokeMember, type Roster } from '../../../src/core/identity/roster';

function roster(ids: number[]): Roster {
  let r = createRoster('demo');
  for (const id of ids) r = addMember(r, id, generateKeyPair(new Uint8Array(32).fill(id + 1)).publicKey);
  return r;
}

describe('counter', () => {
  it('is max(now, last + 1): strictly increasing, and after a restart above everything sent before', () => {
    let now = 1_000;
    const c = createCounter(() => now);
    expect([c.next(), c.next(), c.next()]).toEqual([1000, 1001, 1002]);
    now = 5_000.7;
    expect(c.next()).toBe(5000);
    now = 4_000; // the clock stepped back
    expect(c.next()).toBe(5001);
    now = 6_000;
    const restarted = createCounter(() => now); // no state carried over
    expect(restarted.next()).toBeGreaterThan(5001);
  });
});

describe('ReplayGuard', () => {
  const T = 1_700_000_000_000;

  it('accepts each live counter once, in order or reordered within the window', () => {
    const now = T;
    const g = new ReplayGuard({ roster: roster([1, 2]), now: () => now });
    expect(g.commit(1, 'live', T)).toBeNull();
    expect(g.commit(1, 'live', T)).toBe('replay');
    expect(g.commit(1, 'live', T - 10)).toBeNull(); // late but within the window
    expect(g.commit(1, 'live', T - 10)).toBe('replay');
    expect(g.commit(1, 'live', T - REPLAY_WINDOW)).toBe('stale'); // below the window: cannot tell, so refused
    expect(g.commit(1, 'live', T + 1)).toBeNull();
    expect(g.commit(2, 'live', T)).toBeNull(); // per sender
    expect(g.check(1, 'live', T + 2)).toBeNull();
    expect(g.check(1, 'live', T + 2)).toBeNull(); // check() records nothing
  });

  it('forgets bits that slid out of the window and keeps the ones inside', () => {
    let now = T;
    const g = new ReplayGuard({ roster: roster([1]), now: () => now, window: 64 });
    for (let c = T - 99; c <= T; c += 3) expect(g.commit(1, 'live', c)).toBeNull();
    for (let c = T - 63; c <= T; c++) expect(g.check(1, 'live', c)).toBe((T - c) % 3 === 0 ? 'replay' : null);
    now = T + 40;
    expect(g.commit(1, 'live', T + 40)).toBeNull(); // slides by 40: bits of T-63..T-24 drop out
    expect(g.check(1, 'live', T - 24)).toBe('stale');
    expect(g.check(1, 'live', T - 23)).toBe((T - (T - 23)) % 3 === 0 ? 'replay' : null);
    expect(g.check(1, 'live', T + 39)).toBeNull(); // cleared on the slide
    expect(g.check(1, 'live', T)).toBe('replay');
    now = T + 1000;
    expect(g.commit(1, 'live', T + 1000)).toBeNull(); // jump past the window: all cleared
    expect(g.check(1, 'live', T + 999)).toBeNull();
    expect(g.check(1, 'live', T + 1000)).toBe('replay');
  });

  it('states its clock bounds: 30 s into the future, 30 s of age on the live channel', () => {
    const g = new ReplayGuard({ roster: roster([1]), now: () => T });
    expect(MAX_CLOCK_SKEW_MS).toBe(30_000);
    expect(MAX_LIVE_AGE_MS).toBe(30_000);
    expect(g.check(1, 'live', T + MAX_CLOCK_SKEW_MS)).toBeNull();
    expect(g.check(1, 'live', T + MAX_CLOCK_SKEW_MS + 1)).toBe('future');
    expect(g.check(1, 'retained', T + MAX_CLOCK_SKEW_MS + 1)).toBe('future');
    expect(g.check(1, 'live', T - MAX_LIVE_AGE_MS)).toBeNull();
    expect(g.check(1, 'live', T - MAX_LIVE_AGE_MS - 1)).toBe('stale');
    expect(g.check(1, 'live', -1)).toBe('stale');
    expect(g.check(1, 'live', 1.5)).toBe('stale');
  });

  it('accepts an old retained message or will once, strictly increasing, on channels of their own', () => {
    const g = new ReplayGuard({ roster: roster([1]), now: () => T });
    expect(g.commit(1, 'live', T)).toBeNull();
    const dayOld = T - 86_400_000;
    expect(g.commit(1, 'retained', dayOld)).toBeNull(); // a joiner gets yesterday's retained summary
    expect(g.commit(1, 'retained', dayOld)).toBe('replay');
    expect(g.commit(1, 'retained', dayOld - 1)).toBe('replay');
    expect(g.commit(1, 'will', dayOld)).toBeNull();
    expect(g.commit(1, 'will', dayOld)).toBe('replay');
    const capped = new ReplayGuard({ roster: roster([1]), now: () => T, retainedMaxAgeMs: 3_600_000 });
    expect(capped.check(1, 'retained', dayOld)).toBe('stale');
  });

  it('holds state for roster members only, at most one per member, and forgets the revoked', () => {
    const r = roster([1, 2, 3]);
    const g = new ReplayGuard({ roster: r, now: () => T });
    for (let id = 0; id < 5000; id++) g.commit(id, 'live', T);
    expect(g.size).toBe(3);
    expect(g.check(4, 'live', T + 1)).toBe('unknown-sender');
    g.setRoster(revokeMember(r, 2));
    expect(g.size).toBe(2);
    expect(g.check(2, 'live', T + 1)).toBe('unknown-sender');
    expect(g.stateBytes).toBe(2 * (24 + REPLAY_WINDOW / 8));
    expect(() => new ReplayGuard({ roster: r, window: 33 })).toThrow(RangeError);
  });
});
