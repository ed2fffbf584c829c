import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { provisionSwarmKeys } from '../../../src/cli/commands/keys';
import { startBroker, type RunningBroker } from '../../../src/net/broker';
import { peekEnvelope } from '../../../src/core/identity/envelope';
import { encodeGene } from '../../../src/core/gene/gene';
import { DEFAULT_MU } from '../../../src/core/neuron/kernel';
import { createFileStorage } from '../../../src/storage/fileStorage';
import { KeyFileError, loadBrokerAuth } from '../../../src/net/keyFiles';
import { nodeConfigFrom } from '../../../src/cli/commands/node';
import { radioOf } from '../../../src/cli/radioFlag';
import { UsageError } from '../../../src/cli/command';
import { fetchStatus, NODE_READY, spawnQres } from '../../../src/node/launcher';
import { freePort } from '../../helpers/wait';

describe('qres node', () => {
  it('parses its flags into a node configuration', () => {
    const c = nodeConfigFrom({ id: '7', swarm: 'lab', 'tick-ms': '20', 'round-s': '2', attack: 'alie', 'init-jitter': '0.5' });
    expect(c).toMatchObject({ id: 7, swarm: 'lab', tickMs: 20, roundS: 2, attack: 'alie', initJitterQ16: 32768 });
    expect(() => nodeConfigFrom({})).toThrow(UsageError);
    expect(() => nodeConfigFrom({ id: '1', attack: 'nope' })).toThrow(UsageError);
    expect(() => nodeConfigFrom({ id: '1', swarm: 'a/b' })).toThrow(UsageError);
    expect(radioOf({ radio: 'ble' })?.name).toBe('ble');
    expect(radioOf({})).toBeUndefined();
    expect(() => radioOf({ radio: 'lora' })).toThrow(/--radio: unknown radio "lora"; valid: lora-sf7, lora-sf12, ieee802154, ble, wifi-twt/);
  });

  it('runs without a broker (retrying), serves /status and /health, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qres-node-'));
    const proc = spawnQres(['node', '--id', '5', '--broker', 'mqtt://127.0.0.1:1', '--tick-ms', '20', '--storage', dir, '--radio', 'lora-sf7'], NODE_READY);
    try {
      const url = await proc.ready;
      const health = await (await fetch(`${url}/health`)).json();
      expect(health).toMatchObject({ ok: true, id: 5, connected: false });
      const status = await fetchStatus(url);
      expect(status).toMatchObject({ id: 5, swarm: 'demo', role: 'honest', connected: false, neighbours: 31, banned: [] });
      expect(['calm', 'prestorm', 'storm']).toContain(status!.regime);
      // --radio: bytes and energy per device day on that radio (no neighbour heard: TX only; the receiver listens on
      // the silent swarm's schedule, so at most the 35.6 mW of an always-on receiver for a whole day).
      const energy = status!.energy as { radio: string; listening: string; deviceSeconds: number; perDay: { totalJ: number; listenJ: number; meanMw: number } };
      expect(energy).toMatchObject({ radio: 'lora-sf7', listening: 'scheduled' });
      expect(energy.deviceSeconds).toBeGreaterThan(0);
      // A calm node that has not Evolved sleeps its radio (DeepSilence) outside its beacon windows: in the first
      // seconds it may not have listened at all. Never more than an always-on receiver.
      expect(energy.perDay.listenJ).toBeGreaterThanOrEqual(0);
      expect(energy.perDay.listenJ).toBeLessThanOrEqual(35.6e-3 * 86_400 + 1);
      expect(energy.perDay.totalJ).toBeGreaterThan(energy.perDay.listenJ);
      expect(energy.perDay.meanMw).toBeCloseTo((energy.perDay.totalJ / 86_400) * 1000, 3);
      expect(status).toHaveProperty('bytesSent');
      expect(status).toHaveProperty('bytesReceived');
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      await proc.stop(2000);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

/** Runs `qres node ARGS` that must fail at startup: its exit code, wall time and stderr lines. */
async function failedStart(args: string[]): Promise<{ code: number | null; ms: number; lines: string[]; stdout: string }> {
  const started = Date.now();
  const proc = spawnQres(['node', '--tick-ms', '20', ...args], NODE_READY, 20_000);
  const code = await proc.exited;
  const text = proc.output.join('');
  return { code, ms: Date.now() - started, lines: text.split('\n').filter((l) => l.trim() !== ''), stdout: text };
}

describe('qres node: startup errors exit non-zero with one line, before joining', () => {
  let dir: string;
  let keys: string;
  let otherKeys: string;
  let broker: RunningBroker;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qres-nodeerr-'));
    keys = join(dir, 'keys');
    otherKeys = join(dir, 'other');
    provisionSwarmKeys(keys, 'lab', [1, 2, 3]);
    provisionSwarmKeys(otherKeys, 'lab', [1, 2, 3]); // same ids, other keys: the broker below knows only these
    broker = await startBroker({ port: 0, wsPort: null, auth: loadBrokerAuth(otherKeys) });
  });
  afterAll(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--storage pointing at a file', async () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    const r = await failedStart(['--id', '2', '--broker', 'mqtt://127.0.0.1:1', '--storage', join(dir, 'plain-file')]);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([`qres node 2: cannot start: --storage ${join(dir, 'plain-file')} is not a directory`]);
  }, 30_000);

  it('a taken --http-port', async () => {
    const blocker = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await failedStart(['--id', '2', '--broker', 'mqtt://127.0.0.1:1', '--storage', dir, '--http-port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.lines).toEqual([`qres node 2: cannot start: --http-port ${port} is already in use on 127.0.0.1`]);
    } finally {
      await new Promise<void>((res) => blocker.close(() => res()));
    }
  }, 30_000);

  it('a bad broker URL', async () => {
    for (const url of ['http://127.0.0.1:1883', 'mqtt//nope']) {
      const r = await failedStart(['--id', '2', '--broker', url, '--no-storage']);
      expect(r.code).toBe(1);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(/^qres node 2: cannot start: --broker .* is not (a|an MQTT broker) URL/);
    }
  }, 30_000);

  it('a missing key file, and a roster of another swarm', async () => {
    const missing = await failedStart(['--id', '9', '--keys', keys, '--no-storage']);
    expect(missing.code).toBe(1);
    expect(missing.lines).toEqual([`qres node 9: cannot start: node key file ${join(keys, 'nodes', '9.key')} does not exist`]);
    const otherSwarm = await failedStart(['--id', '1', '--keys', keys, '--swarm', 'elsewhere', '--no-storage']);
    expect(otherSwarm.code).toBe(1);
    expect(otherSwarm.lines[0]).toMatch(/roster of swarm lab, not elsewhere/);
    expect(otherSwarm.lines).toHaveLength(1);
    for (const r of [missing, otherSwarm]) expect(r.stdout).not.toMatch(/secretKey|[0-9a-f]{64}/);
    expect(() => provisionSwarmKeys(keys, 'elsewhere', [1])).toThrow(KeyFileError);
  }, 30_000);

  it('a broker that refuses the login (its roster has other keys), or any login without keys', async () => {
    const keyed = await failedStart(['--id', '1', '--keys', keys, '--broker', broker.mqttUrl, '--no-storage']);
    expect(keyed.code).toBe(1);
    expect(keyed.lines).toHaveLength(1);
    expect(keyed.lines[0]).toMatch(/^qres node 1: cannot start: broker mqtt:\/\/127\.0\.0\.1:\d+ refused the login of node 1: /);
    const keyless = await failedStart(['--id', '1', '--swarm', 'lab', '--broker', broker.mqttUrl, '--no-storage']);
    expect(keyless.code).toBe(1);
    expect(keyless.lines).toHaveLength(1);
    expect(keyless.lines[0]).toMatch(/refused the login of node 1 \(this node has no --keys, and the broker requires logins\)/);
    expect(broker.refused.connect).toBeGreaterThanOrEqual(2);
    expect(broker.refused.publish).toBe(0); // it never got to publish anything
  }, 30_000);
});

describe('qres node --keys: a clean stop within 2 s, and outage logging', () => {
  let dir: string;
  let keys: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qres-nodestop-'));
    keys = join(dir, 'keys');
    provisionSwarmKeys(keys, 'lab', [1, 2, 3]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: final save, offline status (sealed, retained), broker disconnect, exit 0, all within 2 s`, async () => {
      const auth = loadBrokerAuth(keys);
      const broker = await startBroker({ port: 0, wsPort: null, auth });
      const storage = join(dir, `genes-${signal}`);
      // A stored gene: the node starts Evolved (restored), so its final save writes the file again.
      const weights = Int32Array.from([30000, 8000, -2000, 1000, 0, 0, 0, 0]);
      await createFileStorage({ dir: storage }).saveBatch([[2, encodeGene({ weights, bias: 0, mu: DEFAULT_MU })]]);
      const geneFile = join(storage, 'gene_2.bin');
      const viewer = await mqtt.connectAsync(broker.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, username: 'viewer', password: auth.viewerPassword });
      const statuses: { bytes: Uint8Array; at: number }[] = [];
      viewer.on('message', (_t, payload) => statuses.push({ bytes: new Uint8Array(payload), at: Date.now() }));
      await viewer.subscribeAsync('qres/lab/status/2');
      // tick 100 ms: the periodic save comes every 5 s, so the file deleted just before the signal can only come back
      // from the final save
      const proc = spawnQres(['node', '--id', '2', '--keys', keys, '--broker', broker.mqttUrl, '--tick-ms', '100', '--storage', storage], NODE_READY);
      try {
        const url = await proc.ready;
        expect(proc.output.join('')).toMatch(/authenticated\): status at/);
        const status = await fetchStatus(url);
        expect(status).toMatchObject({ id: 2, swarm: 'lab', restored: true, authenticated: true, neighbours: 2 });
        expect(status!.rssMB).toBeGreaterThan(10);
        await new Promise((r) => setTimeout(r, 300));
        expect(broker.clients).toBe(2);
        rmSync(geneFile);
        const signalledAt = Date.now();
        proc.child.kill(signal);
        const code = await proc.exited;
        const stopMs = Date.now() - signalledAt;
        expect(code).toBe(0);
        expect(stopMs).toBeLessThan(2000);
        expect(existsSync(geneFile)).toBe(true); // the final save
        for (let i = 0; i < 40 && broker.clients > 1; i++) await new Promise((r) => setTimeout(r, 25));
        expect(broker.clients).toBe(1); // only the viewer: the node said goodbye
        const offline = statuses.filter((s) => s.at >= signalledAt);
        expect(offline.length).toBe(1);
        // sealed on the retained channel (a clean goodbye), not the will channel (a crash)
        expect(peekEnvelope(offline[0]!.bytes)).toMatchObject({ from: 2, channel: 'retained' });
        expect(proc.output.join('')).toMatch(new RegExp(`${signal}: saving and leaving`));
        process.stdout.write(`[measured] ${signal}: node stopped in ${stopMs} ms\n`);
      } finally {
        await proc.stop(2000);
        await viewer.endAsync();
        await broker.close();
      }
    }, 30_000);
  }

  it('a broker outage is logged once and then at a backing-off interval, and its end once', async () => {
    const port = await freePort();
    const proc = spawnQres(['node', '--id', '3', '--keys', keys, '--broker', `mqtt://127.0.0.1:${port}`, '--tick-ms', '20', '--no-storage'], NODE_READY);
    let broker: RunningBroker | null = null;
    try {
      const url = await proc.ready;
      await new Promise((r) => setTimeout(r, 6000)); // ~12 reconnect attempts at 0.5 s
      const down = await fetchStatus(url);
      const text = proc.output.join('');
      const reports = text.split('\n').filter((l) => /unreachable/.test(l));
      // t = 0, 1, 3 s (then 7, 15, ...): 3 lines in 6 s, not 12
      expect(reports.length).toBeGreaterThanOrEqual(2);
      expect(reports.length).toBeLessThanOrEqual(4);
      expect(text).not.toMatch(/ECONNREFUSED[\s\S]*ECONNREFUSED[\s\S]*ECONNREFUSED[\s\S]*ECONNREFUSED[\s\S]*ECONNREFUSED/);
      expect(down).toMatchObject({ connected: false, outage: { down: true, outages: 1 } });
      broker = await startBroker({ port, wsPort: null, auth: loadBrokerAuth(keys) });
      for (let i = 0; i < 60 && !/after an outage of/.test(proc.output.join('')); i++) await new Promise((r) => setTimeout(r, 100));
      expect(proc.output.join('')).toMatch(/connected to mqtt:\/\/127\.0\.0\.1:\d+ \(MQTT 3\.1\.1, logged in as node 3\), after an outage of \d+\.\d s/);
      expect(await fetchStatus(url)).toMatchObject({ connected: true, outage: { down: false } });
    } finally {
      await proc.stop(2000);
      await broker?.close();
    }
  }, 30_000);
});
