// npm run bench:silence — the silent swarm (issue 14; src/core/rules/silence.ts) beside the chatty fixed-round
// consensus (--chatty), same seeds (1–5), into docs/BENCHMARKS.md (section "silence").
//
// - calm, 100 nodes (--scenario calm, every starting model jittered by 0.1 as the daemon's --init-jitter, so that
//   consensus has something to do), one hour of sim time (--calm-hours): bytes per node per day, the share of time a radio
//   listens, and the rounds until every honest node is within 1 % of the honest mean (‖m − mean‖ / ‖mean‖ ≤ 0.01).
//   A day is extrapolated: the run's bytes plus the rest of the day at the rate of the run's second half (a calm
//   swarm stays calm), so the start-up chatter is counted once, as it happens once. Energy on LoRa SF7 is measured
//   over the run's second half (the steady state; qres sim --radio's energySteady), J per node per day and 2 × AA
//   battery life (silent runs only: chatty radios have no listen schedule).
// --parts calm,storm,attacks runs a subset (then nothing is written); --no-write prints only.
// - storm, 150 nodes (the default scenario), 600 s: bytes per node per day (as qres sim reports them), split into
//   cure traffic and consensus, heal latency p50/p95 over every heal of the five seeds; and, over 300 s (the
//   ablation's horizon), the drift of the honest consensus under each attack of the catalogue at 30 % (against the
//   same seed with those nodes silent, as qres sim reports consensusDrift), with honest nodes banned.
// Deterministic: the same figures on every machine (the wall time is the only machine-dependent number).
import { createSim, type Sim } from '../src/sim/runner';
import { consensusDrift } from '../src/sim/drift';
import { ROLE_HONEST } from '../components/body';
import { MODEL_DIM } from '../src/core/rules/model';
import { ATTACK_NAMES } from '../src/core/consensus/attacks';
import { machineLine, table, writeSection } from '../src/cli/report';
import { energyReport, radioMark } from '../src/cli/commands/sim';
import { radioProfile } from '../src/core/energy/profiles';
import { listenSeconds } from '../src/sim/silence';
import type { SwarmEnergyReport } from '../src/core/energy/swarm';
import { MESSAGE_HEADER_BYTES, MSG_CONSENSUS, MSG_CURE_REPLY, MSG_CURE_REQUEST, MSG_SUMMARY, MSG_SUMMARY_REQUEST } from '../src/core/net/message';
import { fragmentCount, frameHeaderBytes } from '../src/core/net/fragment';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SEEDS = (flag('--seeds') ?? '1,2,3,4,5').split(',').map(Number);
const CALM_HOURS = Number(flag('--calm-hours') ?? 1);
const STORM_S = Number(flag('--storm-seconds') ?? 600);
/** The attack catalogue's horizon: 300 s, as the ablation's (docs/ABLATION.md). */
const ATTACK_S = Number(flag('--attack-seconds') ?? 300);
const ATTACKS = (flag('--attacks') ?? ATTACK_NAMES.filter((a) => a !== 'none').join(',')).split(',');
/** Which parts to run (all by default); the section is written only when all ran. */
const PARTS = (flag('--parts') ?? 'calm,storm,attacks').split(',');
const write = !args.includes('--no-write') && ['calm', 'storm', 'attacks'].every((p) => PARTS.includes(p));
/** The calm energy figure: the steady state (the run's second half) on this radio. */
const CALM_RADIO = radioProfile('lora-sf7');
const MODES = [
  { label: 'chatty', chatty: true },
  { label: 'silent', chatty: false },
] as const;
const DAY_S = 86_400;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** ‖m − mean‖ / ‖mean‖ of each honest node's model from the honest mean: the largest, and the mean. */
function spreads(sim: Sim): { worst: number; mean: number } {
  const { model } = sim.world.components.Consensus;
  const role = sim.world.components.Role.kind;
  const mean = new Float64Array(MODEL_DIM);
  let count = 0;
  for (let eid = 1; eid <= sim.world.n; eid++) {
    if (role[eid] !== ROLE_HONEST) continue;
    count++;
    for (let k = 0; k < MODEL_DIM; k++) mean[k]! += model[MODEL_DIM * eid + k]! / 65536;
  }
  for (let k = 0; k < MODEL_DIM; k++) mean[k]! /= count;
  const norm = Math.hypot(...mean);
  let worst = 0;
  let sum = 0;
  for (let eid = 1; eid <= sim.world.n; eid++) {
    if (role[eid] !== ROLE_HONEST) continue;
    let d = 0;
    for (let k = 0; k < MODEL_DIM; k++) d += (model[MODEL_DIM * eid + k]! / 65536 - mean[k]!) ** 2;
    worst = Math.max(worst, Math.sqrt(d) / norm);
    sum += Math.sqrt(d) / norm;
  }
  return { worst, mean: sum / count };
}
const worstSpread = (sim: Sim): number => spreads(sim).worst;
const meanSpread = (sim: Sim): number => spreads(sim).mean;

interface CalmRow {
  bytesPerDay: number;
  rounds: number;
  lateSpread: number;
  listenShare: number;
  deep: number;
  /** LoRa SF7, the run's second half (the steady state): J per node per day, 2 × AA years of the mean and dearest
   *  node; null in chatty runs (no listen schedule) or when the traffic does not fit. */
  steady: { totalJ: number; years: number; worstYears: number } | null;
}

function calm(seed: number, chatty: boolean): CalmRow {
  const sim = createSim({ nodes: 100, seed, scenario: 'calm', priorJitter: 0.1, chatty, layout: false });
  const w = sim.world;
  const rounds = Math.round((CALM_HOURS * 3600 * 1000) / (w.config.consensusRoundS * 1000));
  let first = -1;
  let lateSpread = 0;
  let halfBytes = 0;
  let mark: ReturnType<typeof radioMark> | undefined;
  for (let r = 1; r <= rounds; r++) {
    sim.step(w.roundTicks);
    const spread = worstSpread(sim);
    if (first < 0 && spread <= 0.01) first = r;
    if (r === Math.floor(rounds / 2)) {
      halfBytes = w.link.counters.bytesSent;
      mark = radioMark(sim);
    }
    if (r > rounds / 2) lateSpread = Math.max(lateSpread, spread);
  }
  const runS = (w.tick * w.config.tickMs) / 1000;
  const total = w.link.counters.bytesSent;
  const lateRate = (total - halfBytes) / (runS - (Math.floor(rounds / 2) * w.roundTicks * w.config.tickMs) / 1000);
  const m = sim.metrics();
  const e = chatty || !mark ? null : energyReport(CALM_RADIO, sim, listenSeconds(w), mark);
  const ok = e !== null && !('infeasible' in e) ? (e as SwarmEnergyReport) : null;
  return {
    steady: ok && { totalJ: ok.perNodePerDay.totalJ, years: ok.battery.meanNodeYears, worstYears: ok.battery.worstNodeYears },
    bytesPerDay: Math.round((total + lateRate * Math.max(0, DAY_S - runS)) / w.n),
    rounds: first,
    lateSpread,
    listenShare: m.radio?.listenShare ?? 1,
    deep: m.radio?.modes.deep ?? 0,
  };
}

/** Bytes on air of one kind of message, split into its parts: the message header (type, from, to), the body, the
 *  radio's authentication trailer (src/core/net/radioAuth.ts) and the fragment headers of its frames. */
interface KindBytes {
  messages: number;
  header: number;
  body: number;
  trailer: number;
  fragment: number;
}
const KINDS = ['consensus (after the first)', 'first consensus', 'cure request', 'cure reply', 'summary request', 'summary'] as const;
type Kind = (typeof KINDS)[number];
const KIND_OF: Record<number, Kind> = {
  [MSG_CONSENSUS]: 'consensus (after the first)',
  [MSG_CURE_REQUEST]: 'cure request',
  [MSG_CURE_REPLY]: 'cure reply',
  [MSG_SUMMARY_REQUEST]: 'summary request',
  [MSG_SUMMARY]: 'summary',
};
const kindTotal = (k: KindBytes): number => k.header + k.body + k.trailer + k.fragment;

interface StormRow {
  bytesPerDay: number;
  cureBytesPerDay: number;
  /** Per kind, bytes (and messages) per node per day; a node's first consensus broadcast apart from the rest. */
  kinds: Record<Kind, KindBytes>;
  latencies: number[];
  /** Heal latencies of the run's first and second half (storms healed in each). */
  halves: [number[], number[]];
  /** Bytes per node per day the calm part's way: the run plus the rest of the day at the second half's rate. */
  steadyBytesPerDay: number;
  heals: number;
  fromMemory: number;
  /** Latencies of the heals from memory, and of all the others. */
  memoryLatencies: number[];
  otherLatencies: number[];
  listenShare: number;
  /** Mean ‖m − honest mean‖ / ‖honest mean‖ over honest nodes at the end: how far the consensus agrees. */
  spread: number;
}

/** xs without one occurrence of each of ys (multisets of latencies). */
function without(xs: number[], ys: number[]): number[] {
  const left = new Map<number, number>();
  for (const y of ys) left.set(y, (left.get(y) ?? 0) + 1);
  return xs.filter((x) => {
    const n = left.get(x) ?? 0;
    if (n === 0) return true;
    left.set(x, n - 1);
    return false;
  });
}

/** Wraps the world's radio and link to count what each kind of message puts on air (outside the rules: counting
 *  changes no state). */
function countKinds(sim: Sim): Record<Kind, KindBytes> {
  const w = sim.world;
  const kinds = Object.fromEntries(KINDS.map((k) => [k, { messages: 0, header: 0, body: 0, trailer: 0, fragment: 0 }])) as Record<Kind, KindBytes>;
  const checksum = w.config.radioAuth === 'none';
  const spoke = new Uint8Array(w.n + 1);
  let bodyBytes = 0;
  const radioSend = w.radio.send.bind(w.radio);
  w.radio.send = (from, to, type, body) => {
    bodyBytes = body?.length ?? 0;
    return radioSend(from, to, type, body);
  };
  const linkSend = w.link.send.bind(w.link);
  w.link.send = (txFreeAtUs, from, to, id, message, tick) => {
    let kind = KIND_OF[message[0]!];
    if (kind === 'consensus (after the first)' && spoke[from] === 0) {
      spoke[from] = 1;
      kind = 'first consensus';
    }
    if (kind !== undefined) {
      const k = kinds[kind];
      k.messages++;
      k.header += MESSAGE_HEADER_BYTES;
      k.body += bodyBytes;
      k.trailer += message.length - MESSAGE_HEADER_BYTES - bodyBytes;
      k.fragment += fragmentCount(message.length, w.config.mtu, checksum) * frameHeaderBytes(checksum);
    }
    return linkSend(txFreeAtUs, from, to, id, message, tick);
  };
  return kinds;
}

function storm(seed: number, chatty: boolean): StormRow {
  const sim = createSim({ nodes: 150, seed, chatty, layout: false });
  const kinds = countKinds(sim);
  const half = Math.round(STORM_S * 5);
  sim.step(half);
  const firstHeals = sim.world.counters.healLatencyS.length;
  const firstBytes = sim.world.link.counters.bytesSent;
  sim.step(Math.round(STORM_S * 10) - half);
  const m = sim.metrics();
  const c = sim.world.counters;
  const secondBytes = sim.world.link.counters.bytesSent - firstBytes;
  const perDay = (x: number): number => (x / sim.world.n) * (DAY_S / STORM_S);
  for (const k of KINDS) for (const f of ['messages', 'header', 'body', 'trailer', 'fragment'] as const) kinds[k][f] = perDay(kinds[k][f]);
  const sum = KINDS.reduce((n, k) => n + kindTotal(kinds[k]), 0);
  if (Math.abs(sum - m.bytesPerNodePerDay) > 1) throw new Error(`storm seed ${seed}: kinds sum to ${sum}, the link sent ${m.bytesPerNodePerDay}`);
  return {
    bytesPerDay: m.bytesPerNodePerDay,
    cureBytesPerDay: kindTotal(kinds['cure request']) + kindTotal(kinds['cure reply']),
    kinds,
    latencies: [...c.healLatencyS],
    halves: [c.healLatencyS.slice(0, firstHeals), c.healLatencyS.slice(firstHeals)],
    steadyBytesPerDay: (sim.world.link.counters.bytesSent + (secondBytes * (DAY_S - STORM_S)) / (STORM_S - half / 10)) / sim.world.n,
    heals: m.heals.gossip + m.heals.self,
    fromMemory: m.heals.fromMemory ?? 0,
    memoryLatencies: [...c.healLatencyFromMemoryS],
    otherLatencies: [...c.healLatencyGossipS, ...without(c.healLatencySelfS, c.healLatencyFromMemoryS)],
    listenShare: m.radio?.listenShare ?? 1,
    spread: meanSpread(sim),
  };
}

function attackRun(seed: number, chatty: boolean, attack: string, clean: Sim): { drift: number; honestBans: number } {
  const sim = createSim({ nodes: 150, seed, chatty, attack, byzantine: 0.3, layout: false });
  sim.step(Math.round(ATTACK_S * 10));
  return { drift: consensusDrift(sim, clean), honestBans: sim.metrics().bans.honest };
}

const pct = (sorted: number[], p: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const started = performance.now();

const calmRows = MODES.map((mode) =>
  !PARTS.includes('calm')
    ? []
    : SEEDS.map((seed) => {
        const row = calm(seed, mode.chatty);
        log(`calm ${mode.label} seed ${seed}: ${JSON.stringify(row)}`);
        return row;
      }),
);
const stormRows = MODES.map((mode) =>
  !PARTS.includes('storm')
    ? []
    : SEEDS.map((seed) => {
        const row = storm(seed, mode.chatty);
        log(`storm ${mode.label} seed ${seed}: ${row.bytesPerDay} B/day, ${row.heals} heals`);
        return row;
      }),
);
const attackRows = MODES.map((mode) => {
  const perAttack = new Map<string, { drift: number[]; honestBans: number }>(ATTACKS.map((a) => [a, { drift: [], honestBans: 0 }]));
  for (const seed of PARTS.includes('attacks') ? SEEDS : []) {
    const clean = createSim({ nodes: 150, seed, chatty: mode.chatty, attack: 'none', byzantine: 0.3, layout: false });
    clean.step(Math.round(ATTACK_S * 10));
    for (const attack of ATTACKS) {
      const r = attackRun(seed, mode.chatty, attack, clean);
      const entry = perAttack.get(attack)!;
      entry.drift.push(r.drift);
      entry.honestBans += r.honestBans;
      log(`attack ${mode.label} seed ${seed} ${attack}: drift ${(r.drift * 100).toFixed(2)} %, ${r.honestBans} honest banned`);
    }
  }
  return perAttack;
});
const wallS = (performance.now() - started) / 1000;

const kb = (b: number): string => `${(b / 1000).toFixed(1)} KB`;
const fmtRounds = (rows: CalmRow[]): string => rows.map((r) => (r.rounds < 0 ? 'never' : String(r.rounds))).join(' / ');
function steadyCells(rows: CalmRow[], chatty: boolean): [string, string] {
  if (chatty) return ['— (always listening)', '—'];
  if (rows.length === 0) return ['— (not run)', '—'];
  // A seed whose steady state is infeasible on the radio (its nodes heard more frame airtime than they listened:
  // the listen schedule cannot carry that traffic on LoRa SF7) is named, not averaged in.
  const infeasible = SEEDS.filter((_, i) => rows[i]!.steady === null);
  const ok = rows.flatMap((r) => (r.steady ? [r.steady] : []));
  const note = infeasible.length > 0 ? `; seed ${infeasible.join(', ')}: infeasible (more frame airtime heard than listened)` : '';
  if (ok.length === 0) return [`infeasible on every seed`, '—'];
  return [
    `${mean(ok.map((x) => x.totalJ)).toFixed(2)} (${Math.max(...ok.map((x) => x.totalJ)).toFixed(2)})${note}`,
    `${Math.min(...ok.map((x) => x.years)).toFixed(2)} / ${Math.min(...ok.map((x) => x.worstYears)).toFixed(2)}`,
  ];
}
const calmTable = table(
  [
    'consensus',
    'bytes / node / day (mean of seeds; min–max)',
    'rounds to 1 % (seeds 1–5)',
    'worst spread, 2nd half',
    'listening',
    'deep at the end',
    'LoRa SF7, 2nd half: J / node / day (max)',
    '2 × AA: mean node / dearest (years, worst seed)',
  ],
  MODES.map((mode, i) => {
    const rows = calmRows[i]!;
    const bytes = rows.map((r) => r.bytesPerDay);
    return [
      mode.label,
      `${kb(mean(bytes))} (${kb(Math.min(...bytes))}–${kb(Math.max(...bytes))})`,
      fmtRounds(rows),
      `${(Math.max(...rows.map((r) => r.lateSpread)) * 100).toFixed(2)} %`,
      `${(mean(rows.map((r) => r.listenShare)) * 100).toFixed(2)} %`,
      `${mean(rows.map((r) => r.deep)).toFixed(0)} of 100`,
      ...steadyCells(rows, mode.chatty),
    ];
  }),
);
const stormTable = table(
  [
    'consensus',
    'bytes / node / day',
    'of which cures',
    'consensus bytes',
    'heals (from memory)',
    'heal latency p50 / p95 (s)',
    'listening',
    'honest models from their mean, at the end',
  ],
  MODES.map((mode, i) => {
    const rows = stormRows[i]!;
    const lat = rows.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const bytes = mean(rows.map((r) => r.bytesPerDay));
    const cure = mean(rows.map((r) => r.cureBytesPerDay));
    return [
      mode.label,
      kb(bytes),
      kb(cure),
      kb(bytes - cure),
      `${rows.reduce((n, r) => n + r.heals, 0)} (${rows.reduce((n, r) => n + r.fromMemory, 0)})`,
      `${pct(lat, 50).toFixed(1)} / ${pct(lat, 95).toFixed(1)}`,
      `${(mean(rows.map((r) => r.listenShare)) * 100).toFixed(1)} %`,
      `${(mean(rows.map((r) => r.spread)) * 100).toFixed(1)} %`,
    ];
  }),
);
/** The same runs by half: heal latency of the storms healed in each half, and the day the calm part's way. */
const halvesTable = table(
  [
    'consensus',
    'heal latency p50 / p95 (s), first half',
    'second half',
    'mean heal latency (s), whole run',
    'bytes / node / day, the calm way (run + rest of the day at the 2nd half rate)',
  ],
  MODES.map((mode, i) => {
    const rows = stormRows[i]!;
    const half = (h: 0 | 1): string => {
      const lat = rows.flatMap((r) => r.halves[h]).sort((a, b) => a - b);
      return `${pct(lat, 50).toFixed(1)} / ${pct(lat, 95).toFixed(1)}`;
    };
    const all = rows.flatMap((r) => r.latencies);
    return [mode.label, half(0), half(1), mean(all).toFixed(2), kb(mean(rows.map((r) => r.steadyBytesPerDay)))];
  }),
);
const chattyBytes = PARTS.includes('storm') ? mean(stormRows[0]!.map((r) => r.bytesPerDay)) : Number.NaN;
const kindTable = table(
  [
    'kind (storm, mean of seeds)',
    ...MODES.flatMap((m) => [`${m.label}: messages / node / day`, `${m.label}: bytes / node / day (header / body / trailer / fragment headers)`]),
    'silent, share of chatty total',
  ],
  (PARTS.includes('storm') ? KINDS : [])
    .filter((kind) => stormRows.some((rows) => rows.some((r) => r.kinds[kind].messages > 0)))
    .map((kind) => {
      const cells = MODES.flatMap((_, i) => {
        const ks = stormRows[i]!.map((r) => r.kinds[kind]);
        const avg = (f: keyof KindBytes): number => mean(ks.map((k) => k[f]));
        return [
          avg('messages').toFixed(0),
          `${kb(mean(ks.map(kindTotal)))} (${kb(avg('header'))} / ${kb(avg('body'))} / ${kb(avg('trailer'))} / ${kb(avg('fragment'))})`,
        ];
      });
      return [kind, ...cells, `${((mean(stormRows[1]!.map((r) => kindTotal(r.kinds[kind]))) / chattyBytes) * 100).toFixed(1)} %`];
    }),
);
const attackTable = table(
  ['attack (30 %)', ...MODES.map((m) => `${m.label}: drift mean / worst`), ...MODES.map((m) => `${m.label}: honest bans`)],
  (PARTS.includes('attacks') ? ATTACKS : []).map((attack) => [
    attack,
    ...attackRows.map((rows) => {
      const d = rows.get(attack)!.drift;
      return `${(mean(d) * 100).toFixed(2)} % / ${(Math.max(...d) * 100).toFixed(2)} %`;
    }),
    ...attackRows.map((rows) => rows.get(attack)!.honestBans),
  ]),
);
/** The two humps: p50 / p95 of the heals from memory and of the others, per mode. */
const humps = (): string =>
  !PARTS.includes('storm')
    ? ''
    : MODES.map((mode, i) => {
        const mem = stormRows[i]!.flatMap((r) => r.memoryLatencies).sort((a, b) => a - b);
        const other = stormRows[i]!.flatMap((r) => r.otherLatencies).sort((a, b) => a - b);
        return `${mode.label}: from memory p50 / p95 ${pct(mem, 50).toFixed(1)} / ${pct(mem, 95).toFixed(1)} s, the others ${pct(other, 50).toFixed(1)} / ${pct(other, 95).toFixed(1)} s`;
      }).join('; ');
const pct1 = (r: number): string => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(0)} %`;
const ratio = !PARTS.includes('storm') ? Number.NaN : mean(stormRows[1]!.map((r) => r.bytesPerDay)) / mean(stormRows[0]!.map((r) => r.bytesPerDay));
const steadyRatio = !PARTS.includes('storm')
  ? Number.NaN
  : mean(stormRows[1]!.map((r) => r.steadyBytesPerDay)) / mean(stormRows[0]!.map((r) => r.steadyBytesPerDay));
const latencyRatio = (h: 0 | 1 | 2): number => {
  if (!PARTS.includes('storm')) return Number.NaN;
  const of = (i: number): number[] => stormRows[i]!.flatMap((r) => (h === 2 ? r.latencies : r.halves[h])).sort((a, b) => a - b);
  return pct(of(1), 50) / pct(of(0), 50);
};
const text = `## Silence (\`npm run bench:silence\`)

The silent swarm (src/core/rules/silence.ts, the default) beside the fixed-round broadcast (\`--chatty\`), seeds
${SEEDS.join(', ')}. Deterministic figures; ${wallS.toFixed(0)} s of wall time on ${machineLine()}.

**calm**, 100 nodes, no noise zone, starting models jittered by 0.1, ${CALM_HOURS} h of sim time. A day = the run plus
the rest of the day at the rate of the run's second half. Energy: the run's second half (the steady state, as
\`qres sim --radio\` reports it in \`energySteady\`) on LoRa SF7 (docs/ENERGY.md). Targets: ≤ 8 KB per node per day,
< 30 rounds to 1 %, ≥ 5 years on 2 × AA (≤ 8.87 J a day).

${calmTable}

**storm**, 150 nodes, the default scenario, ${STORM_S} s, bytes per node per day = the run's × 86,400 / ${STORM_S}. Silent /
chatty bytes: ${(ratio * 100).toFixed(1)} % (target ≤ 10 %). Heal latency target: no worse than 20 % above chatty.

${stormTable}

Heals from memory: self heals of a storm in which the node recalled a gene it had remembered (src/core/rules/mind.ts
recallGene); a storm kind comes back to a node every fourth orbit of the zone (≈ 252 s), so most of them fall in the
second half. Heal latency is two-humped (${humps()}), so the pooled median above depends on the mix; by half, and the mean:

${halvesTable}

Silent / chatty heal p50: whole run ${pct1(latencyRatio(2))}, first half ${pct1(latencyRatio(0))}, second half
${pct1(latencyRatio(1))}. Bytes the calm way: silent / chatty ${(steadyRatio * 100).toFixed(1)} %.

Where the storm's bytes go, by kind of message (every byte the link sent, split into the 9-byte message header,
the body, the radio's authentication trailer and the fragment headers; a node's first consensus broadcast apart):

${kindTable}

**Drift under the attack catalogue**, 30 % attackers (trimmed mean, poisoned cures on), ${ATTACK_S} s, against the same
seed with those nodes silent; honest bans summed over the seeds. Target: < 5 %, 0 honest bans.

${attackTable}
`;
process.stdout.write(text);
if (write) writeSection('silence', text);
