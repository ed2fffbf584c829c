// AssemblyScript source of the codec's hot loops (compiled to src/core/codec/kernelWasm.ts by
// `npm run build:wasm`; test/core/codec/kernel.test.ts checks the embedded bytes are this file's build). It is
// the same arithmetic as the TypeScript reference in src/core/codec/binaryCoder.ts and lpc.ts, in 32/64-bit
// integers: the binary range coder of the block format (LZMA scheme), the adaptive residual coder, and the LPC
// prediction loops. Every buffer lives in this module's linear memory at addresses the caller lays out.
//
// Coder state (encoder and decoder alike) is a 32-byte record in memory, loaded into globals on entry to each
// export and stored back on exit, so several coders can be open at once:
//   encoder: low u64 @0 | range u32 @8 | cache u32 @12 | cacheSize u32 @16 | pos u32 @20 | end u32 @24 | overflow u32 @28
//   decoder: range u32 @8 | code u32 @12 | pos u32 @20 | end u32 @24 | error u32 @28
// Decoder errors: 1 = truncated (more than 4 bytes read past the end), 2 = raw-bit value out of range,
// 3 = escape class > 32, 4 = residual outside int32, 5 = stream does not start with a zero byte.

const TOP: u32 = 1 << 24;
const MOVE: u32 = 5;
const UNARY: u32 = 24;
const PER_CONTEXT: u32 = UNARY + 9;

let low: u64 = 0;
let range: u32 = 0;
let cache: u32 = 0;
let cacheSize: u32 = 0;
let code: u32 = 0;
let pos: usize = 0;
let end: usize = 0;
let flag: u32 = 0;

// ---- encoder ----

@inline function encLoad(s: usize): void {
  low = load<u64>(s);
  range = load<u32>(s, 8);
  cache = load<u32>(s, 12);
  cacheSize = load<u32>(s, 16);
  pos = load<u32>(s, 20);
  end = load<u32>(s, 24);
  flag = load<u32>(s, 28);
}

@inline function encStore(s: usize): void {
  store<u64>(s, low);
  store<u32>(s, range, 8);
  store<u32>(s, cache, 12);
  store<u32>(s, cacheSize, 16);
  store<u32>(s, <u32>pos, 20);
  store<u32>(s, flag, 28);
}

/** Starts an encoder whose output goes to [out, out + capacity). */
export function encInit(s: usize, out: usize, capacity: u32): void {
  store<u64>(s, 0);
  store<u32>(s, 0xffffffff, 8);
  store<u32>(s, 0, 12);
  store<u32>(s, 1, 16);
  store<u32>(s, <u32>out, 20);
  store<u32>(s, <u32>(out + capacity), 24);
  store<u32>(s, 0, 28);
}

function shiftLow(): void {
  low = shiftLowOf(low);
}

@inline function encBit(pp: usize, bit: u32): void {
  const p: u32 = load<u16>(pp);
  const bound = (range >> 11) * p;
  if (bit == 0) {
    range = bound;
    store<u16>(pp, <u16>(p + ((2048 - p) >> MOVE)));
  } else {
    low += bound;
    range -= bound;
    store<u16>(pp, <u16>(p - (p >> MOVE)));
  }
  while (range < TOP) {
    range <<= 8;
    shiftLow();
  }
}

function encDirect0(value: u32, bits: u32): void {
  if (bits == 0) return;
  range = range >> bits;
  low += <u64>value * <u64>range;
  while (range < TOP) {
    range <<= 8;
    shiftLow();
  }
}

function encWide0(value: u32, bits: u32): void {
  if (bits > 16) {
    encDirect0(value >>> 16, bits - 16);
    encDirect0(value & 0xffff, 16);
  } else encDirect0(value, bits);
}

/** Up to 32 raw bits. */
export function encWide(s: usize, value: u32, bits: u32): void {
  encLoad(s);
  encWide0(value, bits);
  encStore(s);
}

/** Flushes; returns the end address of the output (check the overflow word). trim (format 3): first moves low to
 *  the value in [low, low + range) with the most trailing zero bytes, so that the caller can drop up to 4 of them
 *  (the decoder reads zeros past the end). */
export function encFinish(s: usize, trim: u32): u32 {
  encLoad(s);
  if (trim != 0) {
    const top: u64 = low + <u64>range;
    const a: u64 = (low + 0xffffffff) & ~(<u64>0xffffffff);
    const b: u64 = (low + 0xffffff) & ~(<u64>0xffffff);
    if (a < top) low = a;
    else if (b < top) low = b;
  }
  for (let i = 0; i < 5; i++) shiftLow();
  encStore(s);
  return <u32>pos;
}

/** shiftLow on a low held by the caller (cache, pending count and output in the globals); returns the new low. */
function shiftLowOf(l: u64): u64 {
  if (l < 0xff000000 || l >= 0x100000000) {
    const carry = <u32>(l >> 32);
    let temp = cache;
    do {
      if (pos < end) store<u8>(pos, <u8>(temp + carry));
      else flag = 1;
      pos++;
      temp = 0xff;
    } while (--cacheSize != 0);
    cache = <u32>(l >> 24) & 0xff;
  }
  cacheSize++;
  return (l & 0xffffff) << 8;
}

/** Codes residuals r[from, to) (int32 at address r) with the model probs (u16 × 64·33); returns the new mean.
 *  The common path keeps low and range in locals and codes each decision without a branch on its value. */
export function encRun(s: usize, probs: usize, mean: i32, r: usize, from: u32, to: u32, bw: usize): i32 {
  encLoad(s);
  let lo: u64 = low;
  let rg: u32 = range;
  // The bit writer (format 3): the remainder's plain low bits, LSB first, 32 at a time.
  let bacc: u64 = bw != 0 ? load<u64>(bw) : 0;
  let bcount: u32 = bw != 0 ? load<u32>(bw, 8) : 0;
  let bpos: usize = bw != 0 ? <usize>load<u32>(bw, 12) : 0;
  const bend: usize = bw != 0 ? <usize>load<u32>(bw, 16) : 0;
  let bflag: u32 = bw != 0 ? load<u32>(bw, 20) : 0;
  for (let i = from; i < to; i++) {
    const v = load<i32>(r + (<usize>i << 2));
    const u: u32 = <u32>((v << 1) ^ (v >> 31));
    const mq: u32 = <u32>mean >>> 4;
    const k: u32 = mq < 1 ? 0 : 31 - clz(mq);
    const ctx: u32 = (2 * k + (k > 0 ? (mq >>> (k - 1)) & 1 : mq & 1)) * PER_CONTEXT;
    const pc: usize = probs + (<usize>ctx << 1);
    const q: u32 = u >>> k;
    const n: u32 = q < UNARY ? q : UNARY;
    for (let j: u32 = 0; j <= n; j++) {
      if (j == UNARY) break;
      const pp = pc + (<usize>j << 1);
      const one = j < n;
      const p: u32 = load<u16>(pp);
      const bound = (rg >> 11) * p;
      lo += select<u64>(<u64>bound, 0, one);
      rg = select<u32>(rg - bound, bound, one);
      store<u16>(pp, <u16>select<u32>(p - (p >> MOVE), p + ((2048 - p) >> MOVE), one));
      if (rg < TOP) {
        rg <<= 8;
        lo = shiftLowOf(lo);
      }
    }
    const t: usize = pc + (<usize>(UNARY + (q < 2 ? q : 2) * 3) << 1);
    if (q >= UNARY || k > 18) {
      low = lo;
      range = rg;
      if (q >= UNARY) {
        const e = q - UNARY;
        const c: u32 = e == 0 ? 0 : 32 - clz(e);
        encDirect0(c, 6);
        if (c > 1) encWide0(e - (<u32>1 << (c - 1)), c - 1);
      }
      if (k > 0) {
        const rem = u & ((<u32>1 << k) - 1);
        if (k == 1) encBit(t, rem);
        else {
          const top = rem >>> (k - 2);
          const b1 = top >>> 1;
          encBit(t, b1);
          encBit(t + ((1 + b1) << 1), top & 1);
          encWide0(rem & ((<u32>1 << (k - 2)) - 1), k - 2);
        }
      }
      lo = low;
      rg = range;
    } else if (k > 0) {
      const b1 = (u >>> (k - 1)) & 1;
      {
        const one = b1 != 0;
        const p: u32 = load<u16>(t);
        const bound = (rg >> 11) * p;
        lo += select<u64>(<u64>bound, 0, one);
        rg = select<u32>(rg - bound, bound, one);
        store<u16>(t, <u16>select<u32>(p - (p >> MOVE), p + ((2048 - p) >> MOVE), one));
        if (rg < TOP) {
          rg <<= 8;
          lo = shiftLowOf(lo);
        }
      }
      if (k > 1) {
        const t2: usize = t + ((1 + b1) << 1);
        const one = ((u >>> (k - 2)) & 1) != 0;
        const p: u32 = load<u16>(t2);
        const bound = (rg >> 11) * p;
        lo += select<u64>(<u64>bound, 0, one);
        rg = select<u32>(rg - bound, bound, one);
        store<u16>(t2, <u16>select<u32>(p - (p >> MOVE), p + ((2048 - p) >> MOVE), one));
        if (rg < TOP) {
          rg <<= 8;
          lo = shiftLowOf(lo);
        }
        const bits = k - 2;
        if (bits > 0) {
          if (bw != 0) {
            bacc |= <u64>(u & ((<u32>1 << bits) - 1)) << bcount;
            bcount += bits;
            if (bcount >= 32) {
              if (bpos + 4 <= bend) store<u32>(bpos, <u32>bacc);
              else bflag = 1;
              bpos += 4;
              bacc >>= 32;
              bcount -= 32;
            }
          } else {
            rg = rg >> bits;
            lo += <u64>(u & ((<u32>1 << bits) - 1)) * <u64>rg;
            while (rg < TOP) {
              rg <<= 8;
              lo = shiftLowOf(lo);
            }
          }
        }
      }
    }
    mean += ((u >= 0x8000000 ? 0x7fffffff : <i32>(u * 16)) - mean) >> 4;
  }
  low = lo;
  range = rg;
  encStore(s);
  if (bw != 0) {
    store<u64>(bw, bacc);
    store<u32>(bw, bcount, 8);
    store<u32>(bw, <u32>bpos, 12);
    store<u32>(bw, bflag, 20);
  }
  return mean;
}

/** Starts a bit writer (state: acc u64 @0 | count u32 @8 | pos u32 @12 | end u32 @16 | overflow u32 @20). */
export function bitsInit(bw: usize, out: usize, capacity: u32): void {
  store<u64>(bw, 0);
  store<u32>(bw, 0, 8);
  store<u32>(bw, <u32>out, 12);
  store<u32>(bw, <u32>(out + capacity), 16);
  store<u32>(bw, 0, 20);
}

/** Flushes the bit writer's last bits (whole bytes); returns the end address of its output. */
export function bitsFinish(bw: usize): u32 {
  let acc = load<u64>(bw);
  let count = load<u32>(bw, 8);
  let at: usize = load<u32>(bw, 12);
  const stop: usize = load<u32>(bw, 16);
  while (count > 0) {
    if (at < stop) store<u8>(at, <u8>acc);
    else store<u32>(bw, 1, 20);
    at++;
    acc >>= 8;
    count = count > 8 ? count - 8 : 0;
  }
  store<u32>(bw, 0, 8);
  store<u32>(bw, <u32>at, 12);
  return <u32>at;
}

// ---- decoder ----

@inline function decLoad(s: usize): void {
  range = load<u32>(s, 8);
  code = load<u32>(s, 12);
  pos = load<u32>(s, 20);
  end = load<u32>(s, 24);
  flag = load<u32>(s, 28);
}

@inline function decStore(s: usize): void {
  if (flag == 0 && pos > end + 4) flag = 1;
  store<u32>(s, range, 8);
  store<u32>(s, code, 12);
  store<u32>(s, <u32>pos, 20);
  store<u32>(s, flag, 28);
}

@inline function next(): u32 {
  const p = pos++;
  return p < end ? <u32>load<u8>(p) : 0;
}

/** Starts a decoder on [start, stop); returns the error word (5: no leading zero byte). lead = 0 (format 3): the
 *  stream has no leading zero byte (the encoder's first byte is always 0 and is not written). */
export function decInit(s: usize, start: u32, stop: u32, lead: u32): u32 {
  range = 0xffffffff;
  code = 0;
  pos = start;
  end = stop;
  flag = 0;
  if (lead != 0 && next() != 0) flag = 5;
  for (let i = 0; i < 4; i++) code = (code << 8) | next();
  store<u32>(s, <u32>end, 24);
  decStore(s);
  return flag;
}

@inline function decBit(pp: usize): u32 {
  const p: u32 = load<u16>(pp);
  const bound = (range >> 11) * p;
  let bit: u32 = 0;
  if (code < bound) {
    range = bound;
    store<u16>(pp, <u16>(p + ((2048 - p) >> MOVE)));
  } else {
    code -= bound;
    range -= bound;
    store<u16>(pp, <u16>(p - (p >> MOVE)));
    bit = 1;
  }
  if (range < TOP) {
    range <<= 8;
    code = (code << 8) | next();
  }
  return bit;
}

function decDirect0(bits: u32): u32 {
  if (bits == 0) return 0;
  range = range >> bits;
  let v = code / range;
  if (v >= <u32>1 << bits) {
    if (flag == 0) flag = 2;
    v = 0;
  }
  code -= v * range;
  while (range < TOP) {
    range <<= 8;
    code = (code << 8) | next();
  }
  return v;
}

function decWide0(bits: u32): u32 {
  if (bits > 16) {
    const hi = decDirect0(bits - 16);
    return (hi << 16) | decDirect0(16);
  }
  return decDirect0(bits);
}

/** Up to 32 raw bits (check the error word). */
export function decWide(s: usize, bits: u32): u32 {
  decLoad(s);
  const v = decWide0(bits);
  decStore(s);
  return v;
}

/** Decodes residuals into int32 out[from, to); returns the new mean (check the error word). The common path
 *  keeps the coder in locals (the slow path, escapes and k > 18, goes through the globals). */
export function decRun(s: usize, probs: usize, mean: i32, out: usize, from: u32, to: u32, br: usize): i32 {
  // The bit reader (format 3; state: acc u64 @0 | count u32 @8 | pos u32 @12 | end u32 @16 | start u32 @20).
  // Its input is followed by at least 4 zero bytes; past the end it reads zeros, and the overrun is an error.
  let bacc: u64 = br != 0 ? load<u64>(br) : 0;
  let bcount: u32 = br != 0 ? load<u32>(br, 8) : 0;
  let bpos: usize = br != 0 ? <usize>load<u32>(br, 12) : 0;
  const bend: usize = br != 0 ? <usize>load<u32>(br, 16) : 0;
  let rng: u32 = load<u32>(s, 8);
  let cod: u32 = load<u32>(s, 12);
  let at: usize = load<u32>(s, 20);
  const stop: usize = load<u32>(s, 24);
  let err: u32 = load<u32>(s, 28);
  for (let i = from; i < to; i++) {
    const mq: u32 = <u32>mean >>> 4;
    const k: u32 = mq < 1 ? 0 : 31 - clz(mq);
    const ctx: u32 = (2 * k + (k > 0 ? (mq >>> (k - 1)) & 1 : mq & 1)) * PER_CONTEXT;
    const pc: usize = probs + (<usize>ctx << 1);
    let q: u32 = 0;
    let pp: usize = pc;
    while (true) {
      const p: u32 = load<u16>(pp);
      const bound = (rng >> 11) * p;
      if (cod < bound) {
        rng = bound;
        store<u16>(pp, <u16>(p + ((2048 - p) >> MOVE)));
        if (rng < TOP) {
          rng <<= 8;
          cod = (cod << 8) | (at < stop ? <u32>load<u8>(at) : 0);
          at++;
        }
        break;
      }
      cod -= bound;
      rng -= bound;
      store<u16>(pp, <u16>(p - (p >> MOVE)));
      if (rng < TOP) {
        rng <<= 8;
        cod = (cod << 8) | (at < stop ? <u32>load<u8>(at) : 0);
        at++;
      }
      pp += 2;
      if (++q == UNARY) break;
    }
    let w: u32;
    const t: usize = pc + (<usize>(UNARY + (q < 2 ? q : 2) * 3) << 1);
    if (q == UNARY || k > 18) {
      range = rng;
      code = cod;
      pos = at;
      end = stop;
      flag = err;
      let qq: u64 = q;
      let bad = false;
      if (q == UNARY) {
        const c = decDirect0(6);
        if (c > 32) {
          if (flag == 0) flag = 3;
          bad = true;
        } else if (c > 0) qq += (<u64>1 << (c - 1)) + (c > 1 ? <u64>decWide0(c - 1) : 0);
      }
      let rem: u32 = 0;
      if (!bad && k > 0) {
        if (k == 1) rem = decBit(t);
        else {
          const b1 = decBit(t);
          const top = b1 * 2 + decBit(t + ((1 + b1) << 1));
          rem = (top << (k - 2)) | decWide0(k - 2);
        }
      }
      const u: u64 = (qq << k) + rem;
      if (!bad && u > 0xffffffff) {
        if (flag == 0) flag = 4;
        bad = true;
      }
      rng = range;
      cod = code;
      at = pos;
      err = flag;
      if (bad) break;
      w = <u32>u;
    } else {
      let rem: u32 = 0;
      if (k > 0) {
        // The remainder's bits without branches (select: a conditional move), their outcome is a coin toss.
        let p: u32 = load<u16>(t);
        let bound = (rng >> 11) * p;
        const b1: u32 = cod >= bound ? 1 : 0;
        rng = select<u32>(rng - bound, bound, b1 != 0);
        cod = select<u32>(cod - bound, cod, b1 != 0);
        store<u16>(t, <u16>select<u32>(p - (p >> MOVE), p + ((2048 - p) >> MOVE), b1 != 0));
        if (rng < TOP) {
          rng <<= 8;
          cod = (cod << 8) | (at < stop ? <u32>load<u8>(at) : 0);
          at++;
        }
        if (k == 1) rem = b1;
        else {
          const t2: usize = t + ((1 + b1) << 1);
          p = load<u16>(t2);
          bound = (rng >> 11) * p;
          const b2: u32 = cod >= bound ? 1 : 0;
          rng = select<u32>(rng - bound, bound, b2 != 0);
          cod = select<u32>(cod - bound, cod, b2 != 0);
          store<u16>(t2, <u16>select<u32>(p - (p >> MOVE), p + ((2048 - p) >> MOVE), b2 != 0));
          if (rng < TOP) {
            rng <<= 8;
            cod = (cod << 8) | (at < stop ? <u32>load<u8>(at) : 0);
            at++;
          }
          const bits = k - 2;
          let low: u32 = 0;
          if (bits > 0 && br != 0) {
            if (bcount < bits) {
              bacc |= <u64>(bpos < bend ? load<u32>(bpos) : 0) << bcount;
              bpos += 4;
              bcount += 32;
            }
            low = <u32>bacc & ((<u32>1 << bits) - 1);
            bacc >>= bits;
            bcount -= bits;
          } else if (bits > 0) {
            rng = rng >> bits;
            low = cod / rng;
            if (low >= <u32>1 << bits) {
              if (err == 0) err = 2;
              low = 0;
            }
            cod -= low * rng;
            while (rng < TOP) {
              rng <<= 8;
              cod = (cod << 8) | (at < stop ? <u32>load<u8>(at) : 0);
              at++;
            }
          }
          rem = (((b1 << 1) | b2) << bits) | low;
        }
      }
      w = (q << k) + rem;
    }
    store<i32>(out + (<usize>i << 2), <i32>((w >>> 1) ^ (0 - (w & 1))));
    mean += ((w >= 0x8000000 ? 0x7fffffff : <i32>(w * 16)) - mean) >> 4;
  }
  range = rng;
  code = cod;
  pos = at;
  end = stop;
  flag = err;
  if (br != 0) {
    store<u64>(br, bacc);
    store<u32>(br, bcount, 8);
    store<u32>(br, <u32>bpos, 12);
    // Bits taken past the end of the bit stream: truncated.
    const start: usize = load<u32>(br, 20);
    if (flag == 0 && <u64>(bpos - start) * 8 - bcount > <u64>(bend - start) * 8) flag = 1;
  }
  decStore(s);
  return mean;
}

/** Starts a bit reader on [start, stop) (followed in memory by at least 4 zero bytes). */
export function bitsRead(br: usize, start: u32, stop: u32): void {
  store<u64>(br, 0);
  store<u32>(br, 0, 8);
  store<u32>(br, start, 12);
  store<u32>(br, stop, 16);
  store<u32>(br, start, 20);
}

// ---- prediction ----

/** The first sample predicted by the LPC (before it: the fixed predictors). order 0: no LPC. */
@inline function headOf(start: u32, from: u32, to: u32, order: u32): u32 {
  if (order == 0) return to;
  const h = start + ((order + 3) & ~3);
  return min(to, max(from, h));
}

@inline function fixedPrediction(x: usize, start: u32, t: u32): i64 {
  const i = t - start;
  if (i == 0) return 0;
  const a = <i64>load<i32>(x + (<usize>(t - 1) << 2));
  if (i == 1) return a;
  return 2 * a - <i64>load<i32>(x + (<usize>(t - 2) << 2));
}

/** Writes the coefficients reversed and zero-padded to a multiple of 4 at c + 128 (rc[m] multiplies
 *  x[t − padded + m], so both load contiguously); the format starts the LPC at that padded order, so the padded
 *  taps have history. Returns the padded order. */
@inline function reverseTaps(c: usize, order: u32): u32 {
  const padded = (order + 3) & ~3;
  const rc = c + 128;
  for (let m: u32 = 0; m < padded; m++) {
    const j = padded - 1 - m;
    store<i32>(rc + (<usize>m << 2), j < order ? load<i32>(c + (<usize>j << 2)) : 0);
  }
  return padded;
}

/** Σ c[j]·x[t−1−j] (base = address of x[t]): SIMD, four taps a step, products and sums in 64 bits (exact). */
@inline function predict(c: usize, padded: u32, base: usize): i64 {
  const rc = c + 128;
  const xs = base - (<usize>padded << 2);
  let acc = i64x2.splat(0);
  for (let m: u32 = 0; m < padded; m += 4) {
    const cv = v128.load(rc + (<usize>m << 2));
    const xv = v128.load(xs + (<usize>m << 2));
    acc = i64x2.add(acc, i64x2.add(i64x2.extmul_low_i32x4_s(cv, xv), i64x2.extmul_high_i32x4_s(cv, xv)));
  }
  return i64x2.extract_lane(acc, 0) + i64x2.extract_lane(acc, 1);
}

/** r[from, to) = x − prediction; coefs: order int32 at address c (c[0] multiplies x[t−1]; c + 128 is scratch: 256 bytes in all). */
export function residuals(x: usize, start: u32, from: u32, to: u32, c: usize, order: u32, shift: u32, r: usize): void {
  const head = headOf(start, from, to, order);
  for (let t = from; t < head; t++) {
    store<i32>(r + (<usize>t << 2), <i32>(<i64>load<i32>(x + (<usize>t << 2)) - fixedPrediction(x, start, t)));
  }
  const padded = reverseTaps(c, order);
  const sh = <i64>shift;
  for (let t = head; t < to; t++) {
    const base = x + (<usize>t << 2);
    store<i32>(r + (<usize>t << 2), <i32>(<i64>load<i32>(base) - (predict(c, padded, base) >> sh)));
  }
}

/** predict() for the decoder: the newest four taps (just stored) are read one by one, since a vector load over a
 *  value stored a moment ago stalls (store-to-load forwarding fails on a partial overlap). */
@inline function predictFresh(c: usize, padded: u32, base: usize): i64 {
  const rc = c + 128;
  const xs = base - (<usize>padded << 2);
  let acc = i64x2.splat(0);
  const last = padded - 4;
  for (let m: u32 = 0; m < last; m += 4) {
    const cv = v128.load(rc + (<usize>m << 2));
    const xv = v128.load(xs + (<usize>m << 2));
    acc = i64x2.add(acc, i64x2.add(i64x2.extmul_low_i32x4_s(cv, xv), i64x2.extmul_high_i32x4_s(cv, xv)));
  }
  const cl = rc + (<usize>last << 2);
  const xl = xs + (<usize>last << 2);
  return (
    i64x2.extract_lane(acc, 0) +
    i64x2.extract_lane(acc, 1) +
    <i64>load<i32>(cl) * <i64>load<i32>(xl) +
    <i64>load<i32>(cl, 4) * <i64>load<i32>(xl, 4) +
    <i64>load<i32>(cl, 8) * <i64>load<i32>(xl, 8) +
    <i64>load<i32>(cl, 12) * <i64>load<i32>(xl, 12)
  );
}

/** Inverse of residuals: x[from, to) from r[from, to) and x[start, from). */
export function restore(r: usize, start: u32, from: u32, to: u32, c: usize, order: u32, shift: u32, x: usize): void {
  const head = headOf(start, from, to, order);
  for (let t = from; t < head; t++) {
    store<i32>(x + (<usize>t << 2), <i32>(fixedPrediction(x, start, t) + <i64>load<i32>(r + (<usize>t << 2))));
  }
  const padded = reverseTaps(c, order);
  const sh = <i64>shift;
  for (let t = head; t < to; t++) {
    const base = x + (<usize>t << 2);
    store<i32>(base, <i32>((predictFresh(c, padded, base) >> sh) + <i64>load<i32>(r + (<usize>t << 2))));
  }
}

// ---- analysis ----

/**
 * The windowed, mean-removed autocorrelation of the n int32 at x (window: n f64 at w; scratch: n f64 at y) at lags
 * 0..order, into f64 ac[0..order]. The same operations in the same order as lpc.ts's TypeScript (each lag's sum
 * runs over the samples in order; f64x2 lanes hold two lags), so the results are bit-identical.
 */
export function autocorr(x: usize, n: u32, w: usize, y: usize, order: u32, ac: usize): void {
  let mean: f64 = 0;
  for (let i: u32 = 0; i < n; i++) mean += <f64>load<i32>(x + (<usize>i << 2));
  mean /= <f64>n;
  for (let i: u32 = 0; i < n; i++) {
    store<f64>(y + (<usize>i << 3), (<f64>load<i32>(x + (<usize>i << 2)) - mean) * load<f64>(w + (<usize>i << 3)));
  }
  for (let lag: u32 = 0; lag <= order; lag += 8) {
    // Lanes: a01 = (s1, s0), a23 = (s3, s2), a45 = (s5, s4), a67 = (s7, s6).
    let a01 = f64x2.splat(0);
    let a23 = f64x2.splat(0);
    let a45 = f64x2.splat(0);
    let a67 = f64x2.splat(0);
    for (let i: u32 = lag + 7; i < n; i++) {
      const v = f64x2.splat(load<f64>(y + (<usize>i << 3)));
      const b = y + (<usize>(i - lag) << 3);
      a01 = f64x2.add(a01, f64x2.mul(v, v128.load(b - 8)));
      a23 = f64x2.add(a23, f64x2.mul(v, v128.load(b - 24)));
      a45 = f64x2.add(a45, f64x2.mul(v, v128.load(b - 40)));
      a67 = f64x2.add(a67, f64x2.mul(v, v128.load(b - 56)));
    }
    const sums = ac + 8 * 48; // scratch after ac (room for 41 lags)
    store<f64>(sums, f64x2.extract_lane(a01, 1));
    store<f64>(sums, f64x2.extract_lane(a01, 0), 8);
    store<f64>(sums, f64x2.extract_lane(a23, 1), 16);
    store<f64>(sums, f64x2.extract_lane(a23, 0), 24);
    store<f64>(sums, f64x2.extract_lane(a45, 1), 32);
    store<f64>(sums, f64x2.extract_lane(a45, 0), 40);
    store<f64>(sums, f64x2.extract_lane(a67, 1), 48);
    store<f64>(sums, f64x2.extract_lane(a67, 0), 56);
    for (let k: u32 = 0; k < 8 && lag + k <= order; k++) {
      let sum = load<f64>(sums + (<usize>k << 3));
      const stop = min(n, lag + 7);
      for (let i = lag + k; i < stop; i++) sum += load<f64>(y + (<usize>i << 3)) * load<f64>(y + (<usize>(i - lag - k) << 3));
      store<f64>(ac + (<usize>(lag + k) << 3), sum);
    }
  }
}

// ---- LPC headers ----

/** Codes `order` coefficients (int32 at c) in `precision` raw bits each, offset by 2^(precision − 1). */
export function encCoefs(s: usize, c: usize, order: u32, precision: u32): void {
  encLoad(s);
  const bias: i32 = 1 << (precision - 1);
  for (let j: u32 = 0; j < order; j++) encWide0(<u32>(load<i32>(c + (<usize>j << 2)) + bias), precision);
  encStore(s);
}

/** Decodes `order` coefficients into int32 at c (check the error word). */
export function decCoefs(s: usize, c: usize, order: u32, precision: u32): void {
  decLoad(s);
  const bias: i32 = 1 << (precision - 1);
  for (let j: u32 = 0; j < order; j++) store<i32>(c + (<usize>j << 2), <i32>decWide0(precision) - bias);
  decStore(s);
}
