// The energy a node's radio spends over a period, from what it did: frames and bytes sent and received and the
// seconds its receiver was on. Joules split into TX, RX, listen, sleep (the radio's) and MCU (the rest of the node
// asleep, the whole period); battery life on a stated battery. Reported, never decides state (floats are fine).
import { EnergyInputError, framesAirtime } from './airtime';
import type { RadioProfile } from './profiles';

export const SECONDS_PER_DAY = 86_400;
const DAYS_PER_YEAR = 365.25;

export interface Activity {
  /** Length of the period, seconds (> 0). */
  seconds: number;
  txFrames: number;
  /** Payload bytes of those frames (each frame's bytes as the PHY carries them). */
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  /**
   * Seconds the receiver was on (listening or receiving): receptions happen inside it. 'always' = the receiver is
   * on whenever the radio is not transmitting (no listen schedule); then frames heard that would need more than that
   * time (an over-subscribed channel: the simulator does not model collisions) fill it, and `saturated` says so.
   */
  listenSeconds: number | 'always';
}

export interface EnergyBreakdown {
  seconds: number;
  /** Seconds in each radio state; they sum to `seconds`. */
  txS: number;
  rxS: number;
  listenS: number;
  sleepS: number;
  /** Airtime of every frame heard; more than rxS only when saturated. */
  heardS: number;
  /** The frames heard need more than all the time the receiver is on ('always' listening only). */
  saturated: boolean;
  joules: { tx: number; rx: number; listen: number; sleep: number; mcu: number };
  totalJ: number;
  /** Mean power over the period, milliwatts. */
  meanMw: number;
}

/** The activity does not fit its period (or receives while the receiver is off). */
export class ActivityOverflowError extends EnergyInputError {
  override readonly name = 'ActivityOverflowError';
}

const count = (name: string, v: number): void => {
  if (!Number.isInteger(v) || v < 0) throw new EnergyInputError(`${name} must be a whole number ≥ 0, got ${v}`);
};

/** Joules by part over the activity's period. */
export function energyOf(profile: RadioProfile, activity: Activity): EnergyBreakdown {
  const { seconds } = activity;
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new EnergyInputError(`the period must be > 0 s, got ${seconds}`);
  count('txFrames', activity.txFrames);
  count('txBytes', activity.txBytes);
  count('rxFrames', activity.rxFrames);
  count('rxBytes', activity.rxBytes);
  const txS = framesAirtime(profile.phy, activity.txFrames, activity.txBytes);
  const rxS = framesAirtime(profile.phy, activity.rxFrames, activity.rxBytes);
  if (txS > seconds) throw new ActivityOverflowError(`${txS.toFixed(3)} s of transmission does not fit a period of ${seconds} s`);
  let on: number;
  if (activity.listenSeconds === 'always') on = seconds - txS;
  else {
    on = activity.listenSeconds;
    if (!(Number.isFinite(on) && on >= 0)) throw new EnergyInputError(`listenSeconds must be ≥ 0 or 'always', got ${on}`);
  }
  // A microsecond of slack for float rounding; anything beyond is a real overflow.
  const eps = 1e-6;
  const saturated = rxS > on + eps;
  if (saturated && activity.listenSeconds !== 'always') {
    throw new ActivityOverflowError(`${rxS.toFixed(3)} s of reception does not fit ${on.toFixed(3)} s with the receiver on`);
  }
  const rest = seconds - txS - on;
  if (rest < -eps)
    throw new ActivityOverflowError(`${txS.toFixed(3)} s of transmission + ${on.toFixed(3)} s with the receiver on exceed the period of ${seconds} s`);
  const rx = Math.min(rxS, on);
  const listenS = on - rx;
  const sleepS = Math.max(0, rest);
  const w = (ma: number) => (ma / 1000) * profile.supplyV;
  const joules = {
    tx: txS * w(profile.txMa),
    rx: rx * w(profile.rxMa),
    listen: listenS * w(profile.listenMa),
    sleep: sleepS * w(profile.sleepMa),
    mcu: seconds * w(profile.mcuSleepMa),
  };
  const totalJ = joules.tx + joules.rx + joules.listen + joules.sleep + joules.mcu;
  return { seconds, txS, rxS: rx, listenS, sleepS, heardS: rxS, saturated, joules, totalJ, meanMw: (totalJ / seconds) * 1000 };
}

/** The breakdown scaled to one day (same mean power; seconds and joules × 86,400 / period). */
export function perDay(b: EnergyBreakdown): EnergyBreakdown {
  const k = SECONDS_PER_DAY / b.seconds;
  const j = b.joules;
  return {
    seconds: SECONDS_PER_DAY,
    txS: b.txS * k,
    rxS: b.rxS * k,
    listenS: b.listenS * k,
    sleepS: b.sleepS * k,
    heardS: b.heardS * k,
    saturated: b.saturated,
    joules: { tx: j.tx * k, rx: j.rx * k, listen: j.listen * k, sleep: j.sleep * k, mcu: j.mcu * k },
    totalJ: b.totalJ * k,
    meanMw: b.meanMw,
  };
}

export interface Battery {
  name: string;
  cells: number;
  /** Capacity of one cell, mAh, at the low drains a sleeping node draws. */
  capacityMah: number;
  /** Mean cell voltage over the discharge, V. */
  cellV: number;
  /** Share of the stored energy the node can use: end-of-life cut-off and regulator losses. */
  usableFraction: number;
  /** Share of the initial capacity lost per year on the shelf (self-discharge). */
  selfDischargePerYear: number;
}

/** 2 × AA alkaline in series: 2,500 mAh a cell at low drain, 1.25 V mean cell voltage, 80 % usable (the radios stop
 *  at 1.8 V, 0.9 V a cell, and a regulator loses some), 2 % of the capacity lost per year to self-discharge. These
 *  are assumptions, stated in docs/ENERGY.md. */
export const BATTERY_2AA: Battery = {
  name: '2 × AA alkaline',
  cells: 2,
  capacityMah: 2500,
  cellV: 1.25,
  usableFraction: 0.8,
  selfDischargePerYear: 0.02,
};

/** Usable joules of a battery when new. */
export function batteryJoules(b: Battery): number {
  if (!(b.cells > 0 && b.capacityMah > 0 && b.cellV > 0 && b.usableFraction > 0 && b.usableFraction <= 1 && b.selfDischargePerYear >= 0)) {
    throw new EnergyInputError(`battery ${JSON.stringify(b.name)} has a field out of range`);
  }
  return b.cells * (b.capacityMah / 1000) * 3600 * b.cellV * b.usableFraction;
}

export interface BatteryLife {
  battery: string;
  usableJ: number;
  days: number;
  years: number;
}

/** The joules a day a node may spend for the battery to last `years` (the inverse of batteryLife): E / t − s·E a
 *  year. 0 when self-discharge alone empties it sooner. */
export function batteryBudget(years: number, battery: Battery = BATTERY_2AA): number {
  if (!(Number.isFinite(years) && years > 0)) throw new EnergyInputError(`years must be > 0, got ${years}`);
  const usableJ = batteryJoules(battery);
  return Math.max(0, (usableJ / years - battery.selfDischargePerYear * usableJ) / DAYS_PER_YEAR);
}

/**
 * How long a battery lasts at `joulesPerDay`, self-discharge included: the usable energy E falls by s·E a year on
 * its own, so the node runs out at t = E / (P + s·E) with P its joules a year.
 */
export function batteryLife(joulesPerDay: number, battery: Battery = BATTERY_2AA): BatteryLife {
  if (!(Number.isFinite(joulesPerDay) && joulesPerDay >= 0)) throw new EnergyInputError(`joules per day must be ≥ 0, got ${joulesPerDay}`);
  const usableJ = batteryJoules(battery);
  const perYear = joulesPerDay * DAYS_PER_YEAR + battery.selfDischargePerYear * usableJ;
  if (perYear === 0) throw new EnergyInputError('a node that draws nothing from a battery that never self-discharges lasts forever');
  const years = usableJ / perYear;
  return { battery: battery.name, usableJ, days: years * DAYS_PER_YEAR, years };
}
