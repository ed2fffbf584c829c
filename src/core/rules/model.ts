// The constants of the model, in one place: what the field looks like, when a node adapts, asks, installs,
// trusts and bans. Both runtimes read them from here (the simulator's systems and the node daemon), through the
// rules beside this file. Q16 unless named otherwise.
import * as q16 from '../fixed/q16';
import { regimeWordsFor, type RegimeParams } from '../neuron/regimeDetector';
import { DEFAULT_REPUTATION } from '../consensus/reputation';
import { LAGS } from '../neuron/kernel';

/** The recent window (most recent first) a node checks mutations, cures and neighbours' models on; its first
 *  LAGS entries are the predictor's history. */
export const RECENT = 16;
/** A consensus vector: the 8 weights and the bias. */
export const MODEL_DIM = LAGS + 1;
/** Device time per tick, ms, unless a run says otherwise (`--tick-ms`). */
export const DEFAULT_TICK_MS = 100;

/** Ticks per consensus round: the one place the round length is computed (at least 2, so a round has a
 *  send phase and an aggregate tick). */
export function roundTicksOf(roundS: number, tickMs: number): number {
  return Math.max(2, Math.round((roundS * 1000) / tickMs));
}

/** The calm field: two slow sines sharing the node's phase (rad/s, amplitudes in signal units). */
export const FIELD_OMEGA_1 = q16.fromFloat(1.0);
export const FIELD_AMP_1 = q16.fromFloat(1.0);
export const FIELD_OMEGA_2 = q16.fromFloat(0.37);
export const FIELD_AMP_2 = q16.fromFloat(0.5);
/** The noise zone's interference: a fast oscillation (≈ 1 rad per 100 ms sample) a calm predictor cannot
 *  follow but an 8-lag predictor can learn, scaled by the node's exposure level. Its frequency changes with
 *  every orbit of the zone (cycling through these, rad/s), so each pass is a new kind of storm: yesterday's
 *  cure fails, nodes storm again, and the swarm has to find and spread a new one. */
export const STORM_OMEGAS: readonly number[] = [12, 8, 14.5, 10].map((w) => q16.fromFloat(w));
export const STORM_AMP = q16.fromFloat(1.5);
/** Sensor noise: triangular, ± this amplitude. */
export const SENSOR_NOISE = q16.fromFloat(0.03);

/** Noise zone: its centre orbits at ZONE_ORBIT around the brain's centre with radius ZONE_RADIUS, both in units of
 *  the brain radius / 8. */
export const ZONE_ORBIT = 4;
export const ZONE_RADIUS = 5;
/** Zone angular speed 0.1 rad/s (one orbit ≈ 63 s), as the integer ratio 1/10 so the angle is exact. A
 *  faster zone (0.3 rad/s) sweeps a node in ~3 s: shorter than any learner needs, so nothing could heal inside it. */
export const ZONE_OMEGA_NUM = 1;
export const ZONE_OMEGA_DEN = 10;
/** Exposure above which a node counts as "in the storm" for heals and evolution. */
export const EXPOSED_LEVEL = q16.fromFloat(0.15);

/** Normalisation of |error| for entropy: errors are measured against a unit signal amplitude. */
export const ERROR_SCALE = q16.ONE;
/** Spike: a normalised error above this (and not refractory). */
export const SPIKE_THRESHOLD = q16.fromFloat(0.5);

/** A Storm node asks for a cure after this long in Storm. */
export const REQUEST_AFTER_S = 2;
/** First retry interval; doubles per unanswered request up to 2^MAX_BACKOFF times. */
export const REQUEST_RETRY_S = 1;
/** The same in silent mode (src/core/rules/silence.ts), where a node also remembers the genes that healed it
 *  (MEMORY_SLOTS) and a neighbour answers only with a cure it can vouch for (cure.ts silentAnswer): 2, 4, 8 s.
 *  Measured (storm, 150 nodes, 600 s, seeds 1–5, with the memory): 1 s first 88.4 KB/node/day at heal p50 3.9 s,
 *  2 s first 79.2 KB at 3.9 s (docs/BENCHMARKS.md, "Storm bytes against the 10 % budget"). */
export const SILENT_REQUEST_RETRY_S = 2;
export const MAX_BACKOFF = 3;
/** Prefetch: a storm that begins within this many seconds of the node's last PreStorm tick is one it saw coming
 *  (cure.ts warnedStorm), asked about at once. The early warning's own window (systems/earlyWarning.ts). */
export const WARNED_WITHIN_S = 2;
/** A near miss (cure.ts holdNearMiss) is held and tested again every tick for this long (s). */
export const HOLD_S = 4;
/** A joiner asks for the summary gene this often until one arrives. */
export const JOIN_RETRY_S = 1;
/** A received gene is installed only if its error on the receiver's recent window is below this share of
 *  the receiver's own (7/8: clearly better, not a coin toss). */
export const INSTALL_MARGIN_NUM = 7;
export const INSTALL_MARGIN_DEN = 8;
/** ... and its mean squared error on that window must be at most this (an RMS error of 0.14 signal units):
 *  a gene merely less bad than a node lost in a storm is not a cure. At 0.04 poisoned genes passed often enough
 *  to spread through the swarm (30 % ALIE/mimic attackers drifted consensus ~11 %); at 0.02 they rarely do, and
 *  gossip still heals faster than self-healing (median 7.1 s against 8.8 s, seed 7). */
export const CURE_MAX_MSE = q16.fromFloat(0.02);

/** NLMS step sizes: in Storm, and for a calm node that is not Evolved (slow tracking). */
export const STORM_MU = q16.fromFloat(0.02);
export const CALM_MU = q16.fromFloat(0.02);
/** Calm tracking skips errors within this band (the sensor noise is ±0.03). */
export const CALM_DEADZONE = q16.fromFloat(0.05);
/** Calm tracking runs every this many ticks. */
export const CALM_EVERY = 4;
/** Mutation: tries per second of Storm, and the perturbation amplitude per weight. */
export const MUTATIONS_PER_S = 2;
export const MUTATION_AMP = q16.fromFloat(0.08);
/** Genes a node remembers (mind.ts rememberGene / recallGene): storms that pass a node come back, and a gene that
 *  healed one storm heals its return without a byte on air. Each slot is MODEL_DIM words; 8 slots are 320 bytes a
 *  node with their ticks. Measured (storm, 150 nodes, 600 s, seeds 1–5, silent): heal p50 6.8 s without a memory,
 *  4.0 s with 4 slots, 3.7 s with 8 (12 and 16 give the same as 8: the scenario's storms never fill more). */
export const MEMORY_SLOTS = 8;
/** A node is Evolved after this long Calm while exposed with entropy below EVOLVED_ENTROPY. */
export const EVOLVED_AFTER_S = 2;
export const EVOLVED_ENTROPY = q16.fromFloat(0.12);

/** Reputation constants: 0.5 start, +0.02 useful, −0.08 drift, −0.15 failed check, banned below 0.2. */
export const REPUTATION = DEFAULT_REPUTATION;
/** A received model fails the own-window check when its error is above CHECK_FACTOR × the node's own model's
 *  error (or × CHECK_FLOOR, so a near-perfect window does not make every neighbour fail). */
export const CHECK_FACTOR = 4;
export const CHECK_FLOOR = q16.fromFloat(0.05);
/** A received model whose error on the node's window is above EXCLUDE_FACTOR × the node's own model's error (and
 *  above EXCLUDE_FLOOR, an RMS of 0.045, near the sensor noise) is left out of that round's aggregate, with no
 *  reputation change. The check above is lenient on purpose (it costs reputation); this one only decides what
 *  pulls the node. Measured (150 nodes, 30 % consensus-only attackers, seed 7, 1,200 s): the bias attack's drift
 *  is 3.4 % with it and 9.2 % without it, no honest node banned (`qres sim --aggregator reputation-trimmed-mean
 *  --attack bias --byzantine 0.3 --no-poison --seconds 1200`, and again with --no-own-filter). */
export const EXCLUDE_FACTOR = 2;
export const EXCLUDE_FLOOR = q16.fromFloat(0.002);
/** The invisible-direction clip (src/core/consensus/clipping.ts clipInvisible, with the own-data filter): a
 *  unit displacement along an eigen-direction of the window's lag Gram matrix with eigenvalue λ moves the
 *  predictions on the window by an RMS of √λ; the part of a neighbour's displacement treated as invisible keeps
 *  the fraction θ²/(λ² + θ²) along each such direction, θ = INVISIBLE_EIGEN (half at √λ = 0.1 signal units), and
 *  is clipped to the INVISIBLE_CLIP_NUM/INVISIBLE_CLIP_DEN quantile (lower) of the neighbours' such displacements.
 *  Measured against the adaptive attack (150 nodes, 30 % consensus-only attackers, 1,200 s, seeds 1–3): drift
 *  12.5 / 12.2 / 14.5 % → 4.9 / 6.7 / 6.8 % with the lower quartile (a hard cut at θ gave 4.7 / 6.2 / 6.5 %); the
 *  median gives ~10 %. The price is slower consensus in those directions: the clean run's honest spread (mean
 *  distance to the honest mean) is +18 % with the quartile, +8–11 % with the median (seeds 1, 2). */
export const INVISIBLE_EIGEN = 0.01;
export const INVISIBLE_CLIP_NUM = 1;
export const INVISIBLE_CLIP_DEN = 4;
/** The invisible-direction clip's memory (clipInvisible's InvisibleMemory): per neighbour, a leaky sum of the
 *  invisible pushes that neighbour was let make, which loses 1/2^PUSH_LEAK_SHIFT of itself every round and is kept
 *  within PUSH_BUDGET_NUM/PUSH_BUDGET_DEN × the round's clip radius τ. A neighbour that pulls the same way round
 *  after round is then worth (1 − 3/4) · τ = τ/4 a round in those directions, not τ; one whose pulls change
 *  direction keeps most of its τ. Measured against the adaptive attack (150 nodes, 30 % consensus-only
 *  attackers, trimmed mean, seeds 1–5, 2,400 s): worst drift over seeds and over the run 8.03 % → 4.22 %
 *  (docs/ADAPTIVE.md, with the budgets and leaks tried). */
export const PUSH_BUDGET_NUM = 1;
export const PUSH_BUDGET_DEN = 1;
export const PUSH_LEAK_SHIFT = 2;
/** Drift: a row further from the aggregate than √DRIFT_MULTIPLE_SQ × the median row distance, and further than
 *  DRIFT_FLOOR (L2 over the 9 coordinates). Honest models here differ for real (storm-tuned vs calm genes mix
 *  in through innovation), so the line sits well outside that honest spread. */
export const DRIFT_MULTIPLE_SQ = 16;
/** ... and only when the row's error on the node's own window exceeds 3/2 of the node's yardstick. */
export const DRIFT_CHECK_NUM = 3;
export const DRIFT_CHECK_DEN = 2;
export const DRIFT_FLOOR = q16.fromFloat(0.5);
/** A cure that predicts more than this many times worse than the receiver's own gene is a failed check (an
 *  honest cure that merely fits badly, e.g. while the window still holds calm samples, stays well below). */
export const BAD_CURE_FACTOR = 16;

/** Synapse activity decay per second (1.5/s). */
export const ACTIVITY_DECAY_PER_S = q16.fromFloat(1.5);

/** The regime detector as tuned for this field: the calm predictor's entropy stays below ~0.1 outside the zone
 *  and reaches 0.3–0.6 inside it. The sim decides regimes from entropy, |error| and the signal's high-frequency
 *  energy; the |error| drift test (window > 0) would cost a ring of errors per node and nothing in the sim
 *  consumes it. PreStorm is the forecast rule (src/core/neuron/regimeDetector.ts): the entropy forecast 16 ticks
 *  ahead above PRESTORM_FORECAST while the signal's squared second difference averages above 0.01 (an RMS of 0.1:
 *  the zone's fast interference at an exposure of ~0.1; calm sensor noise gives ~0.03), entered and left on one
 *  observation; and (the rulebook's gate, mind.ts cortexStep) while the gene's mean squared error on the node's
 *  window is above PRESTORM_OWN_ERROR and on the window's newest PRESTORM_RECENT_SAMPLES samples above
 *  PRESTORM_RECENT_ERROR: the forecast says where the entropy is heading, the window error how badly the gene fails
 *  the storm already in it (the newest part of the window, how badly now), and a near miss (a pass that turns back
 *  just under the Storm line) is mostly a gene that copes. Measured (npm run bench:warning, storm; docs/BENCHMARKS.md,
 *  "warning"), seeds 1–5: the forecast alone at 0.31, 95.7 % of onsets warned ≥ 4 ticks ahead at 2.62 false alarms
 *  per node-hour; with the whole-window gate alone (0.28 / 0.125; its shadow row) 90.4 % at 1.09; with both gates 90.5 % at 0.97.
 *  The thresholds were chosen on seeds 1–5, and the margins are thin: on seeds 6–10 the same rule warns 90.5 % at
 *  1.27 (the bench prints both). */
export const PRESTORM_FORECAST = q16.fromFloat(0.28);
export const PRESTORM_OWN_ERROR = q16.fromFloat(0.1125);
/** The newest samples of the window the second gate reads: 12, so 4 predictions (the whole window, 16, gives 8). */
export const PRESTORM_RECENT_SAMPLES = 12;
export const PRESTORM_RECENT_ERROR = q16.fromFloat(0.14);
export const SIM_REGIME_PARAMS: RegimeParams = Object.freeze({
  window: 0,
  confirm: 3,
  stormEnter: q16.fromFloat(0.3),
  stormExit: q16.fromFloat(0.18),
  slopeThreshold: q16.fromFloat(0.02),
  forecastThreshold: PRESTORM_FORECAST,
  hfFloor: q16.fromFloat(0.01),
  preConfirm: 1,
});
/** Int32 words of one node's regime-detector record. */
export const REGIME_RECORD = regimeWordsFor(SIM_REGIME_PARAMS.window);
