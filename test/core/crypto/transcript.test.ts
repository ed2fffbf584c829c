import { describe, expect, it } from 'vitest';
import { Transcript } from '../../../src/core/crypto/transcript';
import { GROUP_ORDER } from '../../../src/core/crypto/group';

const bytes = (s: string) => new TextEncoder().encode(s);

function challengeAfter(messages: [string, string][], protocol = 'test'): bigint {
  const t = new Transcript(protocol);
  for (const [label, m] of messages) t.appendMessage(label, bytes(m));
  return t.challengeScalar('c');
}

describe('Transcript', () => {
  it('is deterministic and gives scalars below ℓ', () => {
    const c = challengeAfter([['m', 'hello']]);
    expect(challengeAfter([['m', 'hello']])).toBe(c);
    expect(c > 0n && c < GROUP_ORDER).toBe(true);
  });

  it('length-prefixes: ("ab","c") and ("a","bc") differ', () => {
    expect(
      challengeAfter([
        ['m', 'ab'],
        ['m', 'c'],
      ]),
    ).not.toBe(
      challengeAfter([
        ['m', 'a'],
        ['m', 'bc'],
      ]),
    );
    expect(challengeAfter([['ab', 'c']])).not.toBe(challengeAfter([['a', 'bc']])); // label/message boundary too
  });

  it('separates protocols, labels and message order', () => {
    const base = challengeAfter([['m', 'x']]);
    expect(challengeAfter([['m', 'x']], 'other')).not.toBe(base);
    expect(challengeAfter([['n', 'x']])).not.toBe(base);
    expect(
      challengeAfter([
        ['a', '1'],
        ['b', '2'],
      ]),
    ).not.toBe(
      challengeAfter([
        ['b', '2'],
        ['a', '1'],
      ]),
    );
  });

  it('chains challenges: the second depends on the first', () => {
    const t = new Transcript('test');
    const c1 = t.challengeScalar('c');
    const c2 = t.challengeScalar('c');
    expect(c2).not.toBe(c1);
  });
});
