// The --secure state as canonical bytes, for the state hash: read from the SecureState structure of
// src/sim/secure.ts (chains, outboxes, partial and completed bodies, receivers' records of each sender's chain)
// without touching it. Every field is hashed, generically (so a field added there is hashed
// too), except two that decide nothing:
// - `verdicts`: a memo of a pure function (the verdict on (sender, body bytes)); dropping it changes no outcome.
// - `rejections`: counts kept for diagnostics and tests.
// Each chain's byte source is a closure whose position cannot be read; what it produced (the commitments and
// the openings' blinding factors) is hashed. Maps are hashed in insertion order: the outbox's order decides
// which node's part goes on air first.
import { CanonicalWriter } from './canonical';
import type { SecureState } from './secure';

/** Fields of SecureState left out of the hash, with the reason above. */
export const SECURE_UNHASHED: ReadonlySet<string> = new Set(['verdicts', 'rejections']);

export function secureStateBytes(state: SecureState): Uint8Array {
  const w = new CanonicalWriter();
  const fields = Object.entries(state as unknown as Record<string, unknown>).filter(([k]) => !SECURE_UNHASHED.has(k));
  w.u32(fields.length);
  for (const [name, value] of fields) w.string(name).value(value);
  return w.finish();
}
