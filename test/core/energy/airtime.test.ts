import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EnergyInputError, framesAirtime, loraPayloadSymbols, phyAirtime, type LoraPhy } from '../../../src/core/energy/airtime';
import { radioProfile } from '../../../src/core/energy/profiles';

const sf7 = radioProfile('lora-sf7').phy as LoraPhy;
const sf12 = radioProfile('lora-sf12').phy as LoraPhy;

describe('LoRa airtime (SX1276 datasheet §4.1.1.7), pinned against hand computation', () => {
  it('SF7/125 kHz, CR 4/5, 8-symbol preamble, explicit header, CRC on, 10-byte payload: 41.216 ms', () => {
    // Tsym = 2^7 / 125 000 = 1.024 ms; preamble (8 + 4.25) · 1.024 = 12.544 ms.
    // 8·10 − 4·7 + 28 + 16·1 − 20·0 = 96; 96 / (4·7) = 3.43 → 4; 4 · (1 + 4) = 20; 8 + 20 = 28 symbols = 28.672 ms.
    expect(loraPayloadSymbols(sf7, 10)).toBe(28);
    expect(phyAirtime(sf7, 10)).toBeCloseTo(0.041216, 12);
  });
  it('SF12 with low-data-rate optimisation, same frame: 991.232 ms', () => {
    // Tsym = 4096 / 125 000 = 32.768 ms; preamble 12.25 · 32.768 = 401.408 ms.
    // 80 − 48 + 28 + 16 = 76; 76 / (4·(12 − 2)) = 1.9 → 2; 2 · 5 = 10; 18 symbols = 589.824 ms.
    expect(sf12.lowDataRateOptimize).toBe(true);
    expect(sf7.lowDataRateOptimize).toBe(false);
    expect(loraPayloadSymbols(sf12, 10)).toBe(18);
    expect(phyAirtime(sf12, 10)).toBeCloseTo(0.991232, 12);
  });
  it('a full 51-byte frame (the sim default MTU) and an empty one', () => {
    // SF7: 408 − 28 + 28 + 16 = 424; /28 = 15.1 → 16; 80 + 8 = 88 symbols; (12.25 + 88) · 1.024 = 102.656 ms.
    expect(phyAirtime(sf7, 51)).toBeCloseTo(0.102656, 12);
    // SF12: 408 − 48 + 28 + 16 = 404; /40 = 10.1 → 11; 55 + 8 = 63; (12.25 + 63) · 32.768 = 2465.792 ms.
    expect(phyAirtime(sf12, 51)).toBeCloseTo(2.465792, 12);
    // SF7, 0 bytes: 0 − 28 + 28 + 16 = 16; /28 → 1; 5 + 8 = 13; 25.25 · 1.024 = 25.856 ms.
    expect(phyAirtime(sf7, 0)).toBeCloseTo(0.025856, 12);
  });
  it('the max(…, 0) clamp: implicit header, no CRC, empty payload at SF12 is the 8 bare symbols', () => {
    // 0 − 48 + 28 + 0 − 20 = −40; ceil(−40/40) · 5 = −5 → 0; 8 symbols.
    const bare: LoraPhy = { ...sf12, explicitHeader: false, crc: false };
    expect(loraPayloadSymbols(bare, 0)).toBe(8);
    expect(phyAirtime(bare, 0)).toBeCloseTo((8 + 4.25 + 8) * 0.032768, 12);
  });
  it('grows with the payload, never shrinks (every profile)', () => {
    for (const name of ['lora-sf7', 'lora-sf12', 'ieee802154', 'ble', 'wifi-twt']) {
      const phy = radioProfile(name).phy;
      let last = 0;
      for (let b = 0; b <= phy.maxPayloadBytes; b++) {
        const t = phyAirtime(phy, b);
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
      }
    }
  });
});

describe('framed PHYs', () => {
  it('IEEE 802.15.4: 32 µs an octet, 17 octets of PHY and MAC overhead', () => {
    expect(phyAirtime(radioProfile('ieee802154').phy, 10)).toBeCloseTo(27 * 32e-6, 12);
    expect(phyAirtime(radioProfile('ieee802154').phy, 116)).toBeCloseTo(133 * 32e-6, 12);
  });
  it('BLE 1M: 8 µs an octet, 10 octets of overhead', () => {
    expect(phyAirtime(radioProfile('ble').phy, 10)).toBeCloseTo(160e-6, 12);
    expect(phyAirtime(radioProfile('ble').phy, 251)).toBeCloseTo(261 * 8e-6, 12);
  });
  it('Wi-Fi HE SU MCS 0: 43.2 µs preamble, then whole 13.6 µs symbols of 117 bits', () => {
    // 16 + 8·(38 + 10) + 6 = 406 bits → 4 symbols.
    expect(phyAirtime(radioProfile('wifi-twt').phy, 10)).toBeCloseTo((43.2 + 4 * 13.6) * 1e-6, 12);
    // 16 + 8·(38 + 1500) + 6 = 12 326 bits → 106 symbols.
    expect(phyAirtime(radioProfile('wifi-twt').phy, 1500)).toBeCloseTo((43.2 + 106 * 13.6) * 1e-6, 12);
  });
});

describe('bad payloads are typed errors', () => {
  it('too large, negative, fractional', () => {
    expect(() => phyAirtime(sf7, 256)).toThrow(EnergyInputError);
    expect(() => phyAirtime(sf7, 256)).toThrow(/255 B maximum/);
    expect(() => phyAirtime(radioProfile('ieee802154').phy, 117)).toThrow(EnergyInputError);
    expect(() => phyAirtime(sf7, -1)).toThrow(EnergyInputError);
    expect(() => phyAirtime(sf7, 1.5)).toThrow(EnergyInputError);
    expect(() => framesAirtime(sf7, 0, 3)).toThrow(EnergyInputError);
    expect(() => framesAirtime(sf7, 1, 300)).toThrow(/averages more than/);
    expect(() => framesAirtime(sf7, -2, 0)).toThrow(EnergyInputError);
  });
});

describe('framesAirtime', () => {
  it('k equal frames cost k times one frame', () => {
    fc.assert(
      fc.property(fc.constantFrom('lora-sf7', 'lora-sf12', 'ieee802154', 'ble', 'wifi-twt'), fc.integer({ min: 1, max: 500 }), fc.nat(), (name, k, raw) => {
        const phy = radioProfile(name).phy;
        const len = raw % (phy.maxPayloadBytes + 1);
        expect(framesAirtime(phy, k, k * len)).toBeCloseTo(k * phyAirtime(phy, len), 9);
      }),
    );
  });
  it('spreads the remainder one byte a frame: 31 B in 3 frames = two of 10 B and one of 11 B', () => {
    expect(framesAirtime(sf7, 3, 31)).toBeCloseTo(2 * phyAirtime(sf7, 10) + phyAirtime(sf7, 11), 12);
    expect(framesAirtime(sf7, 0, 0)).toBe(0);
  });
});
