// `qres swarm`: the embedded broker plus N real node processes on this machine, a live one-line summary on
// stderr, and at the end messages and bytes per node per hour (measured, then extrapolated from the run).
import { numberFlag, UsageError, type Command, type Values } from '../command';
import { startBroker } from '../../net/broker';
import { fetchStatus, NODE_READY, spawnQres, type SpawnedProcess } from '../../node/launcher';
import { DEVICE_TICK_MS } from '../../node/config';
import { isAttackName } from '../../core/consensus/attacks';
import { KeyFileError } from '../../net/keyFiles';
import { provisionSwarmKeys } from './keys';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const USAGE = `usage: npm run qres -- swarm [flags]

Starts the embedded MQTT broker and N node processes (ids 1..N; the last --attackers of them attack), prints
a live summary on stderr, and stops everything on Ctrl-C or after --seconds. At the end it prints the
messages and bytes each node sent, per node per hour.

  --nodes N          node processes (default 20)
  --attackers K      how many of them attack (default 0)
  --attack NAME      their attack (default alie)
  --seconds S        stop after S seconds (default: run until Ctrl-C)
  --swarm NAME       swarm name (default demo)
  --port P           broker TCP port (default 1883)
  --ws-port P        broker WebSocket port for the live view (default 8883)
  --tick-ms MS       node tick (default 100: real time; 20 = 5x device time)
  --round-s S        consensus round, device seconds (default 10)
  --storage DIR      gene storage (default swarms_memory/<swarm>)
  --secure           cure replies carry commitments and transition proofs, verified before install
  --joiner-at S      after S seconds start one more node (id N+1) and report how fast it syncs from the
                     retained summary gene
  --keys DIR         the swarm's key directory: made (or completed) here for ids 1..N+1 with qres keys.
                     Default: a fresh temporary directory, removed at the end. The broker enforces the
                     roster's logins and ACL, and every node runs with --keys (signed, checked messages)
  --no-keys          an unauthenticated swarm, as before issue 13 (anyone who reaches the broker may speak)
  --json             print the final report as one JSON object on stdout`;

type Status = Record<string, unknown>;

interface SwarmReport {
  nodes: number;
  attackers: number;
  attack: string;
  wallSeconds: number;
  tickMs: number;
  nodesUp: number;
  evolved: number;
  attackersBannedByAllHonest: number;
  honestBannedByAnyHonest: number;
  perNodePerHour: { messages: number; mqttBytes: number; payloadBytes: number };
  /** The messages per node per hour by kind (announces are the rest: statuses and heartbeats). */
  perNodePerHourByKind: { consensus: number; requests: number; replies: number; summaries: number; other: number };
  perNodePerDeviceHour: { messages: number; mqttBytes: number; payloadBytes: number };
  rejected: number;
  dropped: number;
  /** Whether the swarm ran with keys (signed messages, broker logins and ACL). */
  authenticated: boolean;
  /** Messages the nodes' authenticated transports dropped (bad signature, replay, stranger, ...). */
  authDropped: number;
  /** The mid-flight joiner: ms from its node start to adopting the retained summary (its own count), and
   *  from spawning its process (what a user waits, process start included). */
  joiner: { syncMs: number | null; spawnToSyncMs: number | null } | null;
}

function num(s: Status | null, key: string): number {
  const v = s?.[key];
  return typeof v === 'number' ? v : 0;
}

/** Bans seen from outside: an attacker counts when every honest node that answers has banned it. */
export function countBans(statuses: (Status | null)[], attackerIds: Set<number>): { attackers: number; honest: number } {
  const honest = statuses.filter((s): s is Status => s !== null && !attackerIds.has(num(s, 'id')));
  const bannedBy = (s: Status): Set<number> => new Set((s.banned as number[] | undefined) ?? []);
  let attackers = 0;
  for (const a of attackerIds) if (honest.length > 0 && honest.every((s) => bannedBy(s).has(a))) attackers++;
  const honestIds = new Set(honest.map((s) => num(s, 'id')));
  const honestBanned = new Set<number>();
  for (const s of honest) for (const b of bannedBy(s)) if (honestIds.has(b)) honestBanned.add(b);
  return { attackers, honest: honestBanned.size };
}

/** Mean over nodes of (count / uptime) × 3600, for the counters of /status. */
export function perHour(statuses: (Status | null)[], key: string): number {
  const live = statuses.filter((s): s is Status => s !== null && num(s, 'uptimeS') > 0);
  if (live.length === 0) return 0;
  return live.reduce((sum, s) => sum + (num(s, key) / num(s, 'uptimeS')) * 3600, 0) / live.length;
}

function byKind(statuses: (Status | null)[], total: number): SwarmReport['perNodePerHourByKind'] {
  const k = {
    consensus: perHour(statuses, 'consensusSent'),
    requests: perHour(statuses, 'requestsSent'),
    replies: perHour(statuses, 'repliesSent'),
    summaries: perHour(statuses, 'summariesSent'),
  };
  return { ...k, other: total - k.consensus - k.requests - k.replies - k.summaries };
}

function options(values: Values) {
  const nodes = numberFlag(values, 'nodes') ?? 20;
  const attackers = numberFlag(values, 'attackers') ?? 0;
  const attack = typeof values.attack === 'string' ? values.attack : 'alie';
  const seconds = numberFlag(values, 'seconds');
  const tickMs = numberFlag(values, 'tick-ms') ?? 100;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 500) throw new UsageError(`--nodes ${nodes} is not in [1, 500]`);
  if (!Number.isInteger(attackers) || attackers < 0 || attackers >= nodes) throw new UsageError(`--attackers ${attackers} must be in [0, nodes)`);
  if (!isAttackName(attack)) throw new UsageError(`--attack ${attack} is not a known attack`);
  if (seconds !== undefined && !(seconds > 0)) throw new UsageError('--seconds must be > 0');
  return { nodes, attackers, attack, seconds, tickMs };
}

export const swarmCommand: Command = {
  name: 'swarm',
  summary: 'start a broker and N real node processes, with a live summary',
  usage: USAGE,
  options: {
    nodes: { type: 'string' },
    attackers: { type: 'string' },
    attack: { type: 'string' },
    seconds: { type: 'string' },
    swarm: { type: 'string' },
    port: { type: 'string' },
    'ws-port': { type: 'string' },
    'tick-ms': { type: 'string' },
    'round-s': { type: 'string' },
    storage: { type: 'string' },
    json: { type: 'boolean' },
    'joiner-at': { type: 'string' },
    secure: { type: 'boolean' },
    keys: { type: 'string' },
    'no-keys': { type: 'boolean' },
  },
  async run(values) {
    const { nodes, attackers, attack, seconds, tickMs } = options(values);
    const swarm = typeof values.swarm === 'string' ? values.swarm : 'demo';
    if (values['no-keys'] && typeof values.keys === 'string') throw new UsageError('--keys and --no-keys exclude each other');
    // Identities: a key per node (the joiner's too), the roster for the broker's ACL and the viewer's login.
    let keysDir: string | null = null;
    let tempKeys = false;
    let auth: { roster: import('../../core/identity/roster').Roster; viewerPassword: string } | undefined;
    if (!values['no-keys']) {
      tempKeys = typeof values.keys !== 'string';
      keysDir = tempKeys ? mkdtempSync(join(tmpdir(), 'qres-keys-')) : (values.keys as string);
      try {
        const p = provisionSwarmKeys(
          keysDir,
          swarm,
          Array.from({ length: nodes + 1 }, (_, i) => i + 1),
        );
        auth = { roster: p.roster, viewerPassword: p.viewerPassword };
      } catch (err) {
        if (tempKeys) rmSync(keysDir, { recursive: true, force: true });
        if (err instanceof KeyFileError) {
          process.stderr.write(`qres swarm: cannot start: ${err.message}\n`);
          return 1;
        }
        throw err;
      }
    }
    const broker = await startBroker({ port: numberFlag(values, 'port') ?? 1883, wsPort: numberFlag(values, 'ws-port') ?? 8883, auth });
    const login = auth ? `&user=viewer&pass=${encodeURIComponent(auth.viewerPassword)}` : '';
    process.stderr.write(
      `qres swarm: broker ${broker.mqttUrl}${auth ? ` (logins and ACL from ${keysDir})` : ' (UNAUTHENTICATED: --no-keys)'}, live view ?live=${broker.wsUrl}&swarm=${swarm}${login}\n`,
    );
    const attackerIds = new Set<number>();
    const procs: SpawnedProcess[] = [];
    // One epoch for the whole swarm (a minute back, so every node's first tick is past it): device ticks count
    // from it, and so stay small even at --tick-ms 20.
    const epochMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const argsFor = (id: number): string[] => {
      // Every node listens to every other (an MQTT swarm is one neighbourhood), the joiner included.
      // With keys, each node listens to the roster's active members (1..N+1); without, to the same ids by flag.
      const args = ['node', '--swarm', swarm, '--id', String(id), '--broker', broker.mqttUrl, '--tick-ms', String(tickMs), '--epoch', String(epochMs)];
      args.push(...(keysDir ? ['--keys', keysDir] : ['--peers', `1-${nodes + 1}`]));
      if (typeof values['round-s'] === 'string') args.push('--round-s', values['round-s']);
      args.push('--storage', typeof values.storage === 'string' ? values.storage : `swarms_memory/${swarm}`);
      if (values.secure) args.push('--secure');
      if (id > nodes - attackers && id <= nodes) {
        args.push('--attack', attack, '--coalition', `${nodes - attackers + 1}-${nodes}`);
        attackerIds.add(id);
      }
      return args;
    };
    for (let id = 1; id <= nodes; id++) procs.push(spawnQres(argsFor(id), NODE_READY, 120_000));
    const urls = await Promise.all(procs.map((p) => p.ready.catch(() => null)));
    const started = Date.now();
    let last: (Status | null)[] = [];
    let prevSent: { msgs: number; bytes: number; at: number } | null = null;
    let stopping = false;
    const joinerAt = numberFlag(values, 'joiner-at');
    let joiner: { proc: SpawnedProcess; spawnedAt: number; url: string | null; syncMs: number | null; spawnToSyncMs: number | null } | null = null;
    const stopSignal = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      if (seconds !== undefined) setTimeout(resolve, seconds * 1000).unref();
    }).then(() => void (stopping = true));
    const tty = process.stderr.isTTY === true;
    let lines = 0;
    while (!stopping) {
      last = await Promise.all(urls.map((u) => (u ? fetchStatus(u, 1500) : Promise.resolve(null))));
      const up = last.filter((s) => s !== null && s.connected === true).length;
      const msgs = last.reduce((a, s) => a + num(s, 'msgsSent'), 0);
      const bytes = last.reduce((a, s) => a + num(s, 'bytesSent'), 0);
      const now = Date.now();
      const dt = prevSent ? Math.max(0.001, (now - prevSent.at) / 1000) : 0;
      const rate = (delta: number): string => (dt > 0 ? (delta / dt).toFixed(0) : '–');
      const bans = countBans(last, attackerIds);
      const line =
        `t=${((now - started) / 1000).toFixed(0)}s  up ${up}/${nodes}  evolved ${last.filter((s) => s?.evolved === true).length}` +
        `  storm ${last.filter((s) => s?.regime === 'storm').length}  bans ${bans.attackers}/${attackers} attackers, ${bans.honest} honest` +
        `  ${rate(msgs - (prevSent?.msgs ?? 0))} msg/s  ${rate(bytes - (prevSent?.bytes ?? 0))} B/s`;
      prevSent = { msgs, bytes, at: now };
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else if (lines++ % 5 === 0) process.stderr.write(`${line}\n`);
      if (joinerAt !== undefined && joiner === null && now - started >= joinerAt * 1000) {
        joiner = { proc: spawnQres(argsFor(nodes + 1), NODE_READY, 120_000), spawnedAt: Date.now(), url: null, syncMs: null, spawnToSyncMs: null };
        const j = joiner;
        void j.proc.ready.then(
          async (url) => {
            j.url = url;
            for (let i = 0; i < 600 && j.syncMs === null; i++) {
              const st = await fetchStatus(url, 1000);
              if (st?.synced === true) {
                j.syncMs = num(st, 'syncMs');
                j.spawnToSyncMs = Date.now() - j.spawnedAt;
                process.stderr.write(`${tty ? '\n' : ''}joiner ${nodes + 1}: synced ${j.syncMs} ms after start (${j.spawnToSyncMs} ms after spawn)\n`);
              } else await new Promise((r) => setTimeout(r, 50));
            }
          },
          () => undefined,
        );
      }
      await Promise.race([stopSignal, new Promise((r) => setTimeout(r, 1000))]);
    }
    if (tty) process.stderr.write('\n');
    last = await Promise.all(urls.map((u) => (u ? fetchStatus(u, 3000) : Promise.resolve(null))));
    if (joiner) procs.push(joiner.proc);
    await Promise.all(procs.map((p) => p.stop(8000)));
    await broker.close();
    if (tempKeys && keysDir) rmSync(keysDir, { recursive: true, force: true });
    const wallSeconds = (Date.now() - started) / 1000;
    const speed = DEVICE_TICK_MS / tickMs; // device seconds per wall second
    const hour = { messages: perHour(last, 'msgsSent'), mqttBytes: perHour(last, 'bytesSent'), payloadBytes: perHour(last, 'payloadBytesSent') };
    const bans = countBans(last, attackerIds);
    const report: SwarmReport = {
      nodes,
      attackers,
      attack,
      wallSeconds,
      tickMs,
      nodesUp: last.filter((s) => s !== null).length,
      evolved: last.filter((s) => s?.evolved === true).length,
      attackersBannedByAllHonest: bans.attackers,
      honestBannedByAnyHonest: bans.honest,
      perNodePerHour: hour,
      perNodePerHourByKind: byKind(last, hour.messages),
      perNodePerDeviceHour: { messages: hour.messages / speed, mqttBytes: hour.mqttBytes / speed, payloadBytes: hour.payloadBytes / speed },
      rejected: last.reduce((a, s) => a + num(s, 'rejected'), 0),
      dropped: last.reduce((a, s) => a + num(s, 'dropped'), 0),
      authenticated: auth !== undefined,
      authDropped: last.reduce((a, s) => a + ((s?.auth as { dropped?: number } | null)?.dropped ?? 0), 0),
      joiner: joiner ? { syncMs: joiner.syncMs, spawnToSyncMs: joiner.spawnToSyncMs } : null,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      const r = report.perNodePerHour;
      process.stdout.write(
        `QRES swarm — ${nodes} nodes (${attackers} attacking with ${attack}), ${wallSeconds.toFixed(0)} s, tick ${tickMs} ms\n` +
          `  nodes answering   ${report.nodesUp} of ${nodes}; evolved ${report.evolved}\n` +
          `  bans              ${bans.attackers} of ${attackers} attackers banned by every honest node; ${bans.honest} honest banned\n` +
          `  per node per hour ${r.messages.toFixed(0)} messages, ${r.mqttBytes.toFixed(0)} MQTT bytes (${r.payloadBytes.toFixed(0)} payload)` +
          ` — extrapolated from this ${wallSeconds.toFixed(0)} s run\n` +
          (speed !== 1
            ? `  per device-hour   ${report.perNodePerDeviceHour.messages.toFixed(0)} messages, ${report.perNodePerDeviceHour.mqttBytes.toFixed(0)} MQTT bytes (tick ${tickMs} ms = ${speed}x)\n`
            : '') +
          `  by kind           ${Object.entries(report.perNodePerHourByKind)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(', ')}\n` +
          `  refused           ${report.rejected} malformed, ${report.dropped} rate-limited` +
          (auth ? `, ${report.authDropped} failed authentication\n` : ' (unauthenticated swarm)\n') +
          (joiner
            ? `  joiner            synced from the retained summary ${joiner.syncMs ?? '–'} ms after its start (${joiner.spawnToSyncMs ?? '–'} ms after spawn)\n`
            : ''),
      );
    }
    setTimeout(() => process.exit(0), 1000).unref();
    return 0;
  },
};
