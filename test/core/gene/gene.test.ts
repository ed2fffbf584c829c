import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16 } from '../../../src/core/codec/crc';
import { GENE_BYTES, GENE_VERSION, GeneDecodeError, GeneRangeError, decodeGene, encodeGene, isValidGene, type Gene } from '../../../src/core/gene/gene';
import { BIAS_LIMIT, LAGS, MU_MAX, MU_MIN, WEIGHT_LIMIT } from '../../../src/core/neuron/kernel';
import { persistenceGene } from '../../../src/core/neuron/linearNeuron';

const RUNS = { numRuns: 10_000 };

const edgeOr = (lo: number, hi: number) =>
  fc.oneof(
    fc.integer({ min: lo, max: hi }),
    fc.constantFrom(lo, hi, 0, -1, 1).filter((x) => x >= lo && x <= hi),
  );
const validGene: fc.Arbitrary<Gene> = fc.record({
  weights: fc.array(edgeOr(-WEIGHT_LIMIT, WEIGHT_LIMIT), { minLength: LAGS, maxLength: LAGS }).map((w) => Int32Array.from(w)),
  bias: edgeOr(-BIAS_LIMIT, BIAS_LIMIT),
  mu: edgeOr(MU_MIN, MU_MAX),
});

/** Recompute the trailing CRC so that a hand-edited encoding passes the checksum and reaches later checks. */
function withCrc(bytes: Uint8Array): Uint8Array {
  const crc = crc16(bytes, 0, GENE_BYTES - 2);
  bytes[GENE_BYTES - 2] = crc & 0xff;
  bytes[GENE_BYTES - 1] = crc >>> 8;
  return bytes;
}

function reasonOf(bytes: Uint8Array): string | null {
  try {
    decodeGene(bytes);
    return null;
  } catch (e) {
    if (e instanceof GeneDecodeError) return e.reason;
    throw e; // anything else fails the test
  }
}

describe('gene wire format v1', () => {
  it('is 32 bytes, fitting a 51-byte LoRa frame with a 19-byte header', () => {
    expect(GENE_BYTES).toBe(32);
    expect(encodeGene(persistenceGene()).length).toBe(GENE_BYTES);
  });

  it('pins the encoding of the persistence gene', () => {
    const hex = Buffer.from(encodeGene(persistenceGene())).toString('hex');
    // version 01 | w0 = 1.0 = 0x010000 as i24 LE | 7 zero weights | bias 0 | mu 3277 = 0x0ccd LE | crc16 LE
    expect(hex.slice(0, 8)).toBe('01000001');
    expect(hex.slice(8, 56)).toBe('0'.repeat(48));
    expect(hex.slice(56, 60)).toBe('cd0c');
    const crc = crc16(encodeGene(persistenceGene()), 0, 30);
    expect(hex.slice(60)).toBe(Buffer.from([crc & 0xff, crc >>> 8]).toString('hex'));
  });

  it('round-trips every valid gene exactly', () => {
    fc.assert(
      fc.property(validGene, (gene) => {
        const decoded = decodeGene(encodeGene(gene));
        expect(decoded.weights).toEqual(gene.weights);
        expect(decoded.bias).toBe(gene.bias);
        expect(decoded.mu).toBe(gene.mu);
        expect(isValidGene(decoded)).toBe(true);
      }),
      RUNS,
    );
  });

  it('rejects every single-bit flip of a valid encoding', () => {
    fc.assert(
      fc.property(validGene, fc.nat(GENE_BYTES * 8 - 1), (gene, bit) => {
        const bytes = encodeGene(gene);
        bytes[bit >> 3]! ^= 1 << (bit & 7);
        expect(reasonOf(bytes)).not.toBeNull();
      }),
      RUNS,
    );
    // And exhaustively, all 256 flips, for a few hundred genes.
    fc.assert(
      fc.property(validGene, (gene) => {
        const clean = encodeGene(gene);
        for (let bit = 0; bit < GENE_BYTES * 8; bit++) {
          const bytes = clean.slice();
          bytes[bit >> 3]! ^= 1 << (bit & 7);
          expect(reasonOf(bytes)).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('turns arbitrary bytes into a valid gene or a GeneDecodeError, never anything else', () => {
    const anyBytes = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 40 }),
      fc.uint8Array({ minLength: GENE_BYTES, maxLength: GENE_BYTES }),
      // version and checksum right, payload arbitrary: exercises the range checks
      fc.uint8Array({ minLength: GENE_BYTES, maxLength: GENE_BYTES }).map((b) => {
        b[0] = GENE_VERSION;
        return withCrc(b);
      }),
      // a valid encoding with a few payload bytes overwritten and the checksum fixed: valid or 'range'
      fc.tuple(validGene, fc.array(fc.tuple(fc.integer({ min: 1, max: GENE_BYTES - 3 }), fc.nat(255)), { maxLength: 3 })).map(([gene, edits]) => {
        const b = encodeGene(gene);
        for (const [at, value] of edits) b[at] = value;
        return withCrc(b);
      }),
    );
    let decoded = 0;
    const reasons = new Set<string>();
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        try {
          const gene = decodeGene(bytes);
          expect(isValidGene(gene)).toBe(true);
          expect(encodeGene(gene)).toEqual(bytes); // a valid decode has one canonical encoding
          decoded++;
        } catch (e) {
          expect(e).toBeInstanceOf(GeneDecodeError);
          expect(['length', 'version', 'checksum', 'range']).toContain((e as GeneDecodeError).reason);
          reasons.add((e as GeneDecodeError).reason);
        }
      }),
      RUNS,
    );
    // The generator reaches the success path and every kind of rejection.
    expect(decoded).toBeGreaterThan(0);
    expect([...reasons].sort()).toEqual(['checksum', 'length', 'range', 'version']);
  });

  it('names the failed check', () => {
    const good = encodeGene(persistenceGene());
    expect(reasonOf(good.slice(0, 31))).toBe('length');
    expect(reasonOf(new Uint8Array(33))).toBe('length');
    expect(reasonOf(null as unknown as Uint8Array)).toBe('length');
    expect(reasonOf([...good] as unknown as Uint8Array)).toBe('length');
    const v2 = good.slice();
    v2[0] = 2;
    expect(reasonOf(withCrc(v2))).toBe('version');
    const badCrc = good.slice();
    badCrc[31]! ^= 0xff;
    expect(reasonOf(badCrc)).toBe('checksum');
    const bigWeight = good.slice();
    bigWeight[1 + 2] = 0x7f; // weight 0 ≈ +127.0 > WEIGHT_LIMIT
    expect(reasonOf(withCrc(bigWeight))).toBe('range');
    const zeroMu = good.slice();
    zeroMu[28] = 0;
    zeroMu[29] = 0;
    expect(reasonOf(withCrc(zeroMu))).toBe('range');
  });

  it('decodes negative fields with sign extension', () => {
    const gene: Gene = { weights: Int32Array.from([-WEIGHT_LIMIT, -1, 0, 1, -65536, 5, -5, WEIGHT_LIMIT]), bias: -BIAS_LIMIT, mu: MU_MAX };
    expect(decodeGene(encodeGene(gene))).toEqual(gene);
  });

  it('encodeGene refuses an out-of-range gene with GeneRangeError', () => {
    const good = persistenceGene();
    expect(() => encodeGene({ ...good, bias: BIAS_LIMIT + 1 })).toThrow(GeneRangeError);
    expect(() => encodeGene({ ...good, mu: 0 })).toThrow(GeneRangeError);
    expect(() => encodeGene({ ...good, weights: new Int32Array(9) })).toThrow(GeneRangeError);
  });
});
