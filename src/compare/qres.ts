// The QRES row of `qres compare`: the real simulator (createSim) as it is, on the same setting and scenario as
// the baselines. The per-second RMSE is read from the simulator's own counters (the honest nodes' cortex errors,
// the figure `qres sim` reports), stepping one second at a time. A radio outage is injected from outside the tick
// by wrapping the world's link model: while the victim is down, nothing it sends goes on air and nothing reaches
// it. The rulebook and the systems are untouched.
import { ROLE_HONEST } from '../../components/body';
import { createSim, type Sim } from '../sim/runner';
import { cutVertex, MODEL_DIM, simConfigOf, ticksOf, type RunResult, type Scenario, type Setting } from './harness';

function injectOutage(sim: Sim, victim: number, fromTick: number, toTick: number): void {
  const link = sim.world.link;
  const send = link.send.bind(link);
  const deliver = link.deliver.bind(link);
  const down = (eid: number, tick: number) => eid === victim && tick >= fromTick && tick < toTick;
  link.send = (tx, from, to, id, message, tick) => (down(from, tick) ? false : send(tx, from, to, id, message, tick));
  link.deliver = (tick, sink, listens) =>
    deliver(
      tick,
      (receiver, sender, message, messageId) => {
        if (!down(receiver, tick)) sink(receiver, sender, message, messageId);
      },
      listens,
    );
}

export function runQres(setting: Setting, scenario: Scenario): RunResult {
  const config = simConfigOf(setting, scenario);
  const sim = createSim(config);
  const ticks = ticksOf(setting, config);
  let victim: number | undefined;
  if (scenario.failAtS !== undefined) {
    victim = cutVertex(sim.world.hood).eid;
    const from = Math.round((scenario.failAtS * 1000) / config.tickMs);
    injectOutage(sim, victim, from, from + Math.round(((scenario.failForS ?? 60) * 1000) / config.tickMs));
  }
  const perSecond = Math.max(1, Math.round(1000 / config.tickMs));
  const c = sim.world.counters;
  const rmsePerSecond: number[] = [];
  let sq = c.sqErrCalm + c.sqErrStorm;
  let count = c.nCalm + c.nStorm;
  for (let done = 0; done < ticks; ) {
    const step = Math.min(perSecond, ticks - done);
    sim.step(step);
    done += step;
    const sq2 = c.sqErrCalm + c.sqErrStorm;
    const n2 = c.nCalm + c.nStorm;
    if (step === perSecond) rmsePerSecond.push(n2 > count ? Math.sqrt((sq2 - sq) / (n2 - count)) : 0);
    sq = sq2;
    count = n2;
  }
  const m = sim.metrics();
  const { model } = sim.world.components.Consensus;
  const role = sim.world.components.Role.kind;
  const mean = new Array<number>(MODEL_DIM).fill(0);
  let honest = 0;
  for (let eid = 1; eid <= sim.world.n; eid++) {
    if (role[eid] !== ROLE_HONEST) continue;
    for (let k = 0; k < MODEL_DIM; k++) mean[k]! += model[MODEL_DIM * eid + k]! / 65536;
    honest++;
  }
  const link = sim.world.link.counters;
  return {
    rmsePerSecond,
    rmse: count ? Math.sqrt(sq / count) : 0,
    framesSent: link.framesSent,
    bytesSent: link.bytesSent,
    framesLost: link.lost,
    framesDropped: link.dropped + link.expired,
    framesDelivered: link.delivered,
    bytesPerNodePerDay: m.bytesPerNodePerDay,
    honestMean: mean.map((v) => v / Math.max(1, honest)),
    failed: victim,
    messageSizes: new Map(),
  };
}
