// Real processes over real MQTT on 127.0.0.1: a broker process and node processes (`qres node`), at 5× device
// time (tick 20 ms) with 2-second rounds (0.4 s of wall time). The tests run in order on one swarm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { BROKER_READY, fetchStatus, NODE_READY, spawnQres, type SpawnedProcess } from '../../src/node/launcher';
import { encodeStatus } from '../../src/net/wire';
import { freePort, until } from '../helpers/wait';

type Status = Record<string, unknown>;
const SWARM = 'itest';
const HONEST = [1, 2, 3, 4, 5];
const ATTACKER = 6;

let dir: string;
let brokerPort: number;
let broker: SpawnedProcess;
const nodes = new Map<number, { proc: SpawnedProcess; url: string }>();
const extra: SpawnedProcess[] = [];

function startBroker(): SpawnedProcess {
  return spawnQres(['broker', '--port', String(brokerPort), '--no-ws'], BROKER_READY);
}

async function startNode(id: number, args: string[] = []): Promise<void> {
  const proc = spawnQres(
    [
      'node',
      '--swarm',
      SWARM,
      '--id',
      String(id),
      '--broker',
      `mqtt://127.0.0.1:${brokerPort}`,
      '--tick-ms',
      '20',
      '--round-s',
      '2',
      '--storage',
      dir,
      ...args,
    ],
    NODE_READY,
  );
  nodes.set(id, { proc, url: await proc.ready });
}

async function statuses(ids: number[]): Promise<Status[]> {
  const all = await Promise.all(ids.map((id) => fetchStatus(nodes.get(id)!.url)));
  if (all.some((s) => s === null)) throw new Error('a node did not answer /status');
  return all as Status[];
}

/** Largest max − min over the 9 coordinates of the nodes' consensus vectors (Q16), or of their priors. */
function spread(all: Status[], field: 'consensus' | 'prior' = 'consensus'): number {
  let worst = 0;
  for (let k = 0; k < 9; k++) {
    const col = all.map((s) => (s[field] as number[])[k]!);
    worst = Math.max(worst, Math.max(...col) - Math.min(...col));
  }
  return worst;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qres-swarm-'));
  brokerPort = await freePort();
  broker = startBroker();
  await broker.ready;
  await Promise.all([...HONEST.map((id) => startNode(id)), startNode(ATTACKER, ['--attack', 'sign-flip'])]);
}, 60_000);

afterAll(async () => {
  await Promise.all([...[...nodes.values()].map((n) => n.proc.stop(3000)), ...extra.map((p) => p.stop(3000))]);
  await broker?.stop(3000);
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('a real swarm: broker + node processes over MQTT', () => {
  it('honest nodes converge: the spread of their consensus vectors shrinks', async () => {
    const first = await statuses(HONEST);
    const before = spread(first, 'prior'); // where each node started (its own gene + seeded jitter)
    const startRounds = Math.min(...first.map((s) => s.roundsDone as number));
    const later = await until(
      '10 rounds',
      async () => {
        const all = await statuses(HONEST);
        return all.every((s) => (s.roundsDone as number) >= startRounds + 10) && all;
      },
      40_000,
    );
    expect(before).toBeGreaterThan(3000); // seeded priors differ (σ = 0.1 ≈ 6554)
    expect(spread(later)).toBeLessThan(before / 2);
    for (const s of later) expect(s.connected).toBe(true);
  }, 60_000);

  it('the attacker process is banned by every honest node', async () => {
    const all = await until(
      'bans',
      async () => {
        const s = await statuses(HONEST);
        return s.every((x) => (x.banned as number[]).includes(ATTACKER)) && s;
      },
      30_000,
    );
    for (const s of all) expect((s.banned as number[]).filter((b) => HONEST.includes(b))).toEqual([]);
  }, 60_000);

  it('a rogue client publishing garbage is refused and counted, costs no one reputation, and nothing crashes', async () => {
    const before = await statuses(HONEST);
    const rogue = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { protocolVersion: 4, reconnectPeriod: 0 });
    for (let i = 0; i < 20; i++) {
      const junk = Buffer.from(Array.from({ length: (i * 13) % 70 }, (_, j) => (i * 97 + j * 31) & 255));
      await rogue.publishAsync(`qres/${SWARM}/consensus/42`, junk);
      await rogue.publishAsync(`qres/${SWARM}/reply/${HONEST[i % HONEST.length]}/${HONEST[(i + 1) % HONEST.length]}`, junk);
    }
    await rogue.publishAsync(`qres/${SWARM}/summary/${HONEST[0]}`, Buffer.from('not a summary gene'));
    await rogue.publishAsync(`qres/${SWARM}/announce/43`, Buffer.from(encodeStatus(43, true)));
    await rogue.endAsync();
    const after = await until(
      'rejections',
      async () => {
        const s = await statuses(HONEST);
        return s.every((x, i) => (x.rejected as number) >= (before[i]!.rejected as number) + 20) && s;
      },
      15_000,
    );
    for (const s of after) {
      expect(s.handlerErrors).toBe(0);
      // Garbage proves nothing about who sent it: no honest node loses standing for it (42 is no peer at all).
      expect((s.banned as number[]).filter((b) => HONEST.includes(b))).toEqual([]);
      expect((s.banned as number[]).includes(42)).toBe(false);
    }
    for (const id of [...HONEST, ATTACKER]) expect(nodes.get(id)!.proc.child.exitCode).toBeNull();
  }, 60_000);

  it('a mid-flight joiner syncs from the retained summary gene', async () => {
    const t0 = Date.now();
    await startNode(30);
    const s = await until(
      'sync',
      async () => {
        const x = await fetchStatus(nodes.get(30)!.url);
        return x?.synced === true && x;
      },
      15_000,
    );
    const wallMs = Date.now() - t0;
    expect(s.syncMs as number).toBeLessThan(2000);
    console.log(`[measured] joiner synced ${s.syncMs} ms after its node started (${wallMs} ms after spawn, incl. process start)`);
  }, 60_000);

  it('SIGKILL a node: its neighbours go on, and it restarts Evolved from its saved gene', async () => {
    const victim = await until(
      'an Evolved node with a saved gene',
      async () => {
        const all = await statuses(HONEST);
        return all.find((s) => s.evolved === true && (s.genesSaved as number) > 0 && s.regime === 'calm');
      },
      45_000,
    );
    const id = victim.id as number;
    const others = HONEST.filter((x) => x !== id);
    nodes.get(id)!.proc.child.kill('SIGKILL');
    await nodes.get(id)!.proc.exited;
    const before = await statuses(others);
    // The broker publishes its will: the others see it offline, and keep doing rounds.
    await until(
      'rounds go on without it',
      async () => {
        const all = await statuses(others);
        return all.every((s, i) => (s.roundsDone as number) >= (before[i]!.roundsDone as number) + 3 && !(s.peerIds as number[]).includes(id)) && all;
      },
      20_000,
    );
    await startNode(id);
    const again = await fetchStatus(nodes.get(id)!.url);
    expect(again?.restored).toBe(true);
    expect(again?.evolved).toBe(true);
  }, 60_000);

  it('broker restart: nodes reconnect and continue', async () => {
    await broker.stop(3000);
    await until('nodes notice', async () => (await statuses(HONEST)).every((s) => s.connected === false), 15_000);
    const during = await statuses(HONEST);
    broker = startBroker();
    await broker.ready;
    const after = await until(
      'reconnect and rounds',
      async () => {
        const all = await statuses(HONEST);
        return (
          all.every((s, i) => s.connected === true && (s.reconnects as number) >= 1 && (s.msgsReceived as number) > (during[i]!.msgsReceived as number) + 10) &&
          all
        );
      },
      30_000,
    );
    expect(after.length).toBe(HONEST.length);
  }, 60_000);
});
