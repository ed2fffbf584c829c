// The randomness of the rules: counter-based draws, a hash of (stream seed, node, tick, index). A node's luck
// depends on nothing but its own id and the clock, never on how many draws other nodes made before it, so the
// simulator (all nodes in one loop) and the node daemon (one node per process) draw exactly the same numbers,
// and there is no generator state to carry, hash or persist.
import { createRng, mix32, type Rng } from '../rng/rng';

/** Stream seeds of the rules, derived from the swarm's seed the same way in every runtime. */
export interface RuleSeeds {
  /** Mutations of a node in Storm. */
  mutation: number;
  /** Jitter of cure-request retries. */
  gossip: number;
  /** Attackers' crafted vectors and poisoned cures. */
  attack: number;
}

export function ruleSeeds(seed: number): RuleSeeds {
  const root = createRng(seed);
  return {
    mutation: root.stream('rules:mutation').nextU32(),
    gossip: root.stream('rules:gossip').nextU32(),
    attack: root.stream('rules:attack').nextU32(),
  };
}

/** A uniform u32 for (stream seed, node, tick, k). */
export function draw(seed: number, node: number, tick: number, k: number): number {
  return mix32(mix32(mix32(seed ^ Math.imul(node, 0x9e3779b1)) ^ tick) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
}

/** True with probability pQ16 / 65536. */
export function drawChance(seed: number, node: number, tick: number, k: number, pQ16: number): boolean {
  return draw(seed, node, tick, k) >>> 16 < pQ16;
}

/** A triangular Q16 value in (−1, 1) from one draw (two 16-bit uniforms). */
export function drawTriangular(seed: number, node: number, tick: number, k: number): number {
  const u = draw(seed, node, tick, k);
  return (u & 0xffff) + (u >>> 16) - 0xffff;
}

/** An integer in [0, n) (n ≤ 65536; the bias of a 16-bit multiply-shift is below 2^-16 for these n). */
export function drawBelow(seed: number, node: number, tick: number, k: number, n: number): number {
  return ((draw(seed, node, tick, k) >>> 16) * n) >>> 16;
}

/** A whole generator for (stream seed, node, tick), for the attack catalogue's functions that take an Rng. */
export function rngAt(seed: number, node: number, tick: number): Rng {
  return createRng(draw(seed, node, tick, 0x7fffffff));
}
