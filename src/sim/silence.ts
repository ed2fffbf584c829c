// What the silent swarm's radios did in a run (src/core/rules/silence.ts): per-node listen time for the energy
// report, and the energy-mode census for metrics. Outside the tick; decides nothing.
import { ROLE_HONEST } from '../../components/body';
import { MEMBER_PRESENT } from '../../components/membership';
import { MODE_ACTIVE, MODE_ALERT, MODE_DEEP } from '../core/rules/silence';
import type { SimWorld } from './world';

/** Seconds each node's radio listened so far, by entity id (chatty runs: every tick). */
export function listenSeconds(world: SimWorld): Float64Array {
  const out = new Float64Array(world.n + 1);
  const ticks = world.counters.listenTicks;
  const tickS = world.config.tickMs / 1000;
  for (let eid = 1; eid <= world.n; eid++) out[eid] = (ticks === null || world.config.chatty ? world.tick : ticks[eid]!) * tickS;
  return out;
}

export function radioReport(world: SimWorld): { listenShare: number; modes: { active: number; alert: number; deep: number }; asleep: number } {
  const { Role, Membership, Energy } = world.components;
  const seconds = listenSeconds(world);
  const elapsed = (world.tick * world.config.tickMs) / 1000;
  let sum = 0;
  const modes = { active: 0, alert: 0, deep: 0 };
  for (let eid = 1; eid <= world.n; eid++) {
    sum += seconds[eid]!;
    if (Role.kind[eid] !== ROLE_HONEST || Membership.state[eid] !== MEMBER_PRESENT) continue;
    const mode = world.config.chatty ? MODE_ACTIVE : Energy.mode[eid];
    if (mode === MODE_ACTIVE) modes.active++;
    else if (mode === MODE_ALERT) modes.alert++;
    else if (mode === MODE_DEEP) modes.deep++;
  }
  const listenShare = elapsed > 0 ? Math.round((sum / (world.n * elapsed)) * 1e6) / 1e6 : 0;
  return { listenShare, modes, asleep: world.link.counters.asleep };
}
