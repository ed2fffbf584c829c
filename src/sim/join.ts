// Mid-flight join: the report (outside the tick). The join itself is the systems in systems/join.ts: a joiner
// broadcasts a summary request until a present neighbour answers with the summary gene of its consensus state,
// installs it and is in consensus at once, without replaying the history of genes.
import { ROLE_HONEST } from '../../components/body';
import { MODEL_DIM } from '../../components/consensus';
import { MEMBER_PRESENT } from '../../components/membership';
import type { SimWorld } from './world';

export interface JoinReport {
  nodes: number;
  synced: number;
  meanSyncS: number;
  maxSyncS: number;
  /** Bytes on air of join traffic (requests and summaries), all joiners. */
  bytes: number;
  /** What replaying the consensus history to every joiner would have put on air. */
  replayBytes: number;
  /** 1 − bytes / replayBytes. */
  saved: number;
  /** Mean over synced joiners of ‖joiner model − its honest neighbours' mean‖ / ‖that mean‖ at the end. */
  drift: number;
  /** The same measure over the original honest nodes: the baseline a joiner is compared with. */
  memberDrift: number;
}

/** ‖model(eid) − mean model of its present honest neighbours‖ / ‖that mean‖, or null without such neighbours. */
function localDrift(world: SimWorld, eid: number, local: Float64Array): number | null {
  const { Membership, Role, Consensus } = world.components;
  const { offsets, neighbours } = world.hood;
  const { model } = Consensus;
  local.fill(0);
  let count = 0;
  for (let s = offsets[eid - 1]!; s < offsets[eid]!; s++) {
    const j = neighbours[s]! + 1;
    if (Role.kind[j] !== ROLE_HONEST || Membership.state[j] !== MEMBER_PRESENT) continue;
    for (let k = 0; k < MODEL_DIM; k++) local[k]! += model[MODEL_DIM * j + k]! / 65536;
    count++;
  }
  if (count === 0) return null;
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < MODEL_DIM; k++) {
    const b = local[k]! / count;
    diff += (model[MODEL_DIM * eid + k]! / 65536 - b) ** 2;
    norm += b * b;
  }
  return Math.sqrt(diff) / Math.max(1e-12, Math.sqrt(norm));
}

export function joinReport(world: SimWorld): JoinReport {
  const c = world.counters;
  const { Membership, Role } = world.components;
  // Each synced joiner against the mean model of its present honest neighbours: "in consensus" is local. The
  // same measure over the original honest nodes is the baseline: how far any member sits from its neighbourhood.
  const local = new Float64Array(MODEL_DIM);
  const meanDrift = (from: number, to: number, honestOnly: boolean) => {
    let sum = 0;
    let n = 0;
    for (let eid = from; eid <= to; eid++) {
      if (Membership.state[eid] !== MEMBER_PRESENT || (honestOnly && Role.kind[eid] !== ROLE_HONEST)) continue;
      const d = localDrift(world, eid, local);
      if (d === null) continue;
      sum += d;
      n++;
    }
    return n > 0 ? Math.round((sum / n) * 100000) / 100000 : 0;
  };
  const drift = meanDrift(world.config.nodes + 1, world.n, false);
  const memberDrift = meanDrift(1, world.config.nodes, true);
  const times = c.joinSyncS;
  return {
    nodes: world.config.join,
    synced: c.joinsSynced,
    meanSyncS: times.length ? Math.round((times.reduce((x, y) => x + y, 0) / times.length) * 1000) / 1000 : 0,
    maxSyncS: times.length ? Math.max(...times) : 0,
    bytes: c.joinBytes,
    replayBytes: c.joinReplayBytes,
    saved: c.joinReplayBytes > 0 ? Math.round((1 - c.joinBytes / c.joinReplayBytes) * 10000) / 10000 : 0,
    drift,
    memberDrift,
  };
}
