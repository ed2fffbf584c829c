// A real Mosquitto (Debian `mosquitto`, installed by scripts/mosquitto.mjs when missing) on a free loopback
// port, configured only by the files `qres keys broker-config` writes, checked with plain mqtt.js clients by
// the same scenario as the embedded broker (aclScenario.ts). No Mosquitto and no way to install it: this fails
// with the installer's message; it never skips.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMosquitto } from '../../scripts/mosquitto.mjs';
import { keysCommand } from '../../src/cli/commands/keys';
import { mqttPassword } from '../../src/core/identity/keys';
import { connectAuthenticated } from '../../src/net/authTransport';
import { readNodeKey, readRoster, readViewerPassword } from '../../src/net/keyFiles';
import { swarmFilter, topicFor } from '../../src/net/topics';
import { checkAcl } from './aclScenario';

const SWARM = 'acl';
let dir: string;
let broker: ChildProcess | null = null;
let port: number;
let log = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitForPort(p: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(p, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (broker?.exitCode !== null) throw new Error(`mosquitto exited with ${broker?.exitCode}:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mosquitto did not listen on 127.0.0.1:${p} within ${ms} ms:\n${log}`);
}

async function keys(...args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const values: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const name = rest[i]!.slice(2);
    if (rest[i + 1] === undefined || rest[i + 1]!.startsWith('--')) values[name] = true;
    else values[name] = rest[++i]!;
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await keysCommand.run(values, [action!])).toBe(0);
  } finally {
    vi.restoreAllMocks();
  }
}

beforeAll(async () => {
  const { mosquitto, passwd } = ensureMosquitto(); // installs with apt-get when missing, or throws saying how
  dir = mkdtempSync(join(tmpdir(), 'qres-mosquitto-'));
  port = await freePort();
  await keys('new-swarm', '--swarm', SWARM, '--dir', dir);
  for (const id of [1, 2, 3, 4]) await keys('add', '--dir', dir, '--id', String(id));
  await keys('revoke', '--dir', dir, '--id', '4');
  await keys('broker-config', '--dir', dir, '--port', String(port), '--no-ws', '--host', '127.0.0.1');
  // The generated files, unchanged; the only addition: run as the current user (root here) instead of dropping
  // to the `mosquitto` user, which could not read a 0600 file of ours in a 0700 temp directory.
  const conf = join(dir, 'mosquitto', 'mosquitto.conf');
  const testConf = join(dir, 'test.conf');
  writeFileSync(
    testConf,
    `user ${process.getuid?.() === 0 ? 'root' : (process.env.USER ?? 'root')}\nlog_dest stderr\nlog_type error\nlog_type warning\n${readFileSync(conf, 'utf8')}`,
  );
  // mosquitto_passwd (same package) must accept our password file as its own: -U re-hashes a plaintext file and
  // refuses already-hashed lines, so instead check it can add a user to a copy without complaint.
  if (passwd) {
    const copy = join(dir, 'passwd-copy');
    writeFileSync(copy, readFileSync(join(dir, 'mosquitto', 'passwd')), { mode: 0o600 });
    execFileSync(passwd, ['-b', copy, 'extra', 'extra-password'], { stdio: 'pipe' });
    expect(readFileSync(copy, 'utf8').split('\n').filter(Boolean).length).toBe(5); // viewer, 1, 2, 3 + extra
  }
  broker = spawn(mosquitto, ['-c', testConf], { stdio: ['ignore', 'pipe', 'pipe'] });
  broker.stdout!.on('data', (d) => (log += String(d)));
  broker.stderr!.on('data', (d) => (log += String(d)));
  await waitForPort(port, 10_000);
}, 300_000);

afterAll(async () => {
  if (broker && broker.exitCode === null) {
    const exited = new Promise((r) => broker!.once('exit', r));
    broker.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Mosquitto with the files `qres keys broker-config` writes', () => {
  it('lets each node publish only what names it, the viewer only read, and nobody else in', async () => {
    const roster = readRoster(dir);
    const passwords = new Map([1, 2, 3].map((id) => [id, mqttPassword(SWARM, id, readNodeKey(dir, id).secretKey)]));
    const revoked = { id: 4, password: mqttPassword(SWARM, 4, readNodeKey(dir, 4).secretKey) };
    expect(roster.nodes.get(4)!.revoked).toBe(true);
    for (const v of [4, 5] as const) {
      await checkAcl({ url: `mqtt://127.0.0.1:${port}`, swarm: SWARM, passwords, revoked, viewerPassword: readViewerPassword(dir), protocolVersion: v });
    }
    expect(log).not.toMatch(/error/i);
  });

  it('carries authenticated node traffic end to end (MQTT 5, sealed will on a kill)', async () => {
    const roster = readRoster(dir);
    const node = (id: number, will?: boolean) =>
      connectAuthenticated({
        url: `mqtt://127.0.0.1:${port}`,
        me: id,
        secretKey: readNodeKey(dir, id).secretKey,
        roster,
        reconnectPeriodMs: 0,
        will: will ? { topic: topicFor(SWARM, 'status', id), bytes: new Uint8Array([0]), retain: true } : undefined,
      });
    const a = node(1, true);
    const b = node(2);
    await Promise.all([a.mqtt.whenConnected(5000), b.mqtt.whenConnected(5000)]);
    expect(a.mqtt.protocolVersion).toBe(5);
    const got: string[] = [];
    await b.subscribe(swarmFilter(SWARM), (t, p) => got.push(`${t}=${[...p].join(',')}`));
    a.publish(topicFor(SWARM, 'status', 1), new Uint8Array([1]), { retain: true });
    a.publish(topicFor(SWARM, 'announce', 1), new Uint8Array([7, 7]));
    await new Promise((r) => setTimeout(r, 300));
    a.mqtt.drop(); // as a crash: the broker publishes the sealed will
    for (let i = 0; i < 40 && !got.includes(`${topicFor(SWARM, 'status', 1)}=0`); i++) await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([`${topicFor(SWARM, 'status', 1)}=1`, `${topicFor(SWARM, 'announce', 1)}=7,7`, `${topicFor(SWARM, 'status', 1)}=0`]);
    // the only drops: the plain-text retained messages the ACL scenario left (status/1, summary/1, status/2)
    expect(b.drops.malformed).toBe(b.dropped);
    expect(b.dropped).toBeLessThanOrEqual(3);
    await b.close();
  });
});
