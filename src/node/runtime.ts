// A real node on a real clock: NodeCore driven by the wall-clock tick grid, MQTT as its transport (with a
// retained "offline" last will), file storage for its gene, and GET /status + GET /health on 127.0.0.1.
//
// Startup (issue 13 item 5) checks everything that can fail *before* the node joins the swarm, and throws a
// NodeStartupError with one clear line for each: the broker URL, the storage directory (created, written and
// read back), the HTTP port, and, with an identity, the broker's answer to the node's login. Only then does
// the node subscribe and announce itself. A broker that is merely not up yet is not an error: the node runs and
// retries, and logs the outage once and then at a backing-off interval (outageLog.ts).
//
// With `identity` (a key directory, src/net/keyFiles.ts) the node speaks through connectAuthenticated: every
// publish is sealed, and every message handed to NodeCore was signed by the roster member its topic names, for
// that topic, and is fresh. Everything else is dropped and counted (`auth` in /status) before NodeCore sees it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileStorage, ensureDir } from '../storage/fileStorage';
import type { GeneStorage } from '../storage/geneStorage';
import { createMqttTransport, isAuthRefusal, type MqttTransport, type MqttTransportOptions } from '../net/mqttTransport';
import { authenticate, Signer, type AuthenticatedTransport } from '../net/authTransport';
import type { NodeIdentity } from '../net/keyFiles';
import { topicFor } from '../net/topics';
import type { MessageHandler, PublishOptions, Transport } from '../net/transport';
import { encodeStatus } from '../net/wire';
import type { RadioProfile } from '../core/energy/profiles';
import { DEVICE_TICK_MS, deviceTick, type NodeConfig } from './config';
import { nodeEnergyStatus } from './energy';
import { NodeCore } from './nodeCore';
import { OutageLog } from './outageLog';
import { createSensor } from './sensor';

export interface NodeDaemonOptions {
  config: NodeConfig;
  brokerUrl: string;
  /** 'sine' or a CSV file. */
  sensor: string;
  /** Gene storage directory; null for none. */
  storageDir: string | null;
  /** HTTP port on 127.0.0.1 (0: any free port). */
  httpPort: number;
  /** The node's key and the swarm's roster: authenticated transport and broker login. Null/absent: none. */
  identity?: NodeIdentity | null;
  /** How long startup waits for the broker's first answer before running on and retrying (default 2000 ms). */
  connectWaitMs?: number;
  /** MQTT reconnect period, ms (default 500). */
  reconnectPeriodMs?: number;
  log?: (line: string) => void;
  /** --radio: /status adds the node's bytes and radio energy per day on this radio (src/node/energy.ts). */
  radio?: RadioProfile;
  /** After startup: the broker refused the node's login (revoked, or a wrong key). The node cannot recover. */
  onFatal?: (message: string) => void;
}

export interface NodeDaemon {
  core: NodeCore;
  transport: MqttTransport;
  /** The authenticated layer, when the node has an identity. */
  auth: AuthenticatedTransport | null;
  outage: OutageLog;
  httpUrl: string;
  stop(): Promise<void>;
}

/** A node could not start; `message` is one line saying what and where. Nothing was joined. */
export class NodeStartupError extends Error {
  override readonly name = 'NodeStartupError';
}

/** Received messages waiting for their check (an Ed25519 verification each, ~2 ms in pure JS); beyond this the
 *  newest are dropped and counted (`overload` in /status), so a burst the CPU cannot verify costs messages, not
 *  the node's event loop (its ticks, /status, the MQTT keepalive). */
export const RECEIVE_QUEUE_LIMIT = 2048;
/** Longest stretch of checking in one turn of the event loop, ms. */
const RECEIVE_SLICE_MS = 8;

/** Hands received messages to their handlers in bounded slices of work (see RECEIVE_QUEUE_LIMIT). Order is kept. */
export class PacedReceiver implements Transport {
  private queue: { handler: MessageHandler; topic: string; bytes: Uint8Array }[] = [];
  private head = 0;
  private scheduled = false;
  overload = 0;
  maxQueued = 0;

  constructor(
    private readonly inner: Transport,
    private readonly limit = RECEIVE_QUEUE_LIMIT,
    private readonly sliceMs = RECEIVE_SLICE_MS,
  ) {}

  get queued(): number {
    return this.queue.length - this.head;
  }

  publish(topic: string, bytes: Uint8Array, options?: PublishOptions): Promise<void> | void {
    return this.inner.publish(topic, bytes, options);
  }

  subscribe(filter: string, handler: MessageHandler): Promise<void> | void {
    return this.inner.subscribe(filter, (topic, bytes) => {
      if (this.queued >= this.limit) return void this.overload++;
      this.queue.push({ handler, topic, bytes });
      this.maxQueued = Math.max(this.maxQueued, this.queued);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.drain);
      }
    });
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const until = performance.now() + this.sliceMs;
    while (this.head < this.queue.length) {
      const m = this.queue[this.head]!;
      this.queue[this.head++] = undefined as never;
      m.handler(m.topic, m.bytes);
      if (performance.now() >= until) break;
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else {
      if (this.head > 1024) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.scheduled = true;
      setImmediate(this.drain);
    }
  };

  close(): Promise<void> {
    this.queue = [];
    this.head = 0;
    return this.inner.close();
  }
}

/** Most ticks a late timer catches up in one go; beyond that the node skips ahead (a stalled process). */
const MAX_CATCH_UP = 50;
const BROKER_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:']);

/** Checks a broker URL's shape (not whether a broker answers there). Throws NodeStartupError. */
export function checkBrokerUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NodeStartupError(`--broker ${JSON.stringify(url)} is not a URL (expected mqtt://host:port or ws://host:port)`);
  }
  if (!BROKER_PROTOCOLS.has(parsed.protocol) || parsed.hostname === '')
    throw new NodeStartupError(`--broker ${url} is not an MQTT broker URL (expected mqtt://host:port, mqtts://, ws:// or wss://)`);
  if (parsed.port !== '' && !(Number(parsed.port) > 0)) throw new NodeStartupError(`--broker ${url}: port ${parsed.port} is not a port`);
}

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException | null)?.code ?? (err as Error)?.message ?? String(err);
}

/** The storage directory exists (or is created), and a file can be written, read back and removed in it. */
async function checkStorageDir(dir: string): Promise<void> {
  try {
    await ensureDir(dir);
  } catch (err) {
    const code = errnoOf(err);
    throw new NodeStartupError(
      code === 'ENOTDIR' || code === 'EEXIST' ? `--storage ${dir} is not a directory` : `--storage ${dir} cannot be created (${code})`,
    );
  }
  const probe = join(dir, `.qres-write-check-${process.pid}.tmp`);
  try {
    await writeFile(probe, 'qres');
    if ((await readFile(probe, 'utf8')) !== 'qres') throw Object.assign(new Error('read back differs'), { code: 'EIO' });
  } catch (err) {
    throw new NodeStartupError(`--storage ${dir} is not writable (${errnoOf(err)})`);
  } finally {
    await unlink(probe).catch(() => undefined);
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new NodeStartupError(
          err.code === 'EADDRINUSE'
            ? `--http-port ${port} is already in use on 127.0.0.1`
            : err.code === 'EACCES'
              ? `--http-port ${port} needs privileges this process lacks (EACCES)`
              : `cannot listen on 127.0.0.1:${port} (${err.code ?? err.message})`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

export async function startNodeDaemon(options: NodeDaemonOptions): Promise<NodeDaemon> {
  const { config } = options;
  const log = options.log ?? (() => undefined);
  const identity = options.identity ?? null;
  if (identity && (identity.me !== config.id || identity.roster.swarm !== config.swarm))
    throw new NodeStartupError(`the key directory is for node ${identity.me} of swarm ${identity.roster.swarm}, not node ${config.id} of ${config.swarm}`);

  // 1. What can be checked without the network: broker URL, storage, HTTP port.
  checkBrokerUrl(options.brokerUrl);
  if (options.storageDir) await checkStorageDir(options.storageDir);
  const storage: GeneStorage | undefined = options.storageDir ? createFileStorage({ dir: options.storageDir }) : undefined;
  let core: NodeCore | null = null;
  let transport: MqttTransport | null = null;
  let auth: AuthenticatedTransport | null = null;
  let stopped = false;
  const outage = new OutageLog(log, options.brokerUrl);
  function statusExtra(): Record<string, unknown> {
    const mem = process.memoryUsage();
    return {
      protocolVersion: transport!.protocolVersion,
      reconnects: Math.max(0, transport!.connects - 1),
      rssMB: mb(mem.rss),
      heapMB: mb(mem.heapUsed),
      authenticated: auth !== null,
      auth: auth ? { delivered: auth.delivered, dropped: auth.dropped, drops: { ...auth.drops }, guardRecords: auth.guard.size } : null,
      receive: { queued: paced.queued, maxQueued: paced.maxQueued, overload: paced.overload },
      outage: { down: outage.down, downForS: outage.downForMs / 1000, outages: outage.outages, logLines: outage.lines },
      ...(options.radio
        ? {
            energy: nodeEnergyStatus(
              options.radio,
              core!.stats,
              ((Date.now() - core!.startedMs) / config.tickMs) * (DEVICE_TICK_MS / 1000),
              config.chatty ? undefined : (core!.listenTicks * DEVICE_TICK_MS) / 1000,
            ),
          }
        : {}),
    };
  }
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.method !== 'GET') return send(405, { error: 'GET only' });
    if (!core || !transport) return send(503, { error: 'starting' });
    if (path === '/status') return send(200, core.status(transport.connected, statusExtra()));
    if (path === '/health') return send(200, { ok: !stopped, id: config.id, connected: transport.connected, uptimeS: (Date.now() - core.startedMs) / 1000 });
    send(404, { error: 'not found; try /status or /health' });
  });
  const closeServer = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await listen(server, options.httpPort);
  const httpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // 2. The broker: connect (and log in, with an identity) before joining. A refused login is fatal.
  let refusal: ((message: string) => void) | null = null;
  let joined = false;
  const refusalText = (err: Error): string =>
    `broker ${options.brokerUrl} refused the login of node ${config.id}` +
    `${identity ? '' : ' (this node has no --keys, and the broker requires logins)'}: ${err.message}`;
  const mqttOptions: Omit<MqttTransportOptions, 'url'> = {
    clientId: `qres-${config.swarm}-${config.id}-${process.pid}`,
    reconnectPeriodMs: options.reconnectPeriodMs ?? 500,
    closeTimeoutMs: 800,
    onConnect: (version) => {
      outage.connected(`connected to ${options.brokerUrl} (MQTT ${version === 5 ? '5' : '3.1.1'}${identity ? `, logged in as node ${config.id}` : ''})`);
      core?.publishOnline();
    },
    onDisconnect: () => outage.failure('connection lost'),
    onError: (error) => {
      if (isAuthRefusal(error)) {
        const text = refusalText(error);
        if (refusal) refusal(text);
        else if (joined && !stopped) options.onFatal?.(text);
        return;
      }
      outage.failure(error.message.split('\n')[0]!.slice(0, 160));
    },
  };
  const will = { topic: topicFor(config.swarm, 'status', config.id), bytes: encodeStatus(config.id, false), retain: true };
  let wire: Transport;
  let paced: PacedReceiver;
  if (identity) {
    // connectAuthenticated's parts, with the paced receiver between MQTT and the checks: log in as the node, a
    // will sealed afresh before every connect, everything sent sealed, everything received opened.
    const { me, secretKey, roster } = identity;
    const signer = new Signer({ me, secretKey, swarm: roster.swarm });
    transport = createMqttTransport({
      ...mqttOptions,
      url: options.brokerUrl,
      username: String(me),
      password: signer.mqttPassword(),
      will: signer.will(will.topic, will.bytes, true),
    });
    paced = new PacedReceiver(transport);
    auth = authenticate(paced, { me, secretKey, roster, signer });
    wire = auth;
  } else {
    transport = createMqttTransport({ ...mqttOptions, url: options.brokerUrl, will });
    paced = new PacedReceiver(transport);
    wire = paced;
  }
  const failStartup = async (err: unknown): Promise<never> => {
    stopped = true;
    await wire.close().catch(() => undefined);
    await closeServer();
    throw err;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      refusal = (text) => reject(new NodeStartupError(text));
      transport!.whenConnected(options.connectWaitMs ?? 2000).then(resolve, () => {
        if (!outage.down) outage.failure('no answer yet');
        resolve(); // not up yet: run and retry
      });
    });
  } catch (err) {
    return failStartup(err);
  } finally {
    refusal = null;
  }

  // 3. Join: load the gene, subscribe, announce online.
  core = new NodeCore(config, {
    transport: wire,
    sensor: createSensor(options.sensor, config.id, config.seed, config.scenario),
    storage,
    protocolVersion: () => transport!.protocolVersion,
    radioMtu: options.radio?.phy.maxPayloadBytes,
    log,
  });
  try {
    await core.start();
  } catch (err) {
    return failStartup(new NodeStartupError(`loading the stored gene failed: ${(err as Error).message}`));
  }
  joined = true;

  // The tick loop: ticks sit on the grid ⌊now / tickMs⌋, shared by every node.
  let last = deviceTick(config, Date.now());
  let timer: NodeJS.Timeout | null = null;
  const loop = (): void => {
    if (stopped) return;
    const target = deviceTick(config, Date.now());
    if (target - last > MAX_CATCH_UP) last = target - MAX_CATCH_UP;
    while (last < target) core!.step(++last);
    timer = setTimeout(loop, Math.max(1, config.epochMs + (last + 1) * config.tickMs - Date.now()));
  };
  loop();

  return {
    core,
    transport,
    auth,
    outage,
    httpUrl,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      await core!.stop(); // final save, offline status (retained), clean DISCONNECT (bounded)
      await closeServer();
    },
  };
}
