// WAV (RIFF/WAVE) PCM: the header is kept byte for byte (the file's meta), the samples become one series per
// channel. PCM 8-bit (unsigned), 16, 24 and 32-bit (signed little-endian), WAVE_FORMAT_PCM or EXTENSIBLE with
// the PCM sub-format; anything else (float, compressed) is refused with the reason, never altered.

export class WavError extends Error {
  override readonly name = 'WavError';
}

export interface WavInfo {
  channels: number;
  bitsPerSample: number;
  /** Bytes per frame. */
  blockAlign: number;
  sampleRate: number;
  /** Where the sample bytes start (just after the data chunk's header). */
  dataOffset: number;
  /** The data chunk's declared size (may exceed the file when a writer did not fill it in). */
  declaredDataBytes: number;
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const tag = (b: Uint8Array, o: number) => String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!);

export function isWav(head: Uint8Array): boolean {
  return head.length >= 12 && tag(head, 0) === 'RIFF' && tag(head, 8) === 'WAVE';
}

/** Parses the chunks up to the data chunk; `head` must hold at least the bytes up to the samples. */
export function parseWavHeader(head: Uint8Array): WavInfo {
  if (!isWav(head)) throw new WavError('not a RIFF/WAVE file');
  let at = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'declaredDataBytes'> | undefined;
  while (at + 8 <= head.length) {
    const id = tag(head, at);
    const size = u32(head, at + 4);
    if (id === 'data') {
      if (fmt === undefined) throw new WavError('the data chunk comes before the fmt chunk');
      return { ...fmt, dataOffset: at + 8, declaredDataBytes: size };
    }
    if (id === 'fmt ') {
      if (size < 16 || at + 8 + size > head.length) throw new WavError('fmt chunk too short');
      const f = at + 8;
      let format = u16(head, f);
      const channels = u16(head, f + 2);
      const sampleRate = u32(head, f + 4);
      const blockAlign = u16(head, f + 12);
      const bitsPerSample = u16(head, f + 14);
      if (format === 0xfffe && size >= 40) format = u16(head, f + 24); // EXTENSIBLE: the sub-format GUID's first two bytes
      if (format === 3) throw new WavError('floating-point WAV: only integer PCM can be coded exactly');
      if (format !== 1) throw new WavError(`WAV format 0x${format.toString(16)} is not PCM`);
      if (![8, 16, 24, 32].includes(bitsPerSample)) throw new WavError(`${bitsPerSample}-bit PCM is not supported (8, 16, 24 or 32)`);
      if (channels < 1 || channels > 255) throw new WavError(`${channels} channels (1 to 255 supported)`);
      if (blockAlign !== (channels * bitsPerSample) / 8) throw new WavError(`block align ${blockAlign} does not match ${channels} × ${bitsPerSample} bits`);
      fmt = { channels, bitsPerSample, blockAlign, sampleRate };
    }
    at += 8 + size + (size & 1);
  }
  throw new WavError('no data chunk in the first bytes of the file');
}

/** Interleaved PCM bytes → one Int32Array per channel, frames [0, frames). */
export function pcmToChannels(bytes: Uint8Array, info: WavInfo, frames: number, out: Int32Array[]): void {
  const { channels, bitsPerSample: bits, blockAlign } = info;
  for (let c = 0; c < channels; c++) {
    const x = out[c]!;
    let o = c * (bits >> 3);
    if (bits === 16) {
      for (let i = 0; i < frames; i++, o += blockAlign) x[i] = ((bytes[o]! | (bytes[o + 1]! << 8)) << 16) >> 16;
    } else if (bits === 24) {
      for (let i = 0; i < frames; i++, o += blockAlign) x[i] = ((bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16)) << 8) >> 8;
    } else if (bits === 8) {
      for (let i = 0; i < frames; i++, o += blockAlign) x[i] = bytes[o]! - 128;
    } else {
      for (let i = 0; i < frames; i++, o += blockAlign) x[i] = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24);
    }
  }
}

/** Inverse of pcmToChannels into out (frames × blockAlign bytes). */
export function channelsToPcm(channels: readonly Int32Array[], info: WavInfo, frames: number, out: Uint8Array): void {
  const { bitsPerSample: bits, blockAlign } = info;
  for (let c = 0; c < info.channels; c++) {
    const x = channels[c]!;
    let o = c * (bits >> 3);
    for (let i = 0; i < frames; i++, o += blockAlign) {
      const v = x[i]!;
      if (bits === 8) out[o] = v + 128;
      else {
        out[o] = v;
        out[o + 1] = v >> 8;
        if (bits >= 24) out[o + 2] = v >> 16;
        if (bits === 32) out[o + 3] = v >> 24;
      }
    }
  }
}

/** Whether every decoded sample fits the WAV's bit depth (a check on decoded data before writing it). */
export function fitsBits(x: Int32Array, frames: number, bits: number): boolean {
  if (bits === 32) return true;
  const lo = bits === 8 ? -128 : -(2 ** (bits - 1));
  const hi = bits === 8 ? 127 : 2 ** (bits - 1) - 1;
  for (let i = 0; i < frames; i++) if (x[i]! < lo || x[i]! > hi) return false;
  return true;
}

/** A minimal canonical header (RIFF, the fmt chunk of the original, data) for `dataBytes` of samples. */
export function canonicalHeader(info: WavInfo, dataBytes: number): Uint8Array {
  const h = new Uint8Array(44);
  const v = new DataView(h.buffer);
  h.set([0x52, 0x49, 0x46, 0x46], 0);
  v.setUint32(4, 36 + dataBytes + (dataBytes & 1), true);
  h.set([0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20], 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, info.channels, true);
  v.setUint32(24, info.sampleRate, true);
  v.setUint32(28, info.sampleRate * info.blockAlign, true);
  v.setUint16(32, info.blockAlign, true);
  v.setUint16(34, info.bitsPerSample, true);
  h.set([0x64, 0x61, 0x74, 0x61], 36);
  v.setUint32(40, dataBytes, true);
  return h;
}
