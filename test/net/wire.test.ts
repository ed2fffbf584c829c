import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeGene, GENE_BYTES } from '../../src/core/gene/gene';
import { DEFAULT_MU } from '../../src/core/neuron/kernel';
import {
  decodeWire,
  encodeAnnounce,
  encodeConsensus,
  encodeReply,
  encodeRequest,
  encodeStatus,
  encodeSummary,
  HEADER_BYTES,
  MSG_ANNOUNCE,
  MSG_CONSENSUS,
  MSG_REPLY,
  MSG_REQUEST,
  MSG_STATUS,
  MSG_SUMMARY,
  WireDecodeError,
  encodeSecureReply,
  MSG_SECURE_REPLY,
} from '../../src/net/wire';
import { commitGene, seededByteSource } from '../../src/core/crypto';
import { ANCHOR_BODY_BYTES, encodeSecureBody, KIND_ANCHOR, openingScalar } from '../../src/core/rules/secureBody';

const gene = { weights: Int32Array.from([65536, -3000, 20, 0, 0, 5, -5, 100]), bias: 1234, mu: DEFAULT_MU };

describe('wire format', () => {
  it('round-trips every message type with the documented sizes', () => {
    const req = encodeRequest(7, 513);
    expect(req.length).toBe(6);
    expect(decodeWire(req)).toEqual({ type: MSG_REQUEST, from: 7, seq: 513 });
    const reply = encodeReply(65535, gene);
    expect(reply.length).toBe(HEADER_BYTES + GENE_BYTES);
    const r = decodeWire(reply);
    expect(r.type === MSG_REPLY && r.from === 65535 && Array.from(r.gene.weights)).toEqual(Array.from(gene.weights));
    const cons = encodeConsensus(3, 0xfffffffe, gene);
    expect(cons.length).toBe(40);
    const c = decodeWire(cons);
    expect(c.type === MSG_CONSENSUS && c.round).toBe(0xfffffffe);
    const ann = encodeAnnounce(9, { flags: 0b10110, round: 42, heard: [1, 2, 3], banned: [65000] });
    expect(ann.length).toBe(HEADER_BYTES + 7 + 8);
    expect(decodeWire(ann)).toEqual({ type: MSG_ANNOUNCE, from: 9, flags: 0b10110, round: 42, heard: [1, 2, 3], banned: [65000] });
    expect(decodeWire(encodeStatus(4, false))).toEqual({ type: MSG_STATUS, from: 4, online: false });
    const sum = encodeSummary(1, { round: 5, weights: gene.weights, bias: gene.bias, spread: 300 });
    expect(sum.length).toBe(38);
    const s = decodeWire(sum);
    expect(s.type === MSG_SUMMARY && s.summary.round).toBe(5);
  });

  it('rejects a bad magic, an unknown type, a wrong length and a damaged gene', () => {
    const reply = encodeReply(1, gene);
    const reasons = (bytes: Uint8Array): string => {
      try {
        decodeWire(bytes);
        return 'ok';
      } catch (err) {
        expect(err).toBeInstanceOf(WireDecodeError);
        return (err as WireDecodeError).reason;
      }
    };
    expect(reasons(new Uint8Array(0))).toBe('length');
    const badMagic = reply.slice();
    badMagic[0] = 0x52;
    expect(reasons(badMagic)).toBe('magic');
    const badType = reply.slice();
    badType[1] = 99;
    expect(reasons(badType)).toBe('type');
    expect(reasons(reply.subarray(0, reply.length - 1))).toBe('length');
    const damaged = reply.slice();
    damaged[HEADER_BYTES + 5] ^= 1;
    expect(reasons(damaged)).toBe('body');
    const status = encodeStatus(1, true);
    status[HEADER_BYTES] = 2;
    expect(reasons(status)).toBe('body');
    const ann = encodeAnnounce(1, { flags: 0, round: 0, heard: [1], banned: [] });
    ann[HEADER_BYTES + 5] = 200; // claims 200 ids
    expect(reasons(ann)).toBe('body');
  });

  it('never throws anything but WireDecodeError on arbitrary bytes (10,000 cases)', () => {
    const valid = [
      encodeRequest(1, 2),
      encodeReply(1, gene),
      encodeConsensus(1, 2, gene),
      encodeStatus(1, true),
      encodeAnnounce(1, { flags: 1, round: 1, heard: [2], banned: [3] }),
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.tuple(fc.constantFrom(...valid), fc.nat(79), fc.integer({ min: 1, max: 255 })).map(([v, at, x]) => {
            const b = v.slice();
            b[at % b.length] ^= x;
            return b;
          }),
        ),
        (bytes) => {
          try {
            decodeWire(bytes);
          } catch (err) {
            return err instanceof WireDecodeError;
          }
          return true;
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('refuses to encode an out-of-range sender or gene', () => {
    expect(() => encodeRequest(70000, 1)).toThrow(RangeError);
    expect(() => encodeReply(1, { ...gene, mu: 0 })).toThrow(RangeError);
    expect(encodeGene(gene).length).toBe(GENE_BYTES);
  });

  it('carries a secure cure body as one message; a malformed body is a WireDecodeError (never another error)', () => {
    const source = seededByteSource('wire-secure');
    const { commitment, opening } = commitGene({ weights: Array.from(gene.weights), bias: gene.bias }, source);
    const geneBytes = encodeGene(gene);
    const rho = openingScalar(9, 3, geneBytes, commitment, opening.blinds);
    const body = encodeSecureBody({ kind: KIND_ANCHOR, position: 3, geneBytes, commitment, rho, prev: null, links: [], proofs: [] });
    const bytes = encodeSecureReply(9, body);
    expect(bytes.length).toBe(HEADER_BYTES + ANCHOR_BODY_BYTES);
    const m = decodeWire(bytes);
    expect(m.type).toBe(MSG_SECURE_REPLY);
    if (m.type !== MSG_SECURE_REPLY) return;
    expect(m.from).toBe(9);
    expect(m.bytes).toEqual(body);
    expect(m.secure.position).toBe(3);
    expect(Array.from(m.secure.gene.weights)).toEqual(Array.from(gene.weights));
    const reason = (b: Uint8Array): string => {
      try {
        decodeWire(b);
        return 'ok';
      } catch (err) {
        expect(err).toBeInstanceOf(WireDecodeError);
        return (err as WireDecodeError).reason;
      }
    };
    expect(reason(bytes.subarray(0, bytes.length - 1))).toBe('length');
    const badKind = bytes.slice();
    badKind[HEADER_BYTES + 1] = 9;
    expect(reason(badKind)).toBe('body');
    const badGene = bytes.slice();
    badGene[HEADER_BYTES + 7 + 5] ^= 1; // the gene's CRC catches it
    expect(reason(badGene)).toBe('body');
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 1600 }), (at, x, junk) => {
        for (const b of [Uint8Array.of(0x51, MSG_SECURE_REPLY, 9, 0, ...junk), bytes.slice()]) {
          b[at % b.length]! ^= x;
          try {
            decodeWire(b);
          } catch (err) {
            if (!(err instanceof WireDecodeError)) return false;
          }
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
