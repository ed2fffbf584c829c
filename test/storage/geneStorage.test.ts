import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_NODE_ID, StorageError, isNodeId, recordBytes, validateBatch } from '../../src/storage/geneStorage';

describe('isNodeId', () => {
  it('accepts exactly the integers 0 … 2^32 − 1', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 32, -0, NaN, Infinity)), (v) => {
        expect(isNodeId(v)).toBe(Number.isInteger(v) && v >= 0 && v <= MAX_NODE_ID);
      }),
      { numRuns: 2_000 },
    );
    expect(isNodeId('1')).toBe(false);
    expect(isNodeId(1n)).toBe(false);
  });
});

describe('validateBatch', () => {
  it('accepts well-formed batches and names the bad entry otherwise', () => {
    expect(() =>
      validateBatch([
        [0, new Uint8Array(0)],
        [MAX_NODE_ID, Uint8Array.of(1)],
      ]),
    ).not.toThrow();
    const error = (() => {
      try {
        validateBatch([
          [1, Uint8Array.of(1)],
          [2, 'x' as unknown as Uint8Array],
        ]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).operation).toBe('save');
    expect((error as StorageError).message).toMatch(/entry 1 \(id 2\)/);
    expect(() => validateBatch('no' as unknown as [])).toThrow(StorageError);
  });
});

describe('recordBytes', () => {
  it('copies byte values and explains every other value', () => {
    const source = Uint8Array.of(1, 2, 3);
    const copy = recordBytes(source) as Uint8Array;
    expect(copy).toEqual(source);
    copy[0] = 9;
    expect(source[0]).toBe(1);
    expect(recordBytes(Uint8Array.of(5).buffer)).toEqual(Uint8Array.of(5));
    expect(recordBytes(42)).toBe('value is number, not bytes');
    expect(recordBytes([1])).toBe('value is array, not bytes');
    expect(recordBytes(new Int16Array(2))).toBe('value is Int16Array, not bytes');
    expect(recordBytes(undefined)).toBe('value is undefined, not bytes');
  });
});
