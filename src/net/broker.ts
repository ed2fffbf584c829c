// The embedded default broker: aedes in this process, MQTT over TCP and over WebSocket (for the browser's
// live view), on 127.0.0.1 only. Good for a laptop demo and for tests; in production use Mosquitto (or EMQX)
// and point the nodes at it with --broker mqtt://host:1883.
//
// With `auth` (a roster), the broker enforces brokerAcl.ts's rules, the same the generated Mosquitto ACL
// states: only roster members (password = mqttPassword(), checked against the roster's public key) and the
// read-only viewer may connect; node N may publish only topics that name N as sender (a forbidden publish,
// will included, closes that client's connection, as aedes does on any refusal); everyone may subscribe inside
// the swarm only (a refused filter gets SUBACK 0x80). Without `auth` it relays anything from anyone, as before.
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { checkMqttPassword, equalBytes } from '../core/identity/keys';
import { activeMember, type Roster } from '../core/identity/roster';
import { mayPublish, maySubscribe, nodeIdOfUsername, VIEWER_USERNAME } from './brokerAcl';

export interface BrokerAuth {
  roster: Roster;
  /** The read-only viewer's password (username VIEWER_USERNAME, "viewer"); no viewer login without it. */
  viewerPassword?: string;
}

/** Refusals so far, by what was refused. */
export interface BrokerRefusals {
  connect: number;
  publish: number;
  subscribe: number;
}

export interface BrokerOptions {
  /** TCP port for mqtt:// (0: any free port). Default 1883. */
  port?: number;
  /** WebSocket port for ws:// (0: any free port; null: no WebSocket listener). Default 8883. */
  wsPort?: number | null;
  host?: string;
  /** Authenticate clients against a roster and enforce the swarm's ACL. */
  auth?: BrokerAuth;
}

export interface RunningBroker {
  mqttUrl: string;
  wsUrl: string | null;
  /** Clients connected right now. */
  readonly clients: number;
  /** Refused connects, publishes and subscriptions (always 0 without auth). */
  readonly refused: Readonly<BrokerRefusals>;
  /** Replaces the roster (e.g. after `qres keys revoke`); clients already connected keep their session, but
   *  a revoked node's publishes and subscriptions are refused from now on. No-op without auth. */
  setRoster(roster: Roster): void;
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
  const refused: BrokerRefusals = { connect: 0, publish: 0, subscribe: 0 };
  let roster = options.auth?.roster ?? null;
  // Passwords that verified, per node id: bounded by the roster; a changed roster clears it.
  const verified = new Map<number, string>();
  const viewerPassword = options.auth?.viewerPassword;
  // aedes keeps no username on its Client: remember who logged in (gone with the client object).
  const users = new WeakMap<object, string>();
  const aedes = await Aedes.createBroker(
    roster === null
      ? {}
      : {
          authenticate(client, username, password, done) {
            const ok = ((): boolean => {
              if (!roster || username === undefined || password === undefined) return false;
              if (username === VIEWER_USERNAME)
                return viewerPassword !== undefined && equalBytes(new Uint8Array(password), new TextEncoder().encode(viewerPassword));
              const id = nodeIdOfUsername(username);
              const entry = id === null ? undefined : activeMember(roster, id);
              if (id === null || !entry) return false;
              const text = password.toString('utf8');
              const known = verified.get(id);
              if (known !== undefined) return equalBytes(known, text);
              if (!checkMqttPassword(roster.swarm, id, entry.publicKey, text)) return false;
              verified.set(id, text);
              return true;
            })();
            if (ok) {
              users.set(client, username!);
              return done(null, true);
            }
            refused.connect++;
            const err = Object.assign(new Error('bad username or password'), { returnCode: 4 as const });
            done(err, false);
          },
          authorizePublish(client, packet, done) {
            // client === null: aedes publishing a stored will of a client it no longer knows; nothing to attribute it
            // to, so refused (our persistence is in memory, so this cannot happen after a restart anyway).
            if (roster && client && mayPublish(roster, users.get(client), packet.topic)) return done(null);
            refused.publish++;
            done(new Error(`not allowed to publish on ${packet.topic}`));
          },
          authorizeSubscribe(client, sub, done) {
            if (roster && maySubscribe(roster, users.get(client), sub.topic)) return done(null, sub);
            refused.subscribe++;
            done(null, null);
          },
        },
  );
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
    get refused() {
      return refused;
    },
    setRoster(next: Roster) {
      if (roster === null) return;
      roster = next;
      verified.clear();
    },
    async close() {
      for (const client of wss?.clients ?? []) client.terminate();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await Promise.all([closeServer(tcp), http ? closeServer(http) : Promise.resolve()]);
    },
  };
}
