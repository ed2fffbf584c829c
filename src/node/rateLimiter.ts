// Per-peer flood protection: a token bucket per sender id. Each message costs one token; a bucket holds at
// most `burst` tokens and refills at `perSecond`. A peer that floods is dropped (counted) while honest peers
// keep their own buckets. Ids are u16, so the table is bounded (≤ 65,536 entries).

export class PeerRateLimiter {
  private readonly tokens = new Map<number, number>();
  private readonly stamp = new Map<number, number>();
  dropped = 0;

  constructor(
    readonly burst: number,
    readonly perSecond: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    if (!(burst >= 1) || !(perSecond > 0)) throw new RangeError(`rate limit needs burst ≥ 1 and rate > 0, got ${burst}, ${perSecond}`);
  }

  /** True if a message from `peer` may pass now (and spends a token); false if it is dropped. */
  allow(peer: number): boolean {
    const t = this.now();
    const last = this.stamp.get(peer);
    let tokens = last === undefined ? this.burst : Math.min(this.burst, this.tokens.get(peer)! + ((t - last) * this.perSecond) / 1000);
    this.stamp.set(peer, t);
    if (tokens < 1) {
      this.tokens.set(peer, tokens);
      this.dropped++;
      return false;
    }
    tokens -= 1;
    this.tokens.set(peer, tokens);
    return true;
  }
}
