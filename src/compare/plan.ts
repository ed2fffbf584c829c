// What `qres compare` runs: protocols × link settings × seeds, each a job of five runs (clean; 30 % attackers
// silent, the drift reference; ALIE; sign flip; a 60-s radio outage of the gateway or a cut vertex).
import { runDpsgd } from './dpsgd';
import { runFedAvg } from './fedavg';
import { runGossipLearning } from './gossipLearning';
import { runQres } from './qres';
import { runLocal } from './local';
import { CLEAN, createField, cutVertex, type RunResult, type Scenario, type Setting } from './harness';
import { drift, mean, recoveryTimes, rmseOver, smooth } from './metrics';

export const PROTOCOLS = ['qres', 'fedavg-f32', 'fedavg-gene', 'gossip', 'dpsgd', 'local'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const PROTOCOL_LABELS: Record<Protocol, string> = {
  qres: 'QRES (gossip cures + robust consensus)',
  'fedavg-f32': 'FedAvg, float32 rows',
  'fedavg-gene': 'FedAvg, 32-byte gene rows',
  gossip: 'Gossip learning',
  dpsgd: 'D-PSGD',
  local: 'Local NLMS only (no radio)',
};

export interface Link {
  label: string;
  loss: number;
  mtu: number;
  bitrateBps: number;
  dutyCycle: number;
}

export const LINKS = {
  '56k': { label: '56 kbit/s, 15 % loss, MTU 51 B (the original claim)', loss: 0.15, mtu: 51, bitrateBps: 56_000, dutyCycle: 1 },
  lora: { label: 'LoRa SF7: 5.47 kbit/s, MTU 51 B, 1 % duty cycle, 2 % loss', loss: 0.02, mtu: 51, bitrateBps: 5470, dutyCycle: 0.01 },
} as const satisfies Record<string, Link>;
export type LinkName = keyof typeof LINKS;
export const LINK_NAMES = Object.keys(LINKS) as LinkName[];

export const ATTACK_FRACTION = 0.3;
export const ATTACKS = ['alie', 'sign-flip'] as const;

export interface ComparePlan {
  nodes: number;
  seconds: number;
  seeds: number[];
  protocols: Protocol[];
  links: Array<{ name: string; link: Link }>;
  /** Outage start, seconds (60 s long). */
  failAtS: number;
  failForS: number;
}

export interface Job {
  link: number;
  seed: number;
  protocol: Protocol;
}

export interface JobResult {
  job: Job;
  /** Seconds to within 10 % of the best RMSE: [after start, after storm 1, …]. */
  recovery: number[];
  rmse: number;
  bytesPerNodePerDay: number;
  framesSent: number;
  framesLost: number;
  framesDropped: number;
  attacks: Record<(typeof ATTACKS)[number], { rmse: number; drift: number }>;
  outage: { victim: number; separated: number; rmseClean: number; rmseFailed: number; rise: number };
  /** The clean run's smoothed RMSE per second (for the chart). */
  series: number[];
}

export function jobsOf(plan: ComparePlan): Job[] {
  const jobs: Job[] = [];
  plan.links.forEach((_, link) => {
    for (const seed of plan.seeds) for (const protocol of plan.protocols) jobs.push({ link, seed, protocol });
  });
  return jobs;
}

export function runProtocol(protocol: Protocol, setting: Setting, scenario: Scenario): RunResult {
  switch (protocol) {
    case 'qres':
      return runQres(setting, scenario);
    case 'fedavg-f32':
      return runFedAvg(setting, scenario, { encoding: 'f32' });
    case 'fedavg-gene':
      return runFedAvg(setting, scenario, { encoding: 'gene' });
    case 'gossip':
      return runGossipLearning(setting, scenario);
    case 'dpsgd':
      return runDpsgd(setting, scenario);
    case 'local':
      return runLocal(setting, scenario);
  }
}

/** One job: its five runs and their figures. `onRun` is called after each run (progress). */
export function runJob(plan: ComparePlan, job: Job, onRun: () => void = () => {}): JobResult {
  const { link } = plan.links[job.link]!;
  const setting: Setting = { nodes: plan.nodes, seed: job.seed, seconds: plan.seconds, ...link };
  const run = (scenario: Scenario) => {
    const r = runProtocol(job.protocol, setting, scenario);
    onRun();
    return r;
  };
  const clean = run(CLEAN);
  const silent = run({ attack: 'none', byzantine: ATTACK_FRACTION });
  const attacks = {} as JobResult['attacks'];
  for (const attack of ATTACKS) {
    const a = run({ attack, byzantine: ATTACK_FRACTION });
    attacks[attack] = { rmse: a.rmse, drift: drift(a.honestMean, silent.honestMean) };
  }
  const failed = run({ ...CLEAN, failAtS: plan.failAtS, failForS: plan.failForS });
  // The outage window and the 30 s after it, against the same seconds of the clean run.
  const from = plan.failAtS;
  const to = plan.failAtS + plan.failForS + 30;
  const rmseClean = rmseOver(clean.rmsePerSecond, from, to);
  const rmseFailed = rmseOver(failed.rmsePerSecond, from, to);
  // How many nodes the failed node cuts off from the rest (FedAvg's gateway: every node loses the server).
  const separated = job.protocol.startsWith('fedavg') ? plan.nodes : job.protocol === 'local' ? 0 : cutVertex(createField(setting, CLEAN).world.hood).separated;
  return {
    job,
    recovery: recoveryTimes(clean.rmsePerSecond),
    rmse: clean.rmse,
    bytesPerNodePerDay: clean.bytesPerNodePerDay,
    framesSent: clean.framesSent,
    framesLost: clean.framesLost,
    framesDropped: clean.framesDropped,
    attacks,
    outage: { victim: failed.failed ?? 0, separated, rmseClean, rmseFailed, rise: rmseClean > 0 ? rmseFailed / rmseClean - 1 : 0 },
    series: smooth(clean.rmsePerSecond).map((x) => Math.round(x * 1e5) / 1e5),
  };
}

export const RUNS_PER_JOB = 2 + ATTACKS.length + 1;

export { mean };
