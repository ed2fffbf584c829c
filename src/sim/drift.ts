// consensusDrift = ‖honest mean − clean consensus‖ / ‖clean consensus‖, where the clean consensus is the same
// seed run without attackers, averaged over the same nodes (the attacked run's honest ones). A report figure,
// computed in floats; it decides nothing.
import { ROLE_HONEST } from '../../components/body';
import { MODEL_DIM } from '../../components/consensus';
import type { Sim } from './runner';

/** The mean consensus model (signal units) over the nodes `include` admits. */
export function meanModel(sim: Sim, include: (eid: number) => boolean): Float64Array {
  const { model } = sim.world.components.Consensus;
  const out = new Float64Array(MODEL_DIM);
  let count = 0;
  for (let eid = 1; eid <= sim.world.n; eid++) {
    if (!include(eid)) continue;
    for (let k = 0; k < MODEL_DIM; k++) out[k]! += model[MODEL_DIM * eid + k]! / 65536;
    count++;
  }
  for (let k = 0; k < MODEL_DIM; k++) out[k]! /= Math.max(1, count);
  return out;
}

export function consensusDrift(attacked: Sim, clean: Sim): number {
  if (attacked.world.n !== clean.world.n) throw new RangeError('consensusDrift: the two runs have different node counts');
  const role = attacked.world.components.Role.kind;
  const honest = (eid: number) => role[eid] === ROLE_HONEST;
  return relativeDistance(meanModel(attacked, honest), meanModel(clean, honest));
}

/** ‖a − c‖ / ‖c‖. */
export function relativeDistance(a: Float64Array, c: Float64Array): number {
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < MODEL_DIM; k++) {
    diff += (a[k]! - c[k]!) ** 2;
    norm += c[k]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(1e-12, Math.sqrt(norm));
}
