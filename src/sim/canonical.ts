// Canonical bytes of the sim's state, for the state hash (src/sim/stateHash.ts): a little-endian writer with
// length-prefixed byte strings, and a generic encoding of queue entries (numbers, byte arrays, arrays and plain
// objects in key order, each tagged so that different shapes never encode alike).

export class CanonicalWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private at = 0;

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(x: number): this {
    this.room(1);
    this.buf[this.at++] = x;
    return this;
  }

  u32(x: number): this {
    this.room(4);
    this.view.setUint32(this.at, x >>> 0, true);
    this.at += 4;
    return this;
  }

  f64(x: number): this {
    this.room(8);
    this.view.setFloat64(this.at, x, true);
    this.at += 8;
    return this;
  }

  /** Length-prefixed bytes of any typed array (its own byte order: the sim runs little-endian everywhere). */
  bytes(a: ArrayBufferView): this {
    this.u32(a.byteLength);
    this.room(a.byteLength);
    this.buf.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), this.at);
    this.at += a.byteLength;
    return this;
  }

  string(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }

  bigint(x: bigint): this {
    return this.string(x.toString(16));
  }

  /** Any value: numbers (as f64), booleans, null, strings, bigints, typed arrays, arrays, Maps and Sets (in
   *  insertion order, which is part of the state where it decides iteration order), plain objects (own keys in
   *  order). A function is written as its tag alone: its closure cannot be read. */
  value(v: unknown): this {
    if (v === null || v === undefined) return this.u8(0);
    if (typeof v === 'number') return this.u8(1).f64(v);
    if (typeof v === 'boolean') return this.u8(2).u8(v ? 1 : 0);
    if (typeof v === 'string') return this.u8(3).string(v);
    if (typeof v === 'bigint') return this.u8(4).bigint(v);
    if (ArrayBuffer.isView(v)) return this.u8(5).bytes(v);
    if (Array.isArray(v)) {
      this.u8(6).u32(v.length);
      for (const x of v) this.value(x);
      return this;
    }
    if (v instanceof Map) {
      this.u8(8).u32(v.size);
      for (const [k, x] of v) this.value(k).value(x);
      return this;
    }
    if (v instanceof Set) {
      this.u8(9).u32(v.size);
      for (const x of v) this.value(x);
      return this;
    }
    if (typeof v === 'function') return this.u8(10);
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      this.u8(7).u32(entries.length);
      for (const [k, x] of entries) this.string(k).value(x);
      return this;
    }
    throw new TypeError(`canonical: cannot encode a ${typeof v}`);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}
