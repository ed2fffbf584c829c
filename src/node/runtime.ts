// A real node on a real clock: NodeCore driven by the wall-clock tick grid, MQTT as its transport (with a
// retained "offline" last will), file storage for its gene, and GET /status + GET /health on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFileStorage } from '../storage/fileStorage';
import type { GeneStorage } from '../storage/geneStorage';
import { createMqttTransport, type MqttTransport } from '../net/mqttTransport';
import { topicFor } from '../net/topics';
import { encodeStatus } from '../net/wire';
import type { NodeConfig } from './config';
import { NodeCore } from './nodeCore';
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
  log?: (line: string) => void;
}

export interface NodeDaemon {
  core: NodeCore;
  transport: MqttTransport;
  httpUrl: string;
  stop(): Promise<void>;
}

/** Most ticks a late timer catches up in one go; beyond that the node skips ahead (a stalled process). */
const MAX_CATCH_UP = 50;

export async function startNodeDaemon(options: NodeDaemonOptions): Promise<NodeDaemon> {
  const { config, log } = options;
  const storage: GeneStorage | undefined = options.storageDir ? createFileStorage({ dir: options.storageDir }) : undefined;
  let core: NodeCore | null = null;
  const transport = createMqttTransport({
    url: options.brokerUrl,
    clientId: `qres-${config.swarm}-${config.id}-${process.pid}`,
    will: { topic: topicFor(config.swarm, 'status', config.id), bytes: encodeStatus(config.id, false), retain: true },
    onConnect: (version) => {
      log?.(`connected to ${options.brokerUrl} (MQTT ${version === 5 ? '5' : '3.1.1'})`);
      core?.publishOnline();
    },
    onDisconnect: () => log?.('broker connection lost; reconnecting'),
    onError: (error) => log?.(`mqtt: ${error.message}`),
  });
  try {
    await transport.whenConnected(2000);
  } catch {
    log?.(`no broker at ${options.brokerUrl} yet; running and retrying`);
  }
  core = new NodeCore(config, {
    transport,
    sensor: createSensor(options.sensor, config.id, config.seed),
    storage,
    protocolVersion: () => transport.protocolVersion,
    log,
  });
  await core.start();

  // The tick loop: ticks sit on the grid ⌊now / tickMs⌋, shared by every node.
  let last = Math.floor(Date.now() / config.tickMs);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const loop = (): void => {
    if (stopped) return;
    const target = Math.floor(Date.now() / config.tickMs);
    if (target - last > MAX_CATCH_UP) last = target - MAX_CATCH_UP;
    while (last < target) core!.step(++last);
    timer = setTimeout(loop, Math.max(1, (last + 1) * config.tickMs - Date.now()));
  };
  loop();

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.method !== 'GET') return send(405, { error: 'GET only' });
    if (path === '/status') {
      return send(200, core!.status(transport.connected, { protocolVersion: transport.protocolVersion, reconnects: Math.max(0, transport.connects - 1) }));
    }
    if (path === '/health') return send(200, { ok: !stopped, id: config.id, connected: transport.connected, uptimeS: (Date.now() - core!.startedMs) / 1000 });
    send(404, { error: 'not found; try /status or /health' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.httpPort, '127.0.0.1', () => resolve());
  });
  const httpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    core,
    transport,
    httpUrl,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      await core!.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
