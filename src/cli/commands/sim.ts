// `qres sim`: run a swarm headless for a stretch of sim time and report what happened.
import type { EarlyWarningReport } from '../../../systems/earlyWarning';
import { numberFlag, UsageError, type Command, type Values } from '../command';
import { createProgress } from '../progress';
import { createSim } from '../../sim/runner';
import { ticksFor, type SimConfig } from '../../sim/config';
import { createFileStorage } from '../../storage/fileStorage';
import { consensusDrift } from '../../sim/drift';
import { joinReport } from '../../sim/join';
import { secureReport } from '../../sim/secure';
import { RADIO_NAMES, type RadioProfile } from '../../core/energy/profiles';
import { radioOf } from '../radioFlag';
import { ActivityOverflowError } from '../../core/energy/energy';
import { swarmEnergy, type SwarmEnergyReport } from '../../core/energy/swarm';
import type { SimMetrics } from '../../sim/workerApi';
import { listenSeconds } from '../../sim/silence';
import { framesAirtime } from '../../core/energy/airtime';
import type { NodeRadioCounters } from '../../sim/linkModel';

const secureLine = (p: ReturnType<typeof secureReport>): string =>
  `  proofs         ${p.verified} verified, ${p.rejected} bodies rejected, ${p.refused} refused (anchored); ` +
  `${p.bytesPerGene} B (${p.framesPerGene} frames) per cure; verify p50 ${p.verifyMsP50} ms`;

const USAGE = `usage: npm run qres -- sim [flags]

Runs a simulated swarm headless and prints what happened (human summary, or one JSON object with --json).

  --nodes N          number of nodes (default 150)
  --seconds S        sim time to run, seconds (default 600)
  --seed N           master seed (default 7)
  --loss P           per-fragment loss probability 0..0.99 (default 0.02)
  --mtu B            link MTU in bytes: 51 LoRa, 127 802.15.4, 1400 Wi-Fi (default 51)
  --bitrate BPS      link bitrate, bits/s (default 56000)
  --duty-cycle D     fraction of time a radio may transmit, 0.001..1 (default 1)
  --tick-ms MS       sim time per tick (default 100)
  --no-gossip        never ask neighbours for cures (to measure what gossip is worth)
  --prefetch         a storm seen coming (PreStorm) is asked about at its onset, not 2 s in (off by default:
                     it costs bytes, docs/BENCHMARKS.md; --no-prefetch, the default, is accepted)
  --layout           also run the force layout (off by default headless)
  --aggregator NAME  consensus aggregator: mean, median, trimmed-mean (default), krum, multi-krum, bulyan,
                     reputation-trimmed-mean, clipped-gossip (self-centred clipping, docs/ADAPTIVE.md)
  --attack NAME      what attackers do: none (default), sign-flip, gaussian, bias, alie, ipm, mimic, sybil,
                     adaptive (knows the receivers' checks and stays inside them; docs/ADAPTIVE.md)
  --byzantine F      fraction of nodes that are attackers, 0..0.9; with an attack the report adds
                     consensusDrift against the same seed with those nodes silent (without --attack they
                     simply are silent: crashed nodes)
  --no-poison        attackers attack consensus only and do not answer cure requests with poisoned genes
  --no-own-filter    nodes aggregate every model that passes the cure-style check, even those predicting their
                     own data more than twice as badly as their own (the aggregator alone; for ablations)
  --join N           N more nodes join mid-flight (they sync from a neighbour's 34-byte summary gene)
  --join-at S        when they join, sim seconds (default 60)
  --secure           cure replies carry a gene commitment and transition proof(s), verified before install
                     (the report adds proofs: verified, rejected, bytesPerGene, verifyMsP50)
  --radio NAME       also report each node's radio energy per day (TX / RX / listen / sleep, mW) and its battery
                     life on 2 × AA, from the frames it sent and heard, on a named radio: ${RADIO_NAMES.join(', ')}
                     (docs/ENERGY.md; each receiver is counted on during its listen windows: chatty runs all the time)
  --chatty           the old fixed-round consensus: every node broadcasts its model every round and listens all
                     the time (default: the silent swarm — a node speaks only with news, a heartbeat or when
                     asked, and sleeps its radio between scheduled listen windows set by its energy mode)
  --scenario NAME    storm (the orbiting noise zone, default) or calm (no noise zone: pure consensus)
  --attacker-speech P  silent swarm: what attackers do about silence: rules (default), always, once, opportunist
  --prior-jitter X   std of a seeded jitter on every node's starting consensus model (default 0)
  --radio-auth MODE  what every radio message carries so that receivers act only on a roster member's fresh
                     messages (docs/SECURITY.md): pairwise (default: a 4-byte pair-key MIC per receiver, or a
                     signature when cheaper; names the sender), group (one 4-byte group MIC: keeps strangers out,
                     not insiders), none
  --storage DIR      persist evolved genes under DIR and spawn stored ones Evolved (default: none)
  --json             print one JSON object`;

export function simOverrides(values: Values): Partial<SimConfig> {
  return {
    nodes: numberFlag(values, 'nodes'),
    seed: numberFlag(values, 'seed'),
    loss: numberFlag(values, 'loss'),
    mtu: numberFlag(values, 'mtu'),
    bitrateBps: numberFlag(values, 'bitrate'),
    dutyCycle: numberFlag(values, 'duty-cycle'),
    tickMs: numberFlag(values, 'tick-ms'),
    gossip: values['no-gossip'] ? false : undefined,
    prefetch: values.prefetch === true && !values['no-prefetch'] ? true : undefined,
    layout: values.layout === true,
    aggregator: typeof values.aggregator === 'string' ? values.aggregator : undefined,
    attack: typeof values.attack === 'string' ? values.attack : undefined,
    byzantine: numberFlag(values, 'byzantine'),
    poisonCures: values['no-poison'] ? false : undefined,
    ownDataFilter: values['no-own-filter'] ? false : undefined,
    join: numberFlag(values, 'join'),
    joinAtS: numberFlag(values, 'join-at'),
    secure: values.secure ? true : undefined,
    chatty: values.chatty ? true : undefined,
    scenario: typeof values.scenario === 'string' ? values.scenario : undefined,
    attackerSpeech: typeof values['attacker-speech'] === 'string' ? values['attacker-speech'] : undefined,
    priorJitter: numberFlag(values, 'prior-jitter'),
    radioAuth: typeof values['radio-auth'] === 'string' ? values['radio-auth'] : undefined,
  };
}

export const SIM_OPTIONS = {
  nodes: { type: 'string' },
  seconds: { type: 'string' },
  seed: { type: 'string' },
  loss: { type: 'string' },
  mtu: { type: 'string' },
  bitrate: { type: 'string' },
  'duty-cycle': { type: 'string' },
  'tick-ms': { type: 'string' },
  'no-gossip': { type: 'boolean' },
  prefetch: { type: 'boolean' },
  'no-prefetch': { type: 'boolean' },
  layout: { type: 'boolean' },
  storage: { type: 'string' },
  aggregator: { type: 'string' },
  attack: { type: 'string' },
  byzantine: { type: 'string' },
  'no-poison': { type: 'boolean' },
  'no-own-filter': { type: 'boolean' },
  join: { type: 'string' },
  'join-at': { type: 'string' },
  secure: { type: 'boolean' },
  radio: { type: 'string' },
  chatty: { type: 'boolean' },
  scenario: { type: 'string' },
  'attacker-speech': { type: 'string' },
  'prior-jitter': { type: 'string' },
  'radio-auth': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Runs the sim for the flags and returns the report object (also used by tests). */
export async function runSim(values: Values): Promise<Record<string, unknown>> {
  const seconds = numberFlag(values, 'seconds') ?? 600;
  if (!(seconds > 0 && seconds <= 10 * 86_400)) throw new UsageError(`--seconds must be in (0, 864000], got ${seconds}`);
  const storageDir = values.storage;
  if (storageDir !== undefined && (typeof storageDir !== 'string' || storageDir === '')) {
    throw new UsageError('--storage needs a directory');
  }
  const radio = radioOf(values);
  const sim = createSim(simOverrides(values), { storage: storageDir ? createFileStorage({ dir: storageDir }) : undefined });
  if (radio && sim.config.mtu > radio.phy.maxPayloadBytes) {
    throw new UsageError(`--radio ${radio.name} carries at most ${radio.phy.maxPayloadBytes} B a frame; the link MTU is ${sim.config.mtu} (set --mtu)`);
  }
  const init = await sim.load();
  if (init.corrupt > 0) process.stderr.write(`qres sim: note: ${init.corrupt} stored record(s) could not be read and were skipped\n`);
  if (init.memoryLost > 0)
    process.stderr.write(
      `qres sim: note: ${init.memoryLost} stored record(s) had a damaged gene memory: their genes were restored, their memories left empty\n`,
    );
  if (sim.config.attack !== 'none' && sim.config.byzantine === 0) {
    process.stderr.write(`qres sim: note: --attack ${sim.config.attack} without --byzantine F runs no attackers (F = 0); try --byzantine 0.3\n`);
  }
  const ticks = ticksFor(sim.config, seconds);
  const progress = createProgress('sim', ticks);
  const started = performance.now();
  const persistEvery = Math.max(1, Math.round((sim.config.persistEveryS * 1000) / sim.config.tickMs));
  // With --radio, the radio counters are also marked half-way: the second half is the steady-state window.
  const half = radio ? Math.floor(ticks / 2) : -1;
  let halfMark: RadioMark | undefined;
  for (let done = 0; done < ticks; ) {
    const every = storageDir ? persistEvery : 1000;
    const chunk = Math.min(ticks - done, every - (done % every), done < half ? half - done : Number.POSITIVE_INFINITY);
    sim.step(chunk);
    done += chunk;
    if (storageDir && (done % every === 0 || done === ticks)) await sim.flush(); // outside the tick, between chunks
    if (done === half) halfMark = radioMark(sim);
    progress.update(done);
  }
  let drift: number | undefined;
  if (sim.config.byzantine > 0 && sim.config.attack !== 'none') {
    // The clean consensus: the same seed and config, the attacker nodes silent instead of attacking.
    const clean = createSim({ ...sim.config, attack: 'none' });
    for (let done = 0; done < ticks; done += 1000) {
      clean.step(Math.min(1000, ticks - done));
      progress.update(Math.min(ticks, done + 1000));
    }
    drift = consensusDrift(sim, clean);
  }
  const wallMs = performance.now() - started;
  progress.finish();
  const m = sim.metrics();
  const c = sim.world.counters;
  return {
    ticks: m.ticks,
    stateHash: sim.stateHash(),
    nodes: m.nodes,
    seed: sim.config.seed,
    simSeconds: m.simTimeS,
    evolved: m.evolved,
    restored: init.restored,
    stormPeak: m.stormPeak,
    heals: m.heals,
    healLatencyS: m.healLatencyS,
    packets: { sent: m.packets.sent, delivered: m.packets.delivered, lost: m.packets.lost, dropped: m.packets.dropped },
    bytesSent: m.bytesSent,
    bytesPerNodePerDay: m.bytesPerNodePerDay,
    consensus: sim.config.chatty ? 'chatty' : 'silent',
    scenario: sim.config.scenario,
    radio: m.radio,
    auth: m.auth,
    rmse: m.rmse,
    earlyWarning: m.earlyWarning,
    ...(m.prefetch?.on ? { prefetch: m.prefetch } : {}),
    stored: m.stored,
    aggregator: sim.config.aggregator,
    attack: sim.config.attack,
    byzantine: sim.config.byzantine,
    ...(drift === undefined ? {} : { consensusDrift: Math.round(drift * 1e5) / 1e5 }),
    bans: m.bans,
    consensusRounds: c.rounds,
    lastAttackerBanRound: c.lastAttackerBanRound,
    ...(sim.config.join > 0 ? { joins: joinReport(sim.world) } : {}),
    ...(sim.config.secure ? { proofs: secureReport(sim.world) } : {}),
    ...(radio
      ? {
          energy: energyReport(radio, sim, sim.config.chatty ? undefined : listenSeconds(sim.world)),
          ...(halfMark && halfMark.tick > 0
            ? { energySteady: energyReport(radio, sim, sim.config.chatty ? undefined : listenSeconds(sim.world), halfMark) }
            : {}),
        }
      : {}),
    wallMs: Math.round(wallMs),
    ticksPerSecond: Math.round((m.ticks / wallMs) * 1000),
  };
}

export const ALWAYS_LISTENING_NOTE = 'chatty (no listen schedule): every receiver is counted on whenever it is not transmitting';

/** Energy per node per day on the profile, over the nodes present from the start (joiners are left out: they were
 *  absent part of the run). Airtime is recomputed on the profile's PHY from the frames each node sent and heard; the
 *  simulated link's own timing (--bitrate) is not changed. `listenSeconds` (indexed by entity id): the seconds each
 *  node's receiver was on under its listen schedule; without it every receiver is counted always on. */
export function energyReport(
  radio: RadioProfile,
  sim: ReturnType<typeof createSim>,
  listenSeconds?: ArrayLike<number>,
  since?: RadioMark,
): (SwarmEnergyReport & { note: string; window?: { fromS: number; toS: number } }) | { radio: string; infeasible: string } {
  const nodes = Array.from({ length: sim.config.nodes }, (_, i) => i + 1);
  const tickS = sim.config.tickMs / 1000;
  const seconds = (sim.tick - (since?.tick ?? 0)) * tickS;
  const note = listenSeconds ? 'silent swarm: receivers on only in their scheduled listen windows (src/core/rules/silence.ts)' : ALWAYS_LISTENING_NOTE;
  try {
    let counts = sim.world.link.nodeCounters();
    let on = listenSeconds;
    if (since) {
      // The window [since, now): the counters and listen seconds less what they were at the mark.
      const diff = (a: Float64Array, b: Float64Array) => a.map((x, i) => x - (b[i] ?? 0));
      counts = {
        txFrames: diff(counts.txFrames, since.counts.txFrames),
        txBytes: diff(counts.txBytes, since.counts.txBytes),
        rxFrames: diff(counts.rxFrames, since.counts.rxFrames),
        rxBytes: diff(counts.rxBytes, since.counts.rxBytes),
      };
      on = listenSeconds && Float64Array.from(listenSeconds, (s, i) => s - (since.listenSeconds[i] ?? 0));
    }
    // A radio does not listen while it transmits: an Active node's every-tick listening is what its sending leaves.
    const listen =
      on &&
      Float64Array.from(on, (s, eid) => Math.max(0, Math.min(s, seconds - framesAirtime(radio.phy, counts.txFrames[eid] ?? 0, counts.txBytes[eid] ?? 0))));
    const report = { ...swarmEnergy(radio, { seconds, counts, nodes, listenSeconds: listen }), note };
    return since ? { ...report, window: { fromS: since.tick * tickS, toS: sim.tick * tickS } } : report;
  } catch (err) {
    if (err instanceof ActivityOverflowError) return { radio: radio.name, infeasible: `the traffic does not fit this radio: ${err.message}` };
    throw err;
  }
}

/** The radio counters at a tick (for a window of the run: energyReport's `since`). */
export interface RadioMark {
  tick: number;
  counts: NodeRadioCounters;
  listenSeconds: Float64Array;
}

export function radioMark(sim: ReturnType<typeof createSim>): RadioMark {
  return { tick: sim.tick, counts: sim.world.link.nodeCounters(), listenSeconds: listenSeconds(sim.world) };
}

/** A battery life: years from one year on, else days (from the unrounded days field, not the rounded years). */
const duration = (years: number, days: number): string => (years >= 1 ? `${years.toFixed(2)} years` : `${days.toFixed(1)} days`);

function energyLines(e: SwarmEnergyReport & { note: string }): string[] {
  const d = e.perNodePerDay;
  const j = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(4));
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 3 : 1)} %`;
  return [
    `  energy         ${e.radio}: ${e.title}, ${e.supplyV} V; ${e.nodes} nodes`,
    `                 ${e.note}`,
    `  per node/day   TX ${j(d.txJ)} J, RX ${j(d.rxJ)} J, listen ${j(d.listenJ)} J, sleep ${j(d.sleepJ)} J, MCU ${j(d.mcuJ)} J = ${j(d.totalJ)} J (${d.meanMw.toFixed(3)} mW mean; dearest node ${e.maxNode.meanMw.toFixed(3)} mW)`,
    `  airtime        TX ${d.txS.toFixed(1)} s/day (duty ${pct(e.txDutyCycle.mean)}, max ${pct(e.txDutyCycle.max)}); channel load heard ${pct(e.channelLoad.mean)} of the receiver's time (max ${pct(e.channelLoad.max)})` +
      (e.channelLoad.saturatedNodes > 0 ? `; ${e.channelLoad.saturatedNodes} nodes hear more than the channel carries on this radio` : ''),
    `  battery        ${e.battery.name} (${e.battery.usableJ.toFixed(0)} J usable): ${duration(e.battery.meanNodeYears, e.battery.meanNodeDays)} for the mean node, ${duration(e.battery.worstNodeYears, e.battery.worstNodeDays)} for the dearest; 5 years allow ${e.battery.budgetJPerDayFor5Years.toFixed(2)} J a day`,
  ];
}

/** The steady-state window (the run's second half): what a node spends a day once the start-up is over. */
function steadyLines(e: SwarmEnergyReport & { window: { fromS: number; toS: number } }): string[] {
  const d = e.perNodePerDay;
  const j = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(4));
  return [
    `  steady state   ${e.window.fromS}–${e.window.toS} s (the second half): TX ${j(d.txJ)} J, RX ${j(d.rxJ)} J, listen ${j(d.listenJ)} J, sleep ${j(d.sleepJ)} J, MCU ${j(d.mcuJ)} J = ${j(d.totalJ)} J a day (${d.meanMw.toFixed(3)} mW)`,
    `                 battery ${duration(e.battery.meanNodeYears, e.battery.meanNodeDays)} for the mean node, ${duration(e.battery.worstNodeYears, e.battery.worstNodeDays)} for the dearest`,
  ];
}

function warningLine(w: EarlyWarningReport): string {
  return (
    `  early warning  ${w.onsets} storm onsets, ${w.warned} (${w.warnedPct} %) warned ≥ ${w.definitions.leadMinTicks} ticks ahead; ` +
    `lead p50 ${w.leadTicks.p50} ticks (${w.leadS.p50} s), p95 ${w.leadTicks.p95} (${w.leadS.p95} s); ` +
    `${w.falseAlarmsPerNodeHour} false alarms per node-hour; ${w.flaps} flaps (${w.flapsPct} %)`
  );
}

function prefetchLine(p: SimMetrics['prefetch']): string[] {
  return p?.on ? [`  prefetch       ${p.requests} cure requests at the onset of a storm seen coming (not 2 s in)`] : [];
}

function listenLine(radio: SimMetrics['radio']): string {
  if (radio === undefined) return '  listening      (not reported)';
  const m = radio.modes;
  return (
    `  listening      ${(radio.listenShare * 100).toFixed(2)} % of the time (mean node); now ${m.active} active, ${m.alert} alert, ${m.deep} deep; ` +
    `${radio.asleep} frame receptions slept through`
  );
}

function authLine(auth: SimMetrics['auth']): string {
  if (!auth) return '  radio auth     (not reported)';
  const d = auth.dropped;
  const total = d.malformed + d.forged + d.stranger + d.replayed;
  return (
    `  radio auth     ${auth.mode}; ${total} messages dropped before any rule` +
    (total ? ` (${d.forged} forged or from an older round, ${d.replayed} replayed, ${d.stranger} from strangers, ${d.malformed} malformed)` : '')
  );
}

function human(r: Record<string, unknown>): string {
  const h = r.heals as { gossip: number; self: number; fromMemory: number };
  const lat = r.healLatencyS as { p50: number; p95: number };
  const p = r.packets as { sent: number; delivered: number; lost: number; dropped: number };
  const rmse = r.rmse as { calm: number; storm: number };
  return [
    `QRES sim — ${r.nodes} nodes, seed ${r.seed}, ${r.simSeconds} s of sim time (${r.ticks} ticks)`,
    `  evolved        ${r.evolved} of ${r.nodes}${r.restored ? ` (${r.restored} restored from storage)` : ''}`,
    `  storm peak     ${r.stormPeak} nodes`,
    `  heals          ${h.gossip} by gossip, ${h.self} by itself (${h.fromMemory} from its memory); latency p50 ${lat.p50} s, p95 ${lat.p95} s`,
    `  prediction     RMSE calm ${rmse.calm}, storm ${rmse.storm} (signal units)`,
    warningLine(r.earlyWarning as EarlyWarningReport),
    ...prefetchLine(r.prefetch as SimMetrics['prefetch']),
    `  radio          ${p.sent} frames sent, ${p.delivered} received, ${p.lost} lost, ${p.dropped} dropped/expired`,
    `  bytes on air   ${r.bytesSent} (${r.bytesPerNodePerDay} per node per day); ${r.consensus} consensus, scenario ${r.scenario}`,
    listenLine(r.radio as SimMetrics['radio']),
    authLine(r.auth as SimMetrics['auth']),
    `  consensus      ${r.aggregator}, ${r.consensusRounds} rounds; attack ${r.attack} at ${(Number(r.byzantine) * 100).toFixed(0)} %` +
      (r.consensusDrift === undefined ? '' : `: drift ${(Number(r.consensusDrift) * 100).toFixed(2)} %`) +
      `; banned ${(r.bans as { attackers: number }).attackers} attackers, ${(r.bans as { honest: number }).honest} honest` +
      (Number(r.lastAttackerBanRound) > 0 ? ` (last attacker ban in round ${r.lastAttackerBanRound})` : ''),
    ...(r.proofs ? [secureLine(r.proofs as ReturnType<typeof secureReport>)] : []),
    ...(r.energy
      ? 'infeasible' in (r.energy as object)
        ? [`  energy         ${(r.energy as { radio: string }).radio}: ${(r.energy as { infeasible: string }).infeasible}`]
        : energyLines(r.energy as SwarmEnergyReport & { note: string })
      : []),
    ...(r.energySteady
      ? 'infeasible' in (r.energySteady as object)
        ? [`  steady state   the second half: ${(r.energySteady as { infeasible: string }).infeasible}`]
        : steadyLines(r.energySteady as SwarmEnergyReport & { window: { fromS: number; toS: number } })
      : []),
    `  state hash     ${r.stateHash}`,
    `  wall time      ${r.wallMs} ms (${r.ticksPerSecond} ticks/s)`,
  ].join('\n');
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'run a simulated swarm headless and report heals, bytes and errors',
  usage: USAGE,
  options: SIM_OPTIONS,
  async run(values) {
    const report = await runSim(values);
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${human(report)}\n`);
    return 0;
  },
};
