// The codec's hot loops in WebAssembly (wasm/codec.ts, AssemblyScript, embedded by `npm run build:wasm` as
// kernelWasm.ts): the binary range coder and residual coder of binaryCoder.ts and the LPC prediction loops of
// lpc.ts, the same integer arithmetic, so they write and read the same bytes (test/core/codec/kernel.test.ts
// checks both against the TypeScript reference). Instantiated synchronously on first use; runs in Node and in
// any worker or page that allows WebAssembly.
//
// Memory: one linear memory, laid out per block by a bump allocator (reset at each block), grown when a block
// needs more; nothing is kept between blocks but the memory itself (its size is the largest block's need).
import { CodecDecodeError } from './rangeCoder';
import { KERNEL_WASM_BASE64 } from './kernelWasm';

interface KernelExports {
  memory: WebAssembly.Memory;
  encInit(s: number, out: number, capacity: number): void;
  encWide(s: number, value: number, bits: number): void;
  encFinish(s: number, trim: number): number;
  encRun(s: number, probs: number, mean: number, r: number, from: number, to: number, bw: number): number;
  bitsInit(bw: number, out: number, capacity: number): void;
  encCoefs(s: number, c: number, order: number, precision: number): void;
  decCoefs(s: number, c: number, order: number, precision: number): void;
  bitsFinish(bw: number): number;
  decInit(s: number, start: number, stop: number, lead: number): number;
  decWide(s: number, bits: number): number;
  decRun(s: number, probs: number, mean: number, out: number, from: number, to: number, br: number): number;
  bitsRead(br: number, start: number, stop: number): void;
  residuals(x: number, start: number, from: number, to: number, c: number, order: number, shift: number, r: number): void;
  autocorr(x: number, n: number, w: number, y: number, order: number, ac: number): void;
  restore(r: number, start: number, from: number, to: number, c: number, order: number, shift: number, x: number): void;
}

/** Bytes of one coder's state record (wasm/codec.ts). */
export const STATE_BYTES = 32;
/** Bytes of an LPC's coefficient area: 32 int32, then the kernel's reversed copy. */
export const COEF_BYTES = 256;
/** Bytes of the residual model's probabilities: 64 scale contexts × 33, u16. */
export const PROBS_BYTES = 64 * 33 * 2;
const PROB_INIT = 1024;

function base64Bytes(b64: string): Uint8Array {
  const text = atob(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

let instance: Kernel | undefined;

/** The kernel (one per realm). */
export function kernel(): Kernel {
  instance ??= new Kernel();
  return instance;
}

export class Kernel {
  readonly x: KernelExports;
  private top = 0;
  private buffer: ArrayBuffer | undefined;
  private u8v = new Uint8Array(0);
  private u16v = new Uint16Array(0);
  private i32v = new Int32Array(0);
  private f64v = new Float64Array(0);
  private u32v = new Uint32Array(0);

  constructor() {
    const module = new WebAssembly.Module(base64Bytes(KERNEL_WASM_BASE64) as Uint8Array<ArrayBuffer>);
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  }

  /** Frees everything allocated and makes room for `bytes` (plus alignment slack) of allocations. */
  reset(bytes: number): void {
    this.top = 64;
    const need = bytes + 64 + 4096;
    const memory = this.x.memory;
    if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    this.views();
  }

  /** `bytes` of memory, 8-aligned (grows the memory when reset() did not make room: views taken before go stale). */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = (at + bytes + 7) & ~7;
    const memory = this.x.memory;
    if (this.top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / 65536));
      this.views();
    }
    return at;
  }

  /** The allocation mark, for release(): scratch taken after it is given back. */
  mark(): number {
    return this.top;
  }
  release(mark: number): void {
    this.top = mark;
  }

  private views(): void {
    const buffer = this.x.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.u8v = new Uint8Array(buffer);
    this.u16v = new Uint16Array(buffer);
    this.i32v = new Int32Array(buffer);
    this.f64v = new Float64Array(buffer);
    this.u32v = new Uint32Array(buffer);
  }

  get u8(): Uint8Array {
    return this.u8v;
  }
  get i32(): Int32Array {
    return this.i32v;
  }
  get f64(): Float64Array {
    return this.f64v;
  }

  /** The residual model's initial state at `probs`. */
  resetProbs(probs: number): void {
    this.u16v.fill(PROB_INIT, probs >> 1, (probs + PROBS_BYTES) >> 1);
  }

  /** The u32 at a (4-aligned) address. */
  u32at(at: number): number {
    return this.u32v[at >> 2]!;
  }

  /** A coder's error / overflow word. */
  flag(s: number): number {
    return this.u32v[(s + 28) >> 2]!;
  }
}

/** Throws the CodecDecodeError a decoder's error word stands for (0: nothing). */
export function throwDecodeFlag(flag: number): void {
  if (flag === 0) return;
  if (flag === 1) throw new CodecDecodeError('truncated', 'coded stream ends early');
  if (flag === 2) throw new CodecDecodeError('symbol', 'coded value outside the raw-bit range');
  if (flag === 3) throw new CodecDecodeError('value', 'escape class > 32');
  if (flag === 4) throw new CodecDecodeError('value', 'decoded residual outside int32');
  throw new CodecDecodeError('header', 'coded stream does not start with a zero byte');
}
