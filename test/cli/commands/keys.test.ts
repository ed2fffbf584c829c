import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../src/cli/command';
import { keysCommand } from '../../../src/cli/commands/keys';
import { main } from '../../../src/cli/main';
import { checkMqttPassword, toHex } from '../../../src/core/identity/keys';
import {
  KeyFileError,
  loadBrokerAuth,
  loadNodeIdentity,
  readGroupKey,
  readNodeKey,
  readRoster,
  readViewerPassword,
  writeFileAtomic,
} from '../../../src/net/keyFiles';
import { capture } from '../../helpers/capture';

let dir: string;
let io: { out: string[]; err: string[] };
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'qres-keys-')), 'swarm');
  io = capture();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

const run = (action: string, values: Record<string, string | boolean>) => keysCommand.run({ dir, ...values }, [action]);
const mode = (path: string) => statSync(path).mode & 0o777;
/** Every secret in the directory, as the hex or text that would show if printed. */
function secrets(): string[] {
  const ids = readdirSync(join(dir, 'nodes'))
    .filter((f) => f.endsWith('.key'))
    .map((f) => Number(f.slice(0, -4)));
  return [...ids.map((id) => toHex(readNodeKey(dir, id).secretKey)), toHex(readGroupKey(dir)), readViewerPassword(dir)];
}

describe('qres keys', () => {
  it('makes a swarm, adds and revokes nodes, with secret files 0600 and nothing secret printed', async () => {
    expect(await run('new-swarm', { swarm: 'demo' })).toBe(0);
    for (const id of ['1', '2', '3']) expect(await run('add', { id })).toBe(0);
    expect(await run('revoke', { id: '2' })).toBe(0);
    const roster = readRoster(dir);
    expect(roster.swarm).toBe('demo');
    expect([...roster.nodes.values()].map((e) => [e.id, e.revoked])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    for (const f of ['nodes/1.key', 'nodes/2.key', 'nodes/3.key', 'group.key', 'viewer.json']) expect(mode(join(dir, f)), f).toBe(0o600);
    expect(mode(join(dir, 'nodes'))).toBe(0o700);
    expect(mode(join(dir, 'roster.json'))).toBe(0o644);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const printed = io.out.join('') + io.err.join('');
    expect(printed).toContain(toHex(roster.nodes.get(1)!.publicKey)); // public keys may be shown
    for (const s of secrets()) expect(printed).not.toContain(s);
    expect(loadNodeIdentity(dir, 1, 'demo').me).toBe(1);
    expect(() => loadNodeIdentity(dir, 2)).toThrow(/revoked/);
    expect(() => loadNodeIdentity(dir, 1, 'other')).toThrow(KeyFileError);
    const auth = loadBrokerAuth(dir);
    expect(auth.roster.swarm).toBe('demo');
    expect(auth.viewerPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(() => loadBrokerAuth(join(dir, 'nope'))).toThrow(/roster .* does not exist/);
  });

  it('--json prints one object per action, without secrets', async () => {
    expect(await run('new-swarm', { swarm: 'demo', json: true })).toBe(0);
    expect(await run('add', { id: '7', json: true })).toBe(0);
    expect(await run('broker-config', { json: true, port: '1884', 'no-ws': true })).toBe(0);
    const objects = io.out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.map((o) => o.action)).toEqual(['new-swarm', 'add', 'broker-config']);
    expect(objects[1]).toMatchObject({ swarm: 'demo', id: 7, nodes: 1 });
    expect(objects[2]).toMatchObject({ nodes: 1, port: 1884, wsPort: null });
    for (const s of secrets()) expect(io.out.join('')).not.toContain(s);
  });

  it('writes Mosquitto files: hashed passwords that the node keys produce, and the ACL', async () => {
    await run('new-swarm', { swarm: 'demo' });
    await run('add', { id: '1' });
    await run('add', { id: '2' });
    await run('revoke', { id: '2' });
    expect(await run('broker-config', { host: '127.0.0.1' })).toBe(0);
    const passwd = readFileSync(join(dir, 'mosquitto', 'passwd'), 'utf8');
    expect(mode(join(dir, 'mosquitto', 'passwd'))).toBe(0o600);
    expect(
      passwd
        .trim()
        .split('\n')
        .map((l) => l.split(':')[0]),
    ).toEqual(['viewer', '1']);
    expect(passwd).toMatch(/^1:\$7\$101\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/m);
    for (const s of secrets()) expect(passwd).not.toContain(s);
    expect(readFileSync(join(dir, 'mosquitto', 'acl'), 'utf8')).toContain('user 1\ntopic read qres/demo/#\ntopic write qres/demo/announce/1');
    const conf = readFileSync(join(dir, 'mosquitto', 'mosquitto.conf'), 'utf8');
    expect(conf).toContain(`password_file ${join(dir, 'mosquitto', 'passwd')}`);
    expect(conf).toContain('listener 1883 127.0.0.1\nlistener 8883 127.0.0.1\nprotocol websockets');
    const roster = readRoster(dir);
    // a node recomputes its password from its key; the broker can check it against the roster alone
    const { mqttPassword } = await import('../../../src/core/identity/keys');
    expect(checkMqttPassword('demo', 1, roster.nodes.get(1)!.publicKey, mqttPassword('demo', 1, readNodeKey(dir, 1).secretKey))).toBe(true);
  });

  it('refuses to overwrite a swarm or a key, to reuse an id, and says why in one line (exit 1)', async () => {
    await run('new-swarm', { swarm: 'demo' });
    await run('add', { id: '1' });
    const keyBefore = readFileSync(join(dir, 'nodes', '1.key'));
    io.err.length = 0;
    expect(await run('new-swarm', { swarm: 'demo' })).toBe(1);
    expect(await run('add', { id: '1' })).toBe(1);
    await run('revoke', { id: '1' });
    expect(await run('add', { id: '1' })).toBe(1);
    expect(await run('revoke', { id: '1' })).toBe(1);
    expect(await run('revoke', { id: '9' })).toBe(1);
    expect(io.err.join('')).toMatch(
      /already exists[\s\S]*already in the roster[\s\S]*already in the roster \(revoked; ids are never reused\)[\s\S]*already revoked[\s\S]*not in the roster/,
    );
    expect(io.err.every((l) => l.split('\n').filter(Boolean).length === 1)).toBe(true);
    expect(readFileSync(join(dir, 'nodes', '1.key'))).toEqual(keyBefore);
    rmSync(join(dir, 'nodes', '1.key'));
    expect(await run('broker-config', {})).toBe(0); // revoked node: no key needed
    await run('add', { id: '2' });
    rmSync(join(dir, 'nodes', '2.key'));
    expect(await run('broker-config', {})).toBe(1);
    expect(io.err.at(-1)).toMatch(/2\.key does not exist/);
    writeFileSync(join(dir, 'roster.json'), '{"format":"qres-roster-v1"');
    expect(await run('add', { id: '3' })).toBe(1);
    expect(io.err.at(-1)).toMatch(/roster\.json: roster is not JSON/);
  });

  it('reports usage errors (exit 2 through main)', async () => {
    await expect(keysCommand.run({ dir }, [])).rejects.toThrow(UsageError);
    await expect(keysCommand.run({ dir }, ['frobnicate'])).rejects.toThrow(/new-swarm, add, revoke, broker-config/);
    await expect(run('new-swarm', {})).rejects.toThrow(/--swarm/);
    await expect(run('new-swarm', { swarm: 'a/b' })).rejects.toThrow(UsageError);
    await expect(keysCommand.run({}, ['add'])).rejects.toThrow(/--dir/);
    await expect(run('add', {})).rejects.toThrow(/--id/);
    await expect(run('add', { id: '70000' })).rejects.toThrow(UsageError);
    await expect(run('add', { id: 'x' })).rejects.toThrow(UsageError);
    await expect(run('add', { id: '1', swarm: 'demo' })).rejects.toThrow(/--swarm is only for new-swarm/);
    await expect(run('revoke', { id: '1', port: '1' })).rejects.toThrow(/only for broker-config/);
    await expect(run('broker-config', { port: '0' })).rejects.toThrow(/not a port/);
    expect(await main(['keys', 'add', '--dir', dir])).toBe(2);
    expect(await main(['keys', 'new-swarm', '--swarm', 'demo', '--dir', dir])).toBe(0);
    expect(existsSync(join(dir, 'roster.json'))).toBe(true);
    expect(await main(['help', 'keys'])).toBe(0);
  });

  it('writes atomically: a failed write leaves the old file and no temp file', () => {
    const base = mkdtempSync(join(tmpdir(), 'qres-atomic-'));
    const path = join(base, 'f.json');
    writeFileAtomic(path, 'old', 0o600);
    expect(() => writeFileAtomic(join(base, 'missing-dir', 'f.json'), 'new', 0o600)).toThrow();
    writeFileAtomic(path, 'new', 0o600);
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(base)).toEqual(['f.json']);
    expect(mode(path)).toBe(0o600);
    rmSync(base, { recursive: true, force: true });
  });
});
