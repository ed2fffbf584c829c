import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EnergyInputError, phyAirtime } from '../../../src/core/energy/airtime';
import {
  ActivityOverflowError,
  BATTERY_2AA,
  batteryBudget,
  batteryJoules,
  batteryLife,
  energyOf,
  perDay,
  type Activity,
} from '../../../src/core/energy/energy';
import { PROFILES, radioProfile } from '../../../src/core/energy/profiles';

const sf7 = radioProfile('lora-sf7');
const idle: Activity = { seconds: 60, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, listenSeconds: 0 };

describe('energyOf', () => {
  it('one 10-byte LoRa SF7 frame in a second, receiver off: TX for its airtime, sleep the rest, the MCU throughout', () => {
    const e = energyOf(sf7, { ...idle, seconds: 1, txFrames: 1, txBytes: 10 });
    const air = 0.041216;
    expect(e.txS).toBeCloseTo(air, 12);
    expect(e.sleepS).toBeCloseTo(1 - air, 12);
    expect(e.joules.tx).toBeCloseTo(air * 0.087 * 3.3, 12);
    expect(e.joules.sleep).toBeCloseTo((1 - air) * 0.0000002 * 3.3, 15);
    expect(e.joules.mcu).toBeCloseTo(0.000002 * 3.3, 15);
    expect(e.joules.listen).toBe(0);
    expect(e.meanMw).toBeCloseTo(e.totalJ * 1000, 12);
  });
  it("'always' listening: the receiver is on whenever the radio does not transmit; receptions are carved out of it", () => {
    const e = energyOf(sf7, { seconds: 10, txFrames: 2, txBytes: 20, rxFrames: 3, rxBytes: 30, listenSeconds: 'always' });
    const air = phyAirtime(sf7.phy, 10);
    expect(e.txS).toBeCloseTo(2 * air, 12);
    expect(e.rxS).toBeCloseTo(3 * air, 12);
    expect(e.listenS).toBeCloseTo(10 - 5 * air, 12);
    expect(e.sleepS).toBe(0);
    // A LoRa receiver draws 10.8 mA at 3.3 V listening or receiving: 35.64 mW.
    expect(e.joules.rx + e.joules.listen).toBeCloseTo((10 - 2 * air) * 0.0108 * 3.3, 12);
  });
  it('conserves energy: the parts sum to the total, the states to the period, none is negative (any profile, any fitting activity)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROFILES),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.nat(50),
        fc.nat(50),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (p, seconds, tx, rx, share, always) => {
          const len = Math.min(20, p.phy.maxPayloadBytes);
          const txS = tx * phyAirtime(p.phy, len);
          const rxS = rx * phyAirtime(p.phy, len);
          if (txS + rxS > seconds) return;
          const listen = rxS + share * (seconds - txS - rxS);
          const e = energyOf(p, { seconds, txFrames: tx, txBytes: tx * len, rxFrames: rx, rxBytes: rx * len, listenSeconds: always ? 'always' : listen });
          const j = e.joules;
          expect(j.tx + j.rx + j.listen + j.sleep + j.mcu).toBeCloseTo(e.totalJ, 6);
          expect(e.txS + e.rxS + e.listenS + e.sleepS).toBeCloseTo(seconds, 6);
          for (const v of [j.tx, j.rx, j.listen, j.sleep, j.mcu, e.sleepS, e.listenS]) expect(v).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
  it('an activity longer than its period is a typed error, never a negative sleep', () => {
    // 100 SF12 frames of 51 B take 246.6 s.
    expect(() => energyOf(radioProfile('lora-sf12'), { ...idle, seconds: 60, txFrames: 100, txBytes: 5100 })).toThrow(ActivityOverflowError);
    expect(() => energyOf(sf7, { ...idle, txFrames: 1, txBytes: 10, listenSeconds: 60 })).toThrow(ActivityOverflowError);
    // Receiving 2 s of frames with the receiver on for 1 s.
    expect(() => energyOf(radioProfile('lora-sf12'), { ...idle, rxFrames: 2, rxBytes: 20, listenSeconds: 1 })).toThrow(ActivityOverflowError);
    expect(new ActivityOverflowError('x')).toBeInstanceOf(EnergyInputError);
  });
  it("an over-subscribed channel with 'always' listening fills the receiver's time, is flagged, and costs the same", () => {
    // 100 SF12 frames of 51 B heard in 60 s need 246.6 s of reception: the receiver is busy all 60 s.
    const sf12 = radioProfile('lora-sf12');
    const e = energyOf(sf12, { ...idle, rxFrames: 100, rxBytes: 5100, listenSeconds: 'always' });
    expect(e.saturated).toBe(true);
    expect(e.heardS).toBeCloseTo(100 * 2.465792, 9);
    expect(e.rxS).toBeCloseTo(60, 9);
    expect(e.listenS).toBe(0);
    const quiet = energyOf(sf12, { ...idle, listenSeconds: 'always' });
    expect(quiet.saturated).toBe(false);
    expect(e.totalJ).toBeCloseTo(quiet.totalJ, 9); // LoRa receives and listens at the same 10.8 mA
  });
  it('bad numbers are typed errors', () => {
    expect(() => energyOf(sf7, { ...idle, seconds: 0 })).toThrow(EnergyInputError);
    expect(() => energyOf(sf7, { ...idle, seconds: Number.NaN })).toThrow(EnergyInputError);
    expect(() => energyOf(sf7, { ...idle, txFrames: -1 })).toThrow(EnergyInputError);
    expect(() => energyOf(sf7, { ...idle, rxBytes: 0.5 })).toThrow(EnergyInputError);
    expect(() => energyOf(sf7, { ...idle, listenSeconds: -1 })).toThrow(EnergyInputError);
  });
  it('perDay keeps the mean power and scales time and joules to 86,400 s', () => {
    const e = energyOf(sf7, { seconds: 600, txFrames: 5, txBytes: 200, rxFrames: 40, rxBytes: 1600, listenSeconds: 'always' });
    const d = perDay(e);
    expect(d.seconds).toBe(86_400);
    expect(d.totalJ).toBeCloseTo(e.totalJ * 144, 9);
    expect(d.joules.tx).toBeCloseTo(e.joules.tx * 144, 9);
    expect(d.meanMw).toBe(e.meanMw);
    expect(d.txS + d.rxS + d.listenS + d.sleepS).toBeCloseTo(86_400, 6);
  });
});

describe('battery life', () => {
  it('2 × AA alkaline: 2 × 2.5 Ah × 1.25 V × 3600 × 80 % = 18,000 J usable', () => {
    expect(batteryJoules(BATTERY_2AA)).toBeCloseTo(18_000, 9);
  });
  it('self-discharge alone (2 %/year) bounds it at 50 years; a drain of the whole battery a year gives 18,000 / 18,360 years', () => {
    expect(batteryLife(0).years).toBeCloseTo(50, 9);
    expect(batteryLife(18_000 / 365.25).years).toBeCloseTo(18_000 / 18_360, 9);
    expect(batteryLife(18_000 / 365.25).days).toBeCloseTo((18_000 / 18_360) * 365.25, 6);
  });
  it('always listening on LoRa lasts days, not years (35.6 mW of receiver)', () => {
    const day = perDay(energyOf(sf7, { ...idle, seconds: 86_400, listenSeconds: 'always' }));
    expect(day.totalJ).toBeCloseTo(86_400 * (0.0108 + 0.000002) * 3.3, 6);
    expect(batteryLife(day.totalJ).days).toBeLessThan(10);
  });
  it('the budget for a target life is the inverse: 5 years on 2 × AA allow (18,000 / 5 − 360) / 365.25 = 8.87 J a day', () => {
    expect(batteryBudget(5)).toBeCloseTo(3240 / 365.25, 9);
    for (const years of [0.5, 1, 5, 20]) expect(batteryLife(batteryBudget(years)).years).toBeCloseTo(years, 9);
    expect(batteryBudget(60)).toBe(0); // self-discharge alone ends it at 50 years
    expect(() => batteryBudget(0)).toThrow(EnergyInputError);
  });
  it('bad input is a typed error', () => {
    expect(() => batteryLife(-1)).toThrow(EnergyInputError);
    expect(() => batteryLife(Number.POSITIVE_INFINITY)).toThrow(EnergyInputError);
    expect(() => batteryLife(1, { ...BATTERY_2AA, usableFraction: 1.5 })).toThrow(EnergyInputError);
    expect(() => batteryLife(0, { ...BATTERY_2AA, selfDischargePerYear: 0 })).toThrow(EnergyInputError);
  });
});
