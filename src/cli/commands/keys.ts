// `qres keys <action>`: provision a swarm's identities (issue 13). See src/net/keyFiles.ts for the directory.
// Private keys are written 0600 and never printed, logged or put in --json output; public keys may be.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { numberFlag, UsageError, type Command, type Values } from '../command';
import { generateKeyPair, KeyError, mqttPassword, randomPassword, toHex } from '../../core/identity/keys';
import { GROUP_KEY_BYTES } from '../../core/identity/mic';
import { activeMembers, addMember, createRoster, RosterError, revokeMember, type Roster } from '../../core/identity/roster';
import { mosquittoAcl, mosquittoConf, mosquittoPasswordFile, VIEWER_USERNAME } from '../../net/brokerAcl';
import {
  KeyFileError,
  MOSQUITTO_DIR,
  NODES_DIR,
  nodeKeyPath,
  readNodeKey,
  readRoster,
  readViewerPassword,
  rosterPath,
  writeFileAtomic,
  writeGroupKey,
  writeNodeKey,
  writeRoster,
  writeViewerPassword,
} from '../../net/keyFiles';
import { randomBytes } from 'node:crypto';

const ACTIONS = ['new-swarm', 'add', 'revoke', 'broker-config'] as const;
type Action = (typeof ACTIONS)[number];

const USAGE = `usage: npm run qres -- keys <action> --dir DIR [flags] [--json]

Provisions the identities of a real swarm: a roster (node id -> Ed25519 public key, revoked flag) that every
node and the broker hold, one secret key file per node, and the broker's login and ACL files.

  new-swarm --swarm NAME --dir DIR   a new, empty swarm: DIR/roster.json, DIR/group.key (group-MIC key, secret),
                                     DIR/viewer.json (the read-only live-view login, secret)
  add --dir DIR --id N               a key pair for node N: DIR/nodes/N.key (secret, 0600) and N in the roster
  revoke --dir DIR --id N            marks N revoked (its id is never reused); re-run broker-config afterwards
  broker-config --dir DIR            writes DIR/mosquitto/{passwd,acl,mosquitto.conf}: a login per active node
      [--port 1883] [--ws-port 8883 | --no-ws] [--host ADDR]   (username N, password derived from its key),
                                     the viewer, and an ACL that lets node N publish only topics naming N as
                                     sender (--host: listen on one address only, e.g. 127.0.0.1)

Every file is written atomically (temp file + rename). Secret files are mode 0600 and are never printed.
  --json   one JSON object on stdout instead of the human lines`;

function dirFlag(values: Values): string {
  const dir = values.dir;
  if (typeof dir !== 'string' || dir.trim() === '') throw new UsageError('--dir DIR is required');
  return resolve(dir);
}

function idFlag(values: Values): number {
  const id = numberFlag(values, 'id');
  if (id === undefined) throw new UsageError('--id N is required');
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new UsageError(`--id must be an integer in [0, 65535], got ${id}`);
  return id;
}

function portFlag(values: Values, name: string, fallback: number): number {
  const p = numberFlag(values, name) ?? fallback;
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new UsageError(`--${name} ${p} is not a port`);
  return p;
}

interface Report {
  human: string[];
  json: Record<string, unknown>;
}

function newSwarm(values: Values): Report {
  const swarm = values.swarm;
  if (typeof swarm !== 'string') throw new UsageError('--swarm NAME is required');
  const dir = dirFlag(values);
  let roster: Roster;
  try {
    roster = createRoster(swarm);
  } catch (err) {
    if (err instanceof RosterError) throw new UsageError(err.message);
    throw err;
  }
  if (existsSync(rosterPath(dir))) throw new KeyFileError(`${rosterPath(dir)} already exists: refusing to overwrite a swarm`);
  mkdirSync(join(dir, NODES_DIR), { recursive: true, mode: 0o700 });
  writeGroupKey(dir, new Uint8Array(randomBytes(GROUP_KEY_BYTES)));
  writeViewerPassword(dir, randomPassword());
  writeRoster(dir, roster); // last: a swarm exists once its roster does
  return {
    human: [
      `qres keys: new swarm ${swarm} in ${dir}`,
      `  ${rosterPath(dir)} (0 nodes; add some with: qres keys add --dir ${dir} --id N)`,
      `  group.key, viewer.json (secret, 0600)`,
    ],
    json: { action: 'new-swarm', swarm, dir, roster: rosterPath(dir), nodes: 0 },
  };
}

function add(values: Values): Report {
  const dir = dirFlag(values);
  const id = idFlag(values);
  const roster = readRoster(dir);
  if (roster.nodes.has(id))
    throw new KeyFileError(`node ${id} is already in the roster${roster.nodes.get(id)!.revoked ? ' (revoked; ids are never reused)' : ''}`);
  if (existsSync(nodeKeyPath(dir, id))) throw new KeyFileError(`${nodeKeyPath(dir, id)} already exists: refusing to overwrite a key`);
  const pair = generateKeyPair();
  const next = addMember(roster, id, pair.publicKey);
  writeNodeKey(dir, { swarm: roster.swarm, id, secretKey: pair.secretKey });
  writeRoster(dir, next);
  const publicKey = toHex(pair.publicKey);
  pair.secretKey.fill(0);
  return {
    human: [
      `qres keys: added node ${id} to swarm ${roster.swarm} (public key ${publicKey})`,
      `  secret key: ${nodeKeyPath(dir, id)} (0600; copy it to node ${id} only)`,
    ],
    json: { action: 'add', swarm: roster.swarm, id, publicKey, keyFile: nodeKeyPath(dir, id), nodes: activeMembers(next).length },
  };
}

function revoke(values: Values): Report {
  const dir = dirFlag(values);
  const id = idFlag(values);
  const roster = readRoster(dir);
  const entry = roster.nodes.get(id);
  if (!entry) throw new KeyFileError(`node ${id} is not in the roster of swarm ${roster.swarm}`);
  if (entry.revoked) throw new KeyFileError(`node ${id} is already revoked`);
  const next = revokeMember(roster, id);
  writeRoster(dir, next);
  return {
    human: [
      `qres keys: revoked node ${id} in swarm ${roster.swarm}`,
      `  next: copy ${rosterPath(dir)} to every node, and re-run \`qres keys broker-config --dir ${dir}\` for the broker`,
    ],
    json: { action: 'revoke', swarm: roster.swarm, id, nodes: activeMembers(next).length },
  };
}

function brokerConfig(values: Values): Report {
  const dir = dirFlag(values);
  const port = portFlag(values, 'port', 1883);
  const wsPort = values['no-ws'] ? null : portFlag(values, 'ws-port', 8883);
  const host = values.host;
  if (host !== undefined && (typeof host !== 'string' || !/^[0-9A-Za-z.:-]+$/.test(host))) throw new UsageError(`--host ${String(host)} is not an address`);
  const roster = readRoster(dir);
  const passwords = new Map<string, string>([[VIEWER_USERNAME, readViewerPassword(dir)]]);
  for (const e of activeMembers(roster)) {
    const key = readNodeKey(dir, e.id);
    passwords.set(String(e.id), mqttPassword(roster.swarm, e.id, key.secretKey));
    key.secretKey.fill(0);
  }
  const out = join(dir, MOSQUITTO_DIR);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const passwordFile = join(out, 'passwd');
  const aclFile = join(out, 'acl');
  const confFile = join(out, 'mosquitto.conf');
  writeFileAtomic(passwordFile, mosquittoPasswordFile(passwords), 0o600);
  writeFileAtomic(aclFile, mosquittoAcl(roster), 0o644);
  writeFileAtomic(confFile, mosquittoConf({ passwordFile, aclFile, port, wsPort, host }), 0o644);
  const users = passwords.size;
  passwords.clear();
  return {
    human: [
      `qres keys: Mosquitto config for swarm ${roster.swarm}: ${users - 1} node login(s) and the viewer`,
      `  ${passwordFile} (PBKDF2-SHA512 hashes; 0600: chown it to the mosquitto user)`,
      `  ${aclFile}`,
      `  ${confFile} (mosquitto -c ${confFile})`,
    ],
    json: { action: 'broker-config', swarm: roster.swarm, nodes: users - 1, passwordFile, aclFile, confFile, port, wsPort },
  };
}

const RUN: Record<Action, (values: Values) => Report> = { 'new-swarm': newSwarm, add, revoke, 'broker-config': brokerConfig };

export const keysCommand: Command = {
  name: 'keys',
  summary: 'provision swarm identities: new-swarm, add, revoke, broker-config',
  usage: USAGE,
  options: {
    swarm: { type: 'string' },
    dir: { type: 'string' },
    id: { type: 'string' },
    port: { type: 'string' },
    'ws-port': { type: 'string' },
    'no-ws': { type: 'boolean' },
    host: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: true,
  async run(values, positionals) {
    if (positionals.length !== 1 || !(ACTIONS as readonly string[]).includes(positionals[0]!)) {
      throw new UsageError(`expects one action: ${ACTIONS.join(', ')}${positionals.length ? ` (got ${positionals.join(' ')})` : ''}`);
    }
    const action = positionals[0] as Action;
    if (action !== 'new-swarm' && values.swarm !== undefined) throw new UsageError(`--swarm is only for new-swarm (${action} reads it from the roster)`);
    if (action !== 'add' && action !== 'revoke' && values.id !== undefined) throw new UsageError(`--id is only for add and revoke`);
    if (
      action !== 'broker-config' &&
      (values.port !== undefined || values['ws-port'] !== undefined || values['no-ws'] !== undefined || values.host !== undefined)
    ) {
      throw new UsageError('--port, --ws-port, --no-ws and --host are only for broker-config');
    }
    let report: Report;
    try {
      report = RUN[action](values);
    } catch (err) {
      if (err instanceof KeyFileError || err instanceof KeyError || err instanceof RosterError) {
        process.stderr.write(`qres keys: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    process.stdout.write(values.json ? `${JSON.stringify(report.json)}\n` : `${report.human.join('\n')}\n`);
    return 0;
  },
};

/** For tests: the node ids that have key files in DIR/nodes. */
export function keyFileIds(dir: string): number[] {
  try {
    return readdirSync(join(dir, NODES_DIR))
      .map((f) => /^(\d+)\.key$/.exec(f)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** What `qres swarm` (and the tests) use: a key directory for `swarm` holding keys for `ids`, made with the same
 *  steps as `keys new-swarm` and `keys add` (atomic files, secrets 0600). A directory that already holds that
 *  swarm's roster is reused: ids missing from it are added; a revoked id is an error (ids are never reused).
 *  Returns the roster and the viewer's password (for the live view's login; never a node's secret). */
export function provisionSwarmKeys(dir: string, swarm: string, ids: readonly number[]): { roster: Roster; viewerPassword: string; created: number[] } {
  const abs = resolve(dir);
  const fresh = !existsSync(rosterPath(abs));
  if (fresh) newSwarm({ swarm, dir: abs });
  let roster = readRoster(abs);
  if (roster.swarm !== swarm) throw new KeyFileError(`${rosterPath(abs)} is the roster of swarm ${roster.swarm}, not ${swarm}`);
  const created: number[] = [];
  for (const id of ids) {
    const entry = roster.nodes.get(id);
    if (entry?.revoked) throw new KeyFileError(`node ${id} is revoked in ${rosterPath(abs)}; ids are never reused`);
    if (entry) {
      readNodeKey(abs, id); // present and readable, or a clear KeyFileError
      continue;
    }
    add({ dir: abs, id: String(id) });
    created.push(id);
  }
  roster = readRoster(abs);
  return { roster, viewerPassword: readViewerPassword(abs), created };
}
