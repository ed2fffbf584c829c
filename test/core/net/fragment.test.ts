import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32 } from '../../../src/core/codec/crc';
import { FRAGMENT_HEADER_BYTES, FragmentDecodeError, Reassembler, fragment, fragmentCount, parseFrame } from '../../../src/core/net/fragment';

const MTUS = [51, 127, 1400];

function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** A frame with a valid checksum over an arbitrary header, to reach the checks behind the CRC. */
function craft(messageId: number, index: number, count: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(FRAGMENT_HEADER_BYTES + payload.length);
  f[4] = messageId & 0xff;
  f[5] = messageId >>> 8;
  f[6] = index;
  f[7] = count;
  f.set(payload, FRAGMENT_HEADER_BYTES);
  const c = crc32(f, 4);
  f[0] = c & 0xff;
  f[1] = (c >>> 8) & 0xff;
  f[2] = (c >>> 16) & 0xff;
  f[3] = c >>> 24;
  return f;
}

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof FragmentDecodeError) return err.reason;
    throw err;
  }
  return undefined;
}

describe('fragment', () => {
  it('has a header of at most 8 bytes', () => {
    expect(FRAGMENT_HEADER_BYTES).toBeLessThanOrEqual(8);
  });

  it.each(MTUS)('round-trips messages of many sizes at mtu %i, every frame ≤ mtu', (mtu) => {
    for (const size of [0, 1, mtu - FRAGMENT_HEADER_BYTES, mtu - FRAGMENT_HEADER_BYTES + 1, 1000, 5000]) {
      const msg = bytes(size, size + 7);
      const frames = fragment(42, msg, mtu);
      expect(frames.length).toBe(fragmentCount(size, mtu));
      for (const f of frames) expect(f.length).toBeLessThanOrEqual(mtu);
      const r = new Reassembler();
      let out: Uint8Array | null = null;
      frames.forEach((f, i) => {
        out = r.push(7, f);
        if (i < frames.length - 1) expect(out).toBeNull();
      });
      expect(out).toEqual(msg);
      expect(r.partialCount).toBe(0);
      expect(r.stats.completed).toBe(1);
    }
  });

  it('throws RangeError for > 255 frames, mtu ≤ header, or a bad id', () => {
    expect(() => fragment(1, new Uint8Array(43 * 255), 51)).not.toThrow();
    expect(() => fragment(1, new Uint8Array(43 * 255 + 1), 51)).toThrow(RangeError);
    expect(() => fragment(1, new Uint8Array(4), FRAGMENT_HEADER_BYTES)).toThrow(RangeError);
    expect(() => fragment(65536, new Uint8Array(4), 51)).toThrow(RangeError);
    expect(() => fragment(-1, new Uint8Array(4), 51)).toThrow(RangeError);
  });

  it('delivers a single-frame message without buffering a partial', () => {
    const r = new Reassembler();
    const [f] = fragment(3, bytes(20), 51);
    expect(r.push(1, f!)).toEqual(bytes(20));
    expect(r.partialCount).toBe(0);
  });
});

describe('Reassembler', () => {
  it('waits on a lost fragment, and expire() drops the partial', () => {
    const r = new Reassembler();
    const frames = fragment(9, bytes(200), 51);
    for (let i = 0; i < frames.length; i++) if (i !== 2) expect(r.push(1, frames[i]!)).toBeNull();
    expect(r.partialCount).toBe(1);
    expect(r.expire((key, id) => key === 2 || id === 8)).toBe(0);
    expect(r.expire((key, id) => key === 1 && id === 9)).toBe(1);
    expect(r.partialCount).toBe(0);
    expect(r.push(1, frames[2]!)).toBeNull(); // starts a fresh partial, the rest is gone
  });

  it('ignores and counts duplicates, also after completion', () => {
    const r = new Reassembler();
    const frames = fragment(5, bytes(120), 51);
    expect(r.push(1, frames[0]!)).toBeNull();
    expect(r.push(1, frames[0]!)).toBeNull();
    expect(r.stats.duplicates).toBe(1);
    expect(r.push(1, frames[1]!)).toBeNull();
    expect(r.push(1, frames[2]!)).toEqual(bytes(120));
    expect(r.push(1, frames[1]!)).toBeNull();
    const [single] = fragment(6, bytes(3), 51);
    expect(r.push(1, single!)).toEqual(bytes(3));
    expect(r.push(1, single!)).toBeNull();
    expect(r.stats).toEqual({ duplicates: 3, evicted: 0, completed: 2 });
    expect(r.partialCount).toBe(0);
  });

  it('keeps ids of different streams apart and handles interleaving', () => {
    const r = new Reassembler();
    const a = fragment(1, bytes(300, 1), 127);
    const b = fragment(1, bytes(300, 2), 127);
    const c = fragment(2, bytes(300, 3), 127);
    const got: [number, Uint8Array][] = [];
    for (let i = 0; i < a.length; i++) {
      for (const [key, fr] of [
        [10, a[i]!],
        [11, b[i]!],
        [10, c[i]!],
      ] as const) {
        const m = r.push(key, fr);
        if (m) got.push([key, m]);
      }
    }
    expect(got).toEqual([
      [10, bytes(300, 1)],
      [11, bytes(300, 2)],
      [10, bytes(300, 3)],
    ]);
  });

  it('bounds buffered partials by evicting the oldest', () => {
    const r = new Reassembler({ maxPartial: 2 });
    const msgs = [1, 2, 3].map((id) => fragment(id, bytes(100, id), 51));
    for (const m of msgs) r.push(1, m[0]!);
    expect(r.partialCount).toBe(2);
    expect(r.stats.evicted).toBe(1);
    expect(r.push(1, msgs[1]![1]!)).toBeNull();
    expect(r.push(1, msgs[1]![2]!)).toEqual(bytes(100, 2));
    // Message 1 was evicted: its remaining frames cannot complete it.
    expect(r.push(1, msgs[0]![1]!)).toBeNull();
    expect(r.push(1, msgs[0]![2]!)).toBeNull();
    expect(r.partialCount).toBe(2);
  });

  it('rejects malformed frames with a reason and changes nothing', () => {
    const r = new Reassembler();
    const frames = fragment(4, bytes(100), 51);
    r.push(1, frames[0]!);
    const before = { partial: r.partialCount, stats: { ...r.stats } };
    const flipped = frames[1]!.slice();
    flipped[20]! ^= 1;
    expect(reasonOf(() => r.push(1, new Uint8Array(7)))).toBe('short');
    expect(reasonOf(() => r.push(1, flipped))).toBe('checksum');
    expect(reasonOf(() => r.push(1, craft(4, 3, 3, bytes(5))))).toBe('index');
    expect(reasonOf(() => r.push(1, craft(4, 0, 0, bytes(5))))).toBe('count');
    expect(reasonOf(() => r.push(1, craft(4, 1, 4, bytes(5))))).toBe('mismatch');
    expect({ partial: r.partialCount, stats: r.stats }).toEqual(before);
    expect(r.push(1, frames[1]!)).toBeNull();
    expect(r.push(1, frames[2]!)).toEqual(bytes(100));
  });

  it('reassembles any order of any message at any mtu (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.constantFrom(...MTUS),
        fc.integer({ min: 0, max: 0xffff }),
        fc.infiniteStream(fc.nat()),
        (msg, mtu, id, randoms) => {
          const frames = fragment(id, msg, mtu);
          const order = frames.map((f, i) => [randoms.next().value as number, i, f] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
          const r = new Reassembler();
          const outs = order.map(([, , f]) => r.push(0, f)).filter((o) => o !== null);
          expect(outs).toEqual([msg]);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('arbitrary bytes → FragmentDecodeError, null or a message; never anything else (10,000 cases)', () => {
    const r = new Reassembler({ maxPartial: 4 });
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .record({ id: fc.integer({ min: 0, max: 3 }), index: fc.nat(255), count: fc.nat(255), payload: fc.uint8Array({ maxLength: 16 }) })
        .map(({ id, index, count, payload }) => craft(id, index % 4 === 0 ? index : index % 5, count % 4 === 0 ? count : count % 4, payload)),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), frame, (key, f) => {
        const partialsBefore = r.partialCount;
        try {
          const out = r.push(key, f);
          expect(out === null || out instanceof Uint8Array).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(FragmentDecodeError);
          expect(r.partialCount).toBe(partialsBefore);
        }
        expect(r.partialCount).toBeLessThanOrEqual(4);
      }),
      { numRuns: 10_000 },
    );
    expect(r.stats.completed).toBeGreaterThan(0);
  });

  it('parseFrame reads back what fragment wrote', () => {
    const frames = fragment(0xbeef, bytes(90), 51);
    expect(frames.map((f) => parseFrame(f))).toEqual([0, 1, 2].map((index) => ({ messageId: 0xbeef, index, count: 3 })));
  });
});
