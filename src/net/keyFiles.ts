// The key directory `qres keys` writes and a node reads (issue 13):
//
//   DIR/roster.json          public: the roster (src/core/identity/roster.ts)                 0644
//   DIR/nodes/<id>.key       secret: one node's key file { format, swarm, id, secretKey }     0600 (dir 0700)
//   DIR/group.key            secret: the swarm's 32-byte group key, hex (group-MIC mode only) 0600
//   DIR/viewer.json          secret: { "username": "viewer", "password": ... } (read-only)   0600
//   DIR/mosquitto/passwd     Mosquitto password file (PBKDF2 hashes only)                     0600
//   DIR/mosquitto/acl        Mosquitto ACL file                                               0644
//   DIR/mosquitto/mosquitto.conf                                                              0644
//
// A device needs only roster.json and its own nodes/<id>.key (plus group.key for group MICs). Every file is
// written atomically (a temp file in the same directory, fsync, rename), so a crash leaves the old file or the
// new one, never half of one. Errors are KeyFileError with one clear line, never with key material.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { fromHex, KeyError, toHex } from '../core/identity/keys';
import { GROUP_KEY_BYTES } from '../core/identity/mic';
import { checkNodeKey, parseNodeKey, parseRoster, RosterError, serializeNodeKey, serializeRoster, type NodeKey, type Roster } from '../core/identity/roster';
import { VIEWER_USERNAME } from './brokerAcl';

export const ROSTER_FILE = 'roster.json';
export const NODES_DIR = 'nodes';
export const GROUP_KEY_FILE = 'group.key';
export const VIEWER_FILE = 'viewer.json';
export const MOSQUITTO_DIR = 'mosquitto';

/** A key directory file that is missing, unreadable or wrong. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

/** Writes `data` to `path` atomically with `mode` (the temp file has the mode from its creation on). */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    chmodSync(tmp, mode); // the umask may have narrowed it; never widen beyond `mode`
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // directory fsync is best effort (not supported everywhere)
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyFileError(code === 'ENOENT' ? `${what} ${path} does not exist` : `cannot read ${what} ${path}: ${code ?? String(err)}`);
  }
}

export function rosterPath(dir: string): string {
  return join(dir, ROSTER_FILE);
}

export function nodeKeyPath(dir: string, id: number): string {
  return join(dir, NODES_DIR, `${id}.key`);
}

export function readRoster(dir: string): Roster {
  const path = rosterPath(dir);
  try {
    return parseRoster(readText(path, 'roster'));
  } catch (err) {
    if (err instanceof RosterError) throw new KeyFileError(`${path}: ${err.message}`);
    throw err;
  }
}

export function writeRoster(dir: string, roster: Roster): void {
  writeFileAtomic(rosterPath(dir), serializeRoster(roster), 0o644);
}

export function readNodeKey(dir: string, id: number): NodeKey {
  const path = nodeKeyPath(dir, id);
  let key: NodeKey;
  try {
    key = parseNodeKey(readText(path, 'node key file'));
  } catch (err) {
    if (err instanceof KeyError) throw new KeyFileError(`${path}: ${err.message}`);
    throw err;
  }
  if (key.id !== id) throw new KeyFileError(`${path} holds the key of node ${key.id}, not ${id}`);
  return key;
}

export function writeNodeKey(dir: string, key: NodeKey): void {
  mkdirSync(join(dir, NODES_DIR), { recursive: true, mode: 0o700 });
  writeFileAtomic(nodeKeyPath(dir, key.id), serializeNodeKey(key), 0o600);
}

export function readGroupKey(dir: string): Uint8Array {
  const path = join(dir, GROUP_KEY_FILE);
  try {
    return fromHex(readText(path, 'group key').trim(), GROUP_KEY_BYTES, 'the group key');
  } catch (err) {
    if (err instanceof KeyError) throw new KeyFileError(`${path}: ${err.message}`);
    throw err;
  }
}

export function writeGroupKey(dir: string, key: Uint8Array): void {
  writeFileAtomic(join(dir, GROUP_KEY_FILE), `${toHex(key)}\n`, 0o600);
}

export function readViewerPassword(dir: string): string {
  const path = join(dir, VIEWER_FILE);
  const text = readText(path, 'viewer login');
  try {
    const json = JSON.parse(text) as { username?: unknown; password?: unknown };
    if (json.username === VIEWER_USERNAME && typeof json.password === 'string' && json.password.length >= 16) return json.password;
  } catch {
    // fall through
  }
  throw new KeyFileError(`${path} must be { "username": "${VIEWER_USERNAME}", "password": "<at least 16 characters>" }`);
}

export function writeViewerPassword(dir: string, password: string): void {
  writeFileAtomic(join(dir, VIEWER_FILE), `${JSON.stringify({ username: VIEWER_USERNAME, password })}\n`, 0o600);
}

export interface NodeIdentity {
  roster: Roster;
  me: number;
  /** Secret: never log. */
  secretKey: Uint8Array;
}

/** What a node needs at start: the roster and its own key, checked against each other (same swarm, a member
 *  that is not revoked, the same public key). Throws KeyFileError with one clear line. */
export function loadNodeIdentity(dir: string, id: number, swarm?: string): NodeIdentity {
  const roster = readRoster(dir);
  if (swarm !== undefined && roster.swarm !== swarm) throw new KeyFileError(`${rosterPath(dir)} is the roster of swarm ${roster.swarm}, not ${swarm}`);
  const key = readNodeKey(dir, id);
  try {
    checkNodeKey(roster, key);
  } catch (err) {
    if (err instanceof KeyError) throw new KeyFileError(`${nodeKeyPath(dir, id)}: ${err.message}`);
    throw err;
  }
  return { roster, me: id, secretKey: key.secretKey };
}

/** What the embedded broker needs to enforce the swarm's logins and ACL (startBroker({ auth })): the roster and
 *  the viewer's password. Throws KeyFileError with one clear line. */
export function loadBrokerAuth(dir: string): { roster: Roster; viewerPassword: string } {
  return { roster: readRoster(dir), viewerPassword: readViewerPassword(dir) };
}
