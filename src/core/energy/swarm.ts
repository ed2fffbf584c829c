// The energy of every node of a swarm from per-node radio counters (the simulator's link model keeps them, a daemon
// keeps its own), summarised per node per day: the mean node's split, the cheapest and the dearest node, and the
// battery life of the mean and of the dearest node.
import { type Battery, BATTERY_2AA, batteryBudget, batteryLife, type EnergyBreakdown, energyOf, perDay } from './energy';
import type { RadioProfile } from './profiles';

/** Per-node counters, indexed by node (the simulator indexes by entity id, 1..n). */
export interface NodeRadioCounts {
  txFrames: ArrayLike<number>;
  txBytes: ArrayLike<number>;
  rxFrames: ArrayLike<number>;
  rxBytes: ArrayLike<number>;
}

export interface SwarmEnergyInput {
  /** Length of the period the counters cover, seconds. */
  seconds: number;
  counts: NodeRadioCounts;
  /** The indices of the nodes to report (into the counters). */
  nodes: readonly number[];
  /** Seconds each node's receiver was on (its listen schedule), indexed like the counters; absent = always on. */
  listenSeconds?: ArrayLike<number>;
  battery?: Battery;
}

const round = (x: number, digits: number): number => {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
};

export interface DayFigures {
  txJ: number;
  rxJ: number;
  listenJ: number;
  sleepJ: number;
  mcuJ: number;
  totalJ: number;
  meanMw: number;
  /** Seconds a day in each radio state. */
  txS: number;
  rxS: number;
  listenS: number;
  sleepS: number;
}

/** A day's breakdown rounded for a report (joules to the mJ, seconds to 1 ms or 0.1 s). */
export const dayFigures = (d: EnergyBreakdown): DayFigures => ({
  txJ: round(d.joules.tx, 3),
  rxJ: round(d.joules.rx, 3),
  listenJ: round(d.joules.listen, 3),
  sleepJ: round(d.joules.sleep, 3),
  mcuJ: round(d.joules.mcu, 3),
  totalJ: round(d.totalJ, 3),
  meanMw: round(d.meanMw, 4),
  txS: round(d.txS, 3),
  rxS: round(d.rxS, 3),
  listenS: round(d.listenS, 1),
  sleepS: round(d.sleepS, 1),
});

export interface SwarmEnergyReport {
  radio: string;
  title: string;
  supplyV: number;
  /** 'always': no listen schedule, every receiver on whenever it is not transmitting. */
  listening: 'always' | 'scheduled';
  nodes: number;
  /** The mean node, per day. */
  perNodePerDay: DayFigures;
  /** The cheapest and the dearest node, per day. */
  minNode: { node: number; totalJ: number; meanMw: number };
  maxNode: { node: number; totalJ: number; meanMw: number };
  /** Share of the time the busiest node transmits (regional rules cap it, e.g. 1 % in most EU868 sub-bands). */
  txDutyCycle: { mean: number; max: number };
  /** Airtime of the frames a node hears over the time its receiver is on (above 1: more than the channel can carry
   *  on this radio), and how many nodes are above 1 (their receivers are counted on all the time). */
  channelLoad: { mean: number; max: number; saturatedNodes: number };
  /** Battery life of the mean and of the dearest node, and the joules a day a node may spend to last 5 years. */
  battery: {
    name: string;
    usableJ: number;
    meanNodeYears: number;
    worstNodeYears: number;
    meanNodeDays: number;
    worstNodeDays: number;
    budgetJPerDayFor5Years: number;
  };
}

export function swarmEnergy(profile: RadioProfile, input: SwarmEnergyInput): SwarmEnergyReport {
  const { seconds, counts, nodes, listenSeconds } = input;
  const battery = input.battery ?? BATTERY_2AA;
  const sum = { tx: 0, rx: 0, listen: 0, sleep: 0, mcu: 0, txS: 0, rxS: 0, listenS: 0, sleepS: 0 };
  let min = { node: -1, totalJ: Number.POSITIVE_INFINITY, meanMw: 0 };
  let max = { node: -1, totalJ: Number.NEGATIVE_INFINITY, meanMw: 0 };
  let dutyMax = 0;
  let loadSum = 0;
  let loadMax = 0;
  let saturatedNodes = 0;
  for (const i of nodes) {
    const d = perDay(
      energyOf(profile, {
        seconds,
        txFrames: counts.txFrames[i] ?? 0,
        txBytes: counts.txBytes[i] ?? 0,
        rxFrames: counts.rxFrames[i] ?? 0,
        rxBytes: counts.rxBytes[i] ?? 0,
        listenSeconds: listenSeconds ? (listenSeconds[i] ?? 0) : 'always',
      }),
    );
    sum.tx += d.joules.tx;
    sum.rx += d.joules.rx;
    sum.listen += d.joules.listen;
    sum.sleep += d.joules.sleep;
    sum.mcu += d.joules.mcu;
    sum.txS += d.txS;
    sum.rxS += d.rxS;
    sum.listenS += d.listenS;
    sum.sleepS += d.sleepS;
    if (d.totalJ < min.totalJ) min = { node: i, totalJ: d.totalJ, meanMw: d.meanMw };
    if (d.totalJ > max.totalJ) max = { node: i, totalJ: d.totalJ, meanMw: d.meanMw };
    dutyMax = Math.max(dutyMax, d.txS / d.seconds);
    const on = d.rxS + d.listenS;
    const load = on > 0 ? d.heardS / on : d.heardS > 0 ? Number.POSITIVE_INFINITY : 0;
    loadSum += load;
    loadMax = Math.max(loadMax, load);
    if (d.saturated) saturatedNodes++;
  }
  const n = Math.max(1, nodes.length);
  const totalJ = (sum.tx + sum.rx + sum.listen + sum.sleep + sum.mcu) / n;
  const mean: EnergyBreakdown = {
    seconds: 86_400,
    txS: sum.txS / n,
    rxS: sum.rxS / n,
    listenS: sum.listenS / n,
    sleepS: sum.sleepS / n,
    heardS: 0,
    saturated: saturatedNodes > 0,
    joules: { tx: sum.tx / n, rx: sum.rx / n, listen: sum.listen / n, sleep: sum.sleep / n, mcu: sum.mcu / n },
    totalJ,
    meanMw: (totalJ / 86_400) * 1000,
  };
  const life = batteryLife(totalJ, battery);
  const worst = nodes.length > 0 ? batteryLife(max.totalJ, battery) : life;
  const node = (x: { node: number; totalJ: number; meanMw: number }) => ({ node: x.node, totalJ: round(x.totalJ, 3), meanMw: round(x.meanMw, 4) });
  return {
    radio: profile.name,
    title: profile.title,
    supplyV: profile.supplyV,
    listening: listenSeconds ? 'scheduled' : 'always',
    nodes: nodes.length,
    perNodePerDay: dayFigures(mean),
    minNode: nodes.length > 0 ? node(min) : { node: -1, totalJ: 0, meanMw: 0 },
    maxNode: nodes.length > 0 ? node(max) : { node: -1, totalJ: 0, meanMw: 0 },
    txDutyCycle: { mean: round(mean.txS / 86_400, 6), max: round(dutyMax, 6) },
    channelLoad: { mean: round(loadSum / n, 4), max: round(loadMax, 4), saturatedNodes },
    battery: {
      name: life.battery,
      usableJ: round(life.usableJ, 1),
      meanNodeYears: round(life.years, 3),
      worstNodeYears: round(worst.years, 3),
      meanNodeDays: round(life.days, 1),
      worstNodeDays: round(worst.days, 1),
      budgetJPerDayFor5Years: round(batteryBudget(5, battery), 3),
    },
  };
}
