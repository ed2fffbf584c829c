// The embedded default broker: aedes in this process, MQTT over TCP and over WebSocket (for the browser's
// live view), on 127.0.0.1 only. Good for a laptop demo and for tests; in production use Mosquitto (or EMQX)
// and point the nodes at it with --broker mqtt://host:1883.
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

export interface BrokerOptions {
  /** TCP port for mqtt:// (0: any free port). Default 1883. */
  port?: number;
  /** WebSocket port for ws:// (0: any free port; null: no WebSocket listener). Default 8883. */
  wsPort?: number | null;
  host?: string;
}

export interface RunningBroker {
  mqttUrl: string;
  wsUrl: string | null;
  /** Clients connected right now. */
  readonly clients: number;
  close(): Promise<void>;
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: TcpServer | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const aedes = await Aedes.createBroker();
  // A misbehaving client (garbage bytes, an abrupt close) is that client's problem, never the broker's.
  aedes.on('clientError', () => undefined);
  aedes.on('connectionError', () => undefined);
  const tcp = createTcpServer(aedes.handle);
  const sockets = new Set<import('node:net').Socket>();
  tcp.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(tcp, options.port ?? 1883, host);
  let http: HttpServer | null = null;
  let wss: WebSocketServer | null = null;
  let wsPort: number | null = null;
  const wsOption = options.wsPort === undefined ? 8883 : options.wsPort;
  if (wsOption !== null) {
    http = createHttpServer();
    wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket, request) => {
      const stream = createWebSocketStream(socket);
      stream.on('error', () => undefined);
      aedes.handle(stream, request);
    });
    try {
      wsPort = await listen(http, wsOption, host);
    } catch (err) {
      await closeServer(tcp);
      aedes.close();
      throw err;
    }
  }
  return {
    mqttUrl: `mqtt://${host}:${port}`,
    wsUrl: wsPort === null ? null : `ws://${host}:${wsPort}`,
    get clients() {
      return aedes.connectedClients;
    },
    async close() {
      for (const client of wss?.clients ?? []) client.terminate();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await Promise.all([closeServer(tcp), http ? closeServer(http) : Promise.resolve()]);
    },
  };
}
