// The experiment's population: the true gene, who attacks, and who listens to whom. Each comes from its own
// named RNG stream, so the clean run (no attackers) has the same truth and topology as the attacked one.
import { createRng } from '../rng/rng';
import type { ReputationTracker } from './reputation';

export interface NetworkShape {
  seed: number;
  nodes: number;
  byzantine: number;
  degree: number;
  dimension: number;
}

export interface Network {
  /** The true gene, Q16, uniform in [−1, 1] per coordinate. */
  truth: Int32Array;
  /** 1 for attacker identities. */
  isAttacker: Uint8Array;
  nAttackers: number;
  /** listensTo[i]: the peers node i hears from (sorted ids, never i). */
  listensTo: Int32Array[];
  /** listeners[j]: the nodes that hear j. */
  listeners: Int32Array[];
}

/** k distinct values of [0, n) minus `skip`, by a partial Fisher–Yates shuffle, returned sorted. */
function sample(n: number, k: number, skip: number, next: (bound: number) => number): Int32Array {
  const pool: number[] = [];
  for (let i = 0; i < n; i++) if (i !== skip) pool.push(i);
  const take = Math.min(k, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + next(pool.length - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return Int32Array.from(pool.slice(0, take)).sort();
}

export function buildNetwork(c: NetworkShape): Network {
  const rng = createRng(c.seed);
  const truthRng = rng.stream('truth');
  const truth = new Int32Array(c.dimension);
  for (let k = 0; k < c.dimension; k++) truth[k] = truthRng.nextInt(2 * 65536 + 1) - 65536;

  const nAttackers = Math.round(c.nodes * c.byzantine);
  const pick = rng.stream('attackers');
  const isAttacker = new Uint8Array(c.nodes);
  for (const i of sample(c.nodes, nAttackers, -1, (b) => pick.nextInt(b))) isAttacker[i] = 1;

  const topo = rng.stream('topology');
  const listensTo: Int32Array[] = [];
  const incoming: number[][] = Array.from({ length: c.nodes }, () => []);
  for (let i = 0; i < c.nodes; i++) {
    const peers = sample(c.nodes, c.degree, i, (b) => topo.nextInt(b));
    listensTo.push(peers);
    for (const j of peers) incoming[j]!.push(i);
  }
  return { truth, isAttacker, nAttackers, listensTo, listeners: incoming.map((l) => Int32Array.from(l)) };
}

/**
 * Bans as seen from outside: an attacker counts as banned when every honest node that hears it has banned
 * it (it can no longer influence anyone); an honest node counts as banned when at least one honest listener
 * has banned it (the strict count). With `attackersActive` false every node is honest.
 */
export function countBans(
  net: Network,
  trackers: readonly ReputationTracker[],
  attackersActive: boolean,
): { attackers: number; honest: number } {
  let attackers = 0;
  let honest = 0;
  for (let j = 0; j < net.isAttacker.length; j++) {
    const bad = attackersActive && net.isAttacker[j] === 1;
    let all = true;
    let any = false;
    for (const i of net.listeners[j]!) {
      if (attackersActive && net.isAttacker[i] === 1) continue;
      const b = trackers[i]!.isBanned(j);
      all &&= b;
      any ||= b;
    }
    if (bad && all) attackers++;
    if (!bad && any) honest++;
  }
  return { attackers, honest };
}
