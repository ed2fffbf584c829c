import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adjustTrust, BAN_ROUNDS, isBanned, serveBans, TRUST_BAN, TRUST_FAILED, TRUST_INITIAL, TRUST_REWARD } from '../../../src/core/rules/trust';

describe('reputation bytes: bans are sentences', () => {
  it('a score that crosses the ban line starts a full sentence, served one step per round, then probation', () => {
    const trust = Uint8Array.of(TRUST_INITIAL);
    while (!isBanned(trust, 0)) adjustTrust(trust, 0, -TRUST_FAILED);
    expect(trust[0]).toBe(0);
    // Nothing it does while banned changes its sentence.
    adjustTrust(trust, 0, TRUST_REWARD);
    adjustTrust(trust, 0, -TRUST_FAILED);
    expect(trust[0]).toBe(0);
    for (let r = 1; r < BAN_ROUNDS; r++) {
      serveBans(trust, 0, 1);
      expect(isBanned(trust, 0)).toBe(true);
    }
    serveBans(trust, 0, 1);
    expect(trust[0]).toBe(TRUST_BAN); // on probation, at the ban line
    expect(isBanned(trust, 0)).toBe(false);
    adjustTrust(trust, 0, -1); // the smallest penalty bans it again, for a full sentence
    expect(trust[0]).toBe(0);
  });

  it('serveBans leaves scores in good standing alone, and no sequence leaves [0, 255] or skips a sentence', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -60, max: 20 }), { maxLength: 300 }), (ops) => {
        const trust = Uint8Array.of(TRUST_INITIAL);
        let banRounds = 0;
        for (const d of ops) {
          const was = trust[0]!;
          if (d === 0) {
            serveBans(trust, 0, 1);
            if (was >= TRUST_BAN) expect(trust[0]).toBe(was);
            else expect(trust[0]).toBe(was + 1);
          } else {
            adjustTrust(trust, 0, d);
            if (was < TRUST_BAN) expect(trust[0]).toBe(was);
            else if (was + d < TRUST_BAN) expect(trust[0]).toBe(0);
          }
          if (isBanned(trust, 0)) banRounds++;
          expect(trust[0]).toBeGreaterThanOrEqual(0);
          expect(trust[0]).toBeLessThanOrEqual(255);
        }
        void banRounds;
      }),
      { numRuns: 2000 },
    );
  });
});
