import { describe, expect, it } from 'vitest';
import { EnergyInputError } from '../../../src/core/energy/airtime';
import { PROFILES, RADIO_NAMES, radioProfile } from '../../../src/core/energy/profiles';

describe('radio profiles', () => {
  it('names LoRa SF7 and SF12 at 125 kHz, IEEE 802.15.4, BLE and Wi-Fi with target wake time, once each', () => {
    expect(RADIO_NAMES).toEqual(['lora-sf7', 'lora-sf12', 'ieee802154', 'ble', 'wifi-twt']);
    expect(new Set(RADIO_NAMES).size).toBe(PROFILES.length);
    for (const name of RADIO_NAMES) expect(radioProfile(name).name).toBe(name);
  });
  it('every figure is a finite, physical current at a stated supply, and TX and RX cost more than sleep', () => {
    for (const p of PROFILES) {
      expect(p.supplyV, p.name).toBeGreaterThanOrEqual(1.8);
      expect(p.supplyV, p.name).toBeLessThanOrEqual(3.6);
      for (const ma of [p.txMa, p.rxMa, p.listenMa]) expect(ma, p.name).toBeGreaterThan(0.1);
      for (const ma of [p.sleepMa, p.mcuSleepMa]) {
        expect(ma, p.name).toBeGreaterThanOrEqual(0);
        expect(ma, p.name).toBeLessThan(1);
      }
      expect(p.listenMa, p.name).toBeLessThanOrEqual(p.rxMa);
      expect(p.txMa, p.name).toBeGreaterThan(p.sleepMa + p.mcuSleepMa);
      expect(p.rxMa, p.name).toBeGreaterThan(p.sleepMa + p.mcuSleepMa);
      expect(p.phy.maxPayloadBytes, p.name).toBeGreaterThan(0);
    }
  });
  it('every figure names its source', () => {
    for (const p of PROFILES) {
      for (const key of ['tx', 'rx', 'listen', 'sleep', 'mcu', 'phy'] as const) expect(p.sources[key].length, `${p.name}.${key}`).toBeGreaterThan(20);
      expect(JSON.stringify(p.sources)).not.toContain('../shared');
    }
  });
  it('the LoRa profiles are SF7 and SF12 at 125 kHz, CR 4/5, 8-symbol preamble, explicit header, CRC on', () => {
    for (const [name, sf] of [
      ['lora-sf7', 7],
      ['lora-sf12', 12],
    ] as const) {
      const phy = radioProfile(name).phy;
      expect(phy).toMatchObject({ kind: 'lora', sf, bandwidthHz: 125_000, codingRate: 1, preambleSymbols: 8, explicitHeader: true, crc: true });
    }
  });
  it('a bad name is a typed error that lists the valid names', () => {
    expect(() => radioProfile('lora-sf9')).toThrow(EnergyInputError);
    expect(() => radioProfile('lora-sf9')).toThrow(/valid: lora-sf7, lora-sf12, ieee802154, ble, wifi-twt/);
  });
});
