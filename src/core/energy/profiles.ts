// Named radio profiles: the currents of a radio in each state at a stated supply voltage, and its PHY (for the
// airtime of a frame). Every figure names its source; docs/ENERGY.md lists them with the assumptions.
//
// States: TX (sending a frame), RX (receiving a frame), listen (receiver on, waiting for a preamble: what a
// scheduled listen window costs; for LoRa and Wi-Fi the receiver draws its RX current while it waits), sleep (radio
// off, configuration retained). `mcuSleepMa` is the rest of the node asleep (a host MCU with its RTC running), drawn
// the whole time; 0 where the profile's sleep figure is already the whole chip's.
import { EnergyInputError, type Phy } from './airtime';

export interface RadioProfile {
  name: string;
  /** One line: chip, PHY, settings. */
  title: string;
  supplyV: number;
  txMa: number;
  rxMa: number;
  listenMa: number;
  sleepMa: number;
  mcuSleepMa: number;
  /** Transmit power the TX figure is for, dBm. */
  txDbm: number;
  phy: Phy;
  /** Where each figure comes from. */
  sources: { tx: string; rx: string; listen: string; sleep: string; mcu: string; phy: string };
}

const SX1276 = 'Semtech SX1276/77/78/79 datasheet rev. 7 (May 2020), Table 6 "Power Consumption Specification" (VDD = 3.3 V, 25 °C)';
const SX1276_TOA = 'SX1276/77/78/79 datasheet rev. 7, §4.1.1.7 "Time on air"';
const NRF52840 = 'Nordic nRF52840 Product Specification, "Current consumption: Radio" (Regulator = DC/DC, Clock = HFXO, VDD = 3 V)';
/** A host MCU asleep with its RTC running and RAM retained: an assumption (ultra-low-power MCUs draw 1–3 µA there). */
const MCU_ASSUMED = 'assumed: host MCU asleep with RTC and RAM retention, 2 µA (ultra-low-power MCUs list 1–3 µA)';

const lora = (sf: number): RadioProfile => ({
  name: `lora-sf${sf}`,
  title: `LoRa SF${sf}/125 kHz, CR 4/5, 8-symbol preamble, explicit header, CRC on${sf >= 11 ? ', low-data-rate optimisation' : ''}; SX1276 +17 dBm`,
  supplyV: 3.3,
  txMa: 87,
  rxMa: 10.8,
  listenMa: 10.8,
  sleepMa: 0.0002,
  mcuSleepMa: 0.002,
  txDbm: 17,
  phy: {
    kind: 'lora',
    sf,
    bandwidthHz: 125_000,
    codingRate: 1,
    preambleSymbols: 8,
    explicitHeader: true,
    crc: true,
    // Mandated when a symbol lasts more than 16 ms (SX1276 datasheet, RegModemConfig3 LowDataRateOptimize): SF11, SF12 at 125 kHz.
    lowDataRateOptimize: 2 ** sf / 125_000 > 0.016,
    maxPayloadBytes: 255,
  },
  sources: {
    tx: `${SX1276}: IDDT_L, RFOP = +17 dBm on PA_BOOST, 87 mA`,
    rx: `${SX1276}: IDDR_L, LnaBoost off, band 1 (862–1020 MHz), 10.8 mA`,
    listen: 'the receiver in RX continuous mode waiting for a preamble draws its RX current (IDDR_L)',
    sleep: `${SX1276}: IDDSL, sleep mode, 0.2 µA`,
    mcu: MCU_ASSUMED,
    phy: `${SX1276_TOA}; payload limit 255 B (FIFO)`,
  },
});

export const PROFILES: readonly RadioProfile[] = [
  lora(7),
  lora(12),
  {
    name: 'ieee802154',
    title: 'IEEE 802.15.4 O-QPSK 2.4 GHz, 250 kbit/s; nRF52840 0 dBm',
    supplyV: 3,
    txMa: 6.4,
    rxMa: 6.53,
    listenMa: 6.53,
    sleepMa: 0,
    mcuSleepMa: 0.002,
    txDbm: 0,
    phy: {
      kind: 'framed',
      preambleUs: 0,
      // SHR (4-octet preamble + SFD) 5, PHR 1, MAC header with PAN ID compression and short addresses 9, FCS 2.
      overheadBytes: 17,
      serviceBits: 0,
      tailBits: 0,
      bitsPerSymbol: 4,
      symbolUs: 16,
      // aMaxPhyPacketSize 127 minus the 11 octets of MAC header and FCS.
      maxPayloadBytes: 116,
    },
    sources: {
      tx: `${NRF52840}: IRADIO_TX5, 0 dBm, 250 kbit/s IEEE 802.15.4-2006 mode, 6.40 mA`,
      rx: `${NRF52840}: IRADIO_RX2, 250 kbit/s IEEE 802.15.4-2006 mode, 6.53 mA`,
      listen: 'the receiver on, waiting for a frame, draws its RX current (IRADIO_RX2)',
      sleep: 'radio peripheral off: no current beyond the SoC asleep (counted as the MCU)',
      mcu: MCU_ASSUMED,
      phy: 'IEEE Std 802.15.4-2020, O-QPSK PHY at 2450 MHz: 62.5 ksymbol/s (16 µs, 4 bits a symbol), SHR 5 octets, PHR 1 octet, aMaxPhyPacketSize 127',
    },
  },
  {
    name: 'ble',
    title: 'Bluetooth LE 1M PHY, data-length extension (251-byte PDUs); nRF52840 0 dBm',
    supplyV: 3,
    txMa: 6.4,
    rxMa: 6.26,
    listenMa: 6.26,
    sleepMa: 0,
    mcuSleepMa: 0.002,
    txDbm: 0,
    phy: {
      kind: 'framed',
      preambleUs: 0,
      // Preamble 1, access address 4, PDU header 2, CRC 3 (no MIC: unencrypted).
      overheadBytes: 10,
      serviceBits: 0,
      tailBits: 0,
      bitsPerSymbol: 1,
      symbolUs: 1,
      maxPayloadBytes: 251,
    },
    sources: {
      tx: `${NRF52840}: IRADIO_TX1, 0 dBm, 1 Mbps BLE mode, 6.40 mA`,
      rx: `${NRF52840}: IRADIO_RX0, 1 Mbps BLE mode, 6.26 mA`,
      listen: 'the receiver on (a scan window) draws its RX current (IRADIO_RX0)',
      sleep: 'radio peripheral off: no current beyond the SoC asleep (counted as the MCU)',
      mcu: MCU_ASSUMED,
      phy: 'Bluetooth Core Specification v5.4, Vol 6, Part B, §2.1: LE 1M packet = preamble 1 + access address 4 + PDU (header 2 + payload ≤ 251) + CRC 3 octets, 1 µs a bit',
    },
  },
  {
    name: 'wifi-twt',
    title: 'Wi-Fi 6 (802.11ax) HE SU 20 MHz MCS 0, target wake time; ESP32-C6',
    supplyV: 3.3,
    txMa: 300,
    rxMa: 78,
    listenMa: 78,
    sleepMa: 0.18,
    mcuSleepMa: 0,
    txDbm: 15,
    phy: {
      kind: 'framed',
      // L-STF 8 + L-LTF 8 + L-SIG 4 + RL-SIG 4 + HE-SIG-A 8 + HE-STF 4 + one 2× HE-LTF 6.4 + 0.8 GI.
      preambleUs: 43.2,
      // MAC header 24 + QoS control 2 + LLC/SNAP 8 + FCS 4.
      overheadBytes: 38,
      serviceBits: 16,
      tailBits: 6,
      // MCS 0 (BPSK 1/2) on a 242-tone RU: 117 data bits a symbol of 12.8 µs + 0.8 µs GI.
      bitsPerSymbol: 117,
      symbolUs: 13.6,
      maxPayloadBytes: 1500,
    },
    sources: {
      tx: 'Espressif ESP32-C6 Series Datasheet, §5 "Current Consumption" (3.3 V, 25 °C): TX in the 802.11n/ax rows, 280–300 mA; 300 mA taken',
      rx: 'ESP32-C6 Series Datasheet, §5 "Current Consumption": RX 802.11b/g/n/ax, 78 mA',
      listen: 'a station awake in its TWT service period listens with its RX current',
      sleep:
        'ESP32-C6 Series Datasheet, low-power modes: Light-sleep with the CPU powered, 180 µA (the chip keeps its association; 35 µA with the CPU powered down); whole chip, so no separate MCU figure',
      mcu: 'included in the sleep figure (the ESP32-C6 is the MCU)',
      phy: 'IEEE Std 802.11ax-2021, clause 27 (HE PHY) timing constants: L-STF, L-LTF 8 µs, L-SIG, RL-SIG 4 µs, HE-SIG-A 8 µs, HE-STF 4 µs, HE-LTF 6.4 µs + GI, symbol 12.8 µs + GI; MCS 0 on a 242-tone RU carries 117 data bits a symbol',
    },
  },
];

export const RADIO_NAMES: readonly string[] = PROFILES.map((p) => p.name);

/** The profile of a name; a bad name is an EnergyInputError that lists the valid ones. */
export function radioProfile(name: string): RadioProfile {
  const p = PROFILES.find((x) => x.name === name);
  if (!p) throw new EnergyInputError(`unknown radio ${JSON.stringify(name)}; valid: ${RADIO_NAMES.join(', ')}`);
  return p;
}
