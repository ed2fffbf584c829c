// The swarm roster (issue 13): which node id speaks with which public key, and who has been revoked. It is
// public (every node and the broker hold a copy); only the node key files are secret. JSON, one file:
//
//   { "format": "qres-roster-v1", "swarm": "demo",
//     "nodes": { "1": { "publicKey": "<64 hex>", "revoked": false }, "2": { ... } } }
//
// Ids are never reused: revoking keeps the entry (revoked: true), so an old key can never come back under
// its old id, and `add` of an id that exists (revoked or not) is refused. A public key may appear only once.
// Pure: parse and serialise strings; reading and writing files is src/net/keyFiles.ts's job.
import {
  fromHex,
  isValidPublicKey,
  KeyError,
  MAX_IDENTITY_NODE_ID,
  PUBLIC_KEY_BYTES,
  SECRET_KEY_BYTES,
  SWARM_NAME_PATTERN,
  toHex,
  publicKeyOf,
  equalBytes,
} from './keys';

export const ROSTER_FORMAT = 'qres-roster-v1';
export const NODE_KEY_FORMAT = 'qres-node-key-v1';

export interface RosterEntry {
  readonly id: number;
  /** Ed25519, 32 bytes. */
  readonly publicKey: Uint8Array;
  readonly revoked: boolean;
}

export interface Roster {
  readonly swarm: string;
  /** Every node ever added, revoked ones included, by id. */
  readonly nodes: ReadonlyMap<number, RosterEntry>;
}

export type RosterErrorReason = 'json' | 'format' | 'swarm' | 'id' | 'key' | 'duplicate-key' | 'exists' | 'missing';

/** A roster that cannot be parsed or an operation on it that is not allowed. */
export class RosterError extends Error {
  override readonly name = 'RosterError';
  constructor(
    readonly reason: RosterErrorReason,
    message: string,
  ) {
    super(message);
  }
}

function checkSwarm(swarm: unknown): string {
  if (typeof swarm !== 'string' || !SWARM_NAME_PATTERN.test(swarm)) {
    throw new RosterError('swarm', `swarm name must match ${SWARM_NAME_PATTERN}, got ${JSON.stringify(swarm)}`);
  }
  return swarm;
}

function checkId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_IDENTITY_NODE_ID) {
    throw new RosterError('id', `node id must be an integer in [0, ${MAX_IDENTITY_NODE_ID}], got ${JSON.stringify(id)}`);
  }
  return id;
}

export function createRoster(swarm: string): Roster {
  return { swarm: checkSwarm(swarm), nodes: new Map() };
}

/** A new roster with node `id` added under `publicKey`. */
export function addMember(roster: Roster, id: number, publicKey: Uint8Array): Roster {
  checkId(id);
  if (!isValidPublicKey(publicKey)) throw new RosterError('key', `node ${id}: not a valid Ed25519 public key`);
  const existing = roster.nodes.get(id);
  if (existing) throw new RosterError('exists', `node ${id} is already in the roster${existing.revoked ? ' (revoked; ids are never reused)' : ''}`);
  for (const e of roster.nodes.values()) {
    if (equalBytes(e.publicKey, publicKey)) throw new RosterError('duplicate-key', `node ${id}: this public key already belongs to node ${e.id}`);
  }
  const nodes = new Map(roster.nodes);
  nodes.set(id, { id, publicKey: publicKey.slice(), revoked: false });
  return { swarm: roster.swarm, nodes: sortById(nodes) };
}

/** A new roster with node `id` revoked (it stays listed, so that its id and key are never accepted again). */
export function revokeMember(roster: Roster, id: number): Roster {
  checkId(id);
  const existing = roster.nodes.get(id);
  if (!existing) throw new RosterError('missing', `node ${id} is not in the roster`);
  const nodes = new Map(roster.nodes);
  nodes.set(id, { ...existing, revoked: true });
  return { swarm: roster.swarm, nodes };
}

/** The entry of a node that may speak now (in the roster, not revoked); undefined otherwise. */
export function activeMember(roster: Roster, id: number): RosterEntry | undefined {
  const e = roster.nodes.get(id);
  return e && !e.revoked ? e : undefined;
}

export function activeMembers(roster: Roster): RosterEntry[] {
  return [...roster.nodes.values()].filter((e) => !e.revoked);
}

function sortById(nodes: Map<number, RosterEntry>): Map<number, RosterEntry> {
  return new Map([...nodes.entries()].sort((a, b) => a[0] - b[0]));
}

export function serializeRoster(roster: Roster): string {
  const nodes: Record<string, { publicKey: string; revoked: boolean }> = {};
  for (const e of [...roster.nodes.values()].sort((a, b) => a.id - b.id)) nodes[String(e.id)] = { publicKey: toHex(e.publicKey), revoked: e.revoked };
  return `${JSON.stringify({ format: ROSTER_FORMAT, swarm: roster.swarm, nodes }, null, 2)}\n`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks a roster file's text. Throws RosterError (with a reason) and nothing else. */
export function parseRoster(text: string): Roster {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RosterError('json', `roster is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(json) || json.format !== ROSTER_FORMAT) throw new RosterError('format', `roster must be an object with "format": "${ROSTER_FORMAT}"`);
  const extra = Object.keys(json).filter((k) => !['format', 'swarm', 'nodes'].includes(k));
  if (extra.length > 0) throw new RosterError('format', `roster has unknown field(s) ${extra.join(', ')}`);
  let roster = createRoster(checkSwarm(json.swarm));
  if (!isObject(json.nodes)) throw new RosterError('format', 'roster "nodes" must be an object keyed by node id');
  const revoked: number[] = [];
  for (const [key, value] of Object.entries(json.nodes)) {
    if (!/^(0|[1-9][0-9]{0,4})$/.test(key)) throw new RosterError('id', `roster node id ${JSON.stringify(key)} is not a decimal integer`);
    const id = checkId(Number(key));
    if (!isObject(value) || typeof value.revoked !== 'boolean' || Object.keys(value).some((k) => k !== 'publicKey' && k !== 'revoked')) {
      throw new RosterError('format', `roster node ${id} must be { "publicKey": hex, "revoked": boolean }`);
    }
    let publicKey: Uint8Array;
    try {
      publicKey = fromHex(value.publicKey, PUBLIC_KEY_BYTES, `node ${id} publicKey`);
    } catch (err) {
      throw new RosterError('key', (err as Error).message);
    }
    roster = addMember(roster, id, publicKey);
    if (value.revoked) revoked.push(id);
  }
  for (const id of revoked) roster = revokeMember(roster, id);
  return roster;
}

/** A node's own key file (secret; mode 0600):
 *  { "format": "qres-node-key-v1", "swarm": "demo", "id": 7, "secretKey": "<64 hex>" } */
export interface NodeKey {
  swarm: string;
  id: number;
  secretKey: Uint8Array;
}

export function serializeNodeKey(key: NodeKey): string {
  return `${JSON.stringify({ format: NODE_KEY_FORMAT, swarm: checkSwarm(key.swarm), id: checkId(key.id), secretKey: toHex(key.secretKey) })}\n`;
}

/** Parses a node key file. Throws KeyError, whose message never contains key material. */
export function parseNodeKey(text: string): NodeKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyError('node key file is not JSON');
  }
  if (!isObject(json) || json.format !== NODE_KEY_FORMAT) throw new KeyError(`node key file must have "format": "${NODE_KEY_FORMAT}"`);
  try {
    return { swarm: checkSwarm(json.swarm), id: checkId(json.id), secretKey: fromHex(json.secretKey, SECRET_KEY_BYTES, 'secretKey') };
  } catch (err) {
    if (err instanceof RosterError) throw new KeyError(`node key file: ${err.message}`);
    throw err;
  }
}

/** Checks that a node key belongs to the roster: same swarm, a member that is not revoked, same public key. */
export function checkNodeKey(roster: Roster, key: NodeKey): RosterEntry {
  if (key.swarm !== roster.swarm) throw new KeyError(`the key is for swarm ${key.swarm}, the roster for ${roster.swarm}`);
  const entry = roster.nodes.get(key.id);
  if (!entry) throw new KeyError(`node ${key.id} is not in the roster of swarm ${roster.swarm}`);
  if (entry.revoked) throw new KeyError(`node ${key.id} is revoked in the roster of swarm ${roster.swarm}`);
  if (!equalBytes(publicKeyOf(key.secretKey), entry.publicKey)) throw new KeyError(`node ${key.id}'s key does not match its public key in the roster`);
  return entry;
}
