import { describe, expect, it } from 'vitest';
import { PeerRateLimiter } from '../../src/node/rateLimiter';

describe('PeerRateLimiter', () => {
  it('lets a burst through, then drops, then refills at the rate, per peer', () => {
    let now = 0;
    const rl = new PeerRateLimiter(5, 10, () => now);
    const pass = (peer: number, n: number) => Array.from({ length: n }, () => rl.allow(peer)).filter(Boolean).length;
    expect(pass(1, 20)).toBe(5);
    expect(rl.dropped).toBe(15);
    expect(pass(2, 3)).toBe(3); // another peer has its own bucket
    now += 300; // 3 tokens back
    expect(pass(1, 10)).toBe(3);
    now += 10_000; // capped at the burst
    expect(pass(1, 10)).toBe(5);
  });

  it('rejects nonsense parameters', () => {
    expect(() => new PeerRateLimiter(0, 1)).toThrow(RangeError);
    expect(() => new PeerRateLimiter(1, 0)).toThrow(RangeError);
  });
});
