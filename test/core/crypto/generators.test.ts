import { describe, expect, it } from 'vitest';
import { GENE_COORDINATES, RANGE_PROOF_LENGTH, generators, hashToGenerator } from '../../../src/core/crypto/generators';
import { Point } from '../../../src/core/crypto/group';
import { bytesToHex } from '@noble/hashes/utils.js';

describe('generators', () => {
  const gens = generators();
  const named = [gens.B, gens.H, ...gens.G];
  const all = [...named, ...gens.g, ...gens.h];

  it('has the expected counts and is reproducible from the names', () => {
    expect(gens.G).toHaveLength(GENE_COORDINATES);
    expect(gens.g).toHaveLength(RANGE_PROOF_LENGTH);
    expect(hashToGenerator('pedersen/H').equals(gens.H)).toBe(true);
  });

  it('are all distinct and none is the identity', () => {
    const encodings = new Set(all.map((p) => bytesToHex(p.toBytes())));
    expect(encodings.size).toBe(all.length);
    expect(all.some((p) => p.is0())).toBe(false);
  });

  it('no generator is k·P for |k| ≤ 1000 and P the base point, B, H or a G_i', () => {
    const multiples = new Map<string, string>();
    for (const [name, P] of [['base', Point.BASE], ['B', gens.B], ['H', gens.H], ...gens.G.map((g, i) => [`G${i}`, g] as const)] as const) {
      let acc = Point.ZERO;
      for (let k = 1; k <= 1000; k++) {
        acc = acc.add(P);
        const enc = acc.toBytes();
        multiples.set(bytesToHex(enc), `${k}·${name}`);
        multiples.set(bytesToHex(acc.negate().toBytes()), `-${k}·${name}`);
      }
    }
    // A generator equal to ±1·itself is expected; anything else is a small-multiple relation.
    const hits = all.flatMap((p, i) => {
      const hit = multiples.get(bytesToHex(p.toBytes()));
      const self = i === 0 ? '1·B' : i === 1 ? '1·H' : i < 2 + GENE_COORDINATES ? `1·G${i - 2}` : undefined;
      return hit && hit !== self ? [`generator ${i} = ${hit}`] : [];
    });
    expect(hits).toEqual([]);
  }, 20_000);
});
