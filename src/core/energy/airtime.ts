// Time on air of one frame, by PHY. Energy is reported, never decides state, so this module uses floats
// (like the sim's counters); nothing here feeds the state hash.
//
// LoRa: the Semtech formula of the SX1276/77/78/79 datasheet (rev. 7, May 2020), §4.1.1.7 "Time on air":
//   Tsym      = 2^SF / BW
//   Tpreamble = (npreamble + 4.25) · Tsym
//   nPayload  = 8 + max(ceil((8·PL − 4·SF + 28 + 16·CRC − 20·IH) / (4·(SF − 2·DE))) · (CR + 4), 0)
//   Tpacket   = Tpreamble + nPayload · Tsym
// with PL the payload bytes, IH = 1 for implicit header (0 explicit), CRC = 1 when the payload CRC is on,
// DE = 1 with low-data-rate optimisation (mandated when Tsym > 16 ms: SF11 and SF12 at 125 kHz), and CR 1..4 for
// coding rates 4/5..4/8.
//
// Framed PHYs (IEEE 802.15.4, BLE, Wi-Fi): a fixed preamble time, then service bits, the per-frame header and
// trailer bytes, the payload and tail bits, sent in whole symbols:
//   T = preambleUs + ceil((serviceBits + 8·(overheadBytes + PL) + tailBits) / bitsPerSymbol) · symbolUs

export interface LoraPhy {
  kind: 'lora';
  /** Spreading factor 6..12. */
  sf: number;
  bandwidthHz: number;
  /** 1..4 for coding rate 4/5..4/8. */
  codingRate: number;
  /** Programmed preamble length in symbols (the modem adds 4.25). */
  preambleSymbols: number;
  explicitHeader: boolean;
  crc: boolean;
  lowDataRateOptimize: boolean;
  /** Largest payload of one frame, bytes. */
  maxPayloadBytes: number;
}

export interface FramedPhy {
  kind: 'framed';
  /** Preamble and PHY headers sent at a fixed duration, not counted in bytes (Wi-Fi's legacy + HE preamble). */
  preambleUs: number;
  /** Bytes on air around every payload: PHY synchronisation and header, MAC header, checksum. */
  overheadBytes: number;
  serviceBits: number;
  tailBits: number;
  bitsPerSymbol: number;
  symbolUs: number;
  maxPayloadBytes: number;
}

export type Phy = LoraPhy | FramedPhy;

/** Bad input to the energy model: a payload the PHY cannot carry, a negative count, an activity that does not fit
 *  its period, an unknown profile name. */
export class EnergyInputError extends RangeError {
  override readonly name: string = 'EnergyInputError';
}

const checkPayload = (phy: Phy, payloadBytes: number): void => {
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0) throw new EnergyInputError(`payload must be a whole number of bytes ≥ 0, got ${payloadBytes}`);
  if (payloadBytes > phy.maxPayloadBytes) {
    throw new EnergyInputError(`payload of ${payloadBytes} B exceeds the PHY's ${phy.maxPayloadBytes} B maximum per frame`);
  }
};

/** LoRa symbols after the preamble (header + payload + CRC), by the §4.1.1.7 formula. */
export function loraPayloadSymbols(phy: LoraPhy, payloadBytes: number): number {
  const { sf, codingRate: cr } = phy;
  const ih = phy.explicitHeader ? 0 : 1;
  const crc = phy.crc ? 1 : 0;
  const de = phy.lowDataRateOptimize ? 1 : 0;
  const num = 8 * payloadBytes - 4 * sf + 28 + 16 * crc - 20 * ih;
  return 8 + Math.max(Math.ceil(num / (4 * (sf - 2 * de))) * (cr + 4), 0);
}

/** Seconds on air of one frame carrying `payloadBytes`. */
export function phyAirtime(phy: Phy, payloadBytes: number): number {
  checkPayload(phy, payloadBytes);
  if (phy.kind === 'lora') {
    const tsym = 2 ** phy.sf / phy.bandwidthHz;
    return (phy.preambleSymbols + 4.25) * tsym + loraPayloadSymbols(phy, payloadBytes) * tsym;
  }
  const bits = phy.serviceBits + 8 * (phy.overheadBytes + payloadBytes) + phy.tailBits;
  return (phy.preambleUs + Math.ceil(bits / phy.bitsPerSymbol) * phy.symbolUs) / 1e6;
}

/**
 * Seconds on air of `frames` frames carrying `bytes` payload bytes in all, the bytes spread as evenly as possible
 * (r = bytes mod frames frames of ⌈bytes/frames⌉, the rest of ⌊bytes/frames⌋). Exact when the frames are of equal
 * size (±1 byte); otherwise an approximation, because the symbol rounding makes airtime piecewise in the payload
 * (counters that keep only totals cannot do better; see docs/ENERGY.md).
 */
export function framesAirtime(phy: Phy, frames: number, bytes: number): number {
  if (!Number.isInteger(frames) || frames < 0) throw new EnergyInputError(`frame count must be a whole number ≥ 0, got ${frames}`);
  if (!Number.isInteger(bytes) || bytes < 0) throw new EnergyInputError(`byte count must be a whole number ≥ 0, got ${bytes}`);
  if (frames === 0) {
    if (bytes > 0) throw new EnergyInputError(`${bytes} B in 0 frames`);
    return 0;
  }
  const q = Math.floor(bytes / frames);
  const r = bytes - q * frames;
  if (q + (r > 0 ? 1 : 0) > phy.maxPayloadBytes) {
    throw new EnergyInputError(`${bytes} B in ${frames} frames averages more than the PHY's ${phy.maxPayloadBytes} B per frame`);
  }
  return (frames - r) * phyAirtime(phy, q) + (r > 0 ? r * phyAirtime(phy, q + 1) : 0);
}
