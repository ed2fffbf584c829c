// The attack catalog. An attack is a deterministic function of what the attacker can observe (the honest
// vectors of this round, row-major), its own index, its seeded RNG stream and its parameters, returning the
// vector it sends. Attackers are assumed omniscient about the honest vectors (the standard, strongest
// assumption for ALIE and IPM). All arithmetic is Q16 integer (q16.ts), saturating.
import { add, HALF, mul, neg, isqrt, ONE, type Q16 } from '../fixed/q16';
import type { Rng } from '../rng/rng';
import { Scratch, compareLimbs, roundDiv, squaredDistanceLimbs } from './exact';
import { alieZQ16 } from './normal';
import { UnknownNameError } from './registry';

export interface AttackParams {
  /** sign-flip: send −scale · own (default 1.0). */
  signFlipScaleQ16?: Q16;
  /** gaussian: own + N(0, σ²) per coordinate (default σ = 1.0). */
  sigmaQ16?: Q16;
  /** bias: every attacker sends μ · (1 + bias), μ the honest mean (default 0.2: 20 %). */
  biasQ16?: Q16;
  /** alie: μ − z·σ per coordinate; z from (n, f) unless given. */
  zQ16?: Q16;
  /** ipm: −ε · μ (default 0.5). */
  epsilonQ16?: Q16;
  /** mimic: index of the honest vector to copy (default: the one farthest from the honest mean). */
  mimicTarget?: number;
  /** sybil: every identity sends μ · (1 + bias) (default 4.0: honest 1.0, Sybils 5.0). */
  sybilBiasQ16?: Q16;
  /** sybil: per-identity Gaussian jitter (default 0: identical values). */
  sybilJitterQ16?: Q16;
}

export interface AttackContext {
  /** The honest vectors the attacker observes, row-major nHonest·d. */
  honest: Int32Array;
  nHonest: number;
  d: number;
  /** What this attacker would send if it were honest (its own local vector); the honest mean if absent. */
  own?: ArrayLike<number>;
  /** This attacker's index among the attackers (0-based). */
  attacker: number;
  /** Participants and attackers, for ALIE's z. */
  n: number;
  f: number;
  /** This attacker's own stream (e.g. rng.stream(`attack:${id}`)); only gaussian and sybil draw from it. */
  rng: Rng;
  params?: AttackParams;
}

export type AttackFn = (ctx: AttackContext, out?: Int32Array) => Int32Array;

/** An attack got input it cannot work with (no honest vectors, bad shape or parameter). */
export class AttackInputError extends RangeError {
  override readonly name = 'AttackInputError';
}

const stats = new Scratch((n) => new Int32Array(n));

function prepare(ctx: AttackContext, out?: Int32Array): Int32Array {
  const { honest, nHonest, d } = ctx;
  if (!Number.isInteger(d) || d < 1) throw new AttackInputError(`dimension must be ≥ 1, got ${d}`);
  if (!Number.isInteger(nHonest) || nHonest < 1) throw new AttackInputError(`an attacker needs ≥ 1 observed honest vector, got ${nHonest}`);
  if (honest.length < nHonest * d) throw new AttackInputError(`${honest.length} values cannot hold ${nHonest} vectors of dimension ${d}`);
  if (ctx.own !== undefined && ctx.own.length < d) throw new AttackInputError(`own vector has ${ctx.own.length} < ${d} values`);
  if (out === undefined) return new Int32Array(d);
  if (out.length < d) throw new AttackInputError(`output buffer holds ${out.length} < ${d} values`);
  return out;
}

/** Exact per-coordinate mean of the observed honest vectors (rounded once), written into `into`. */
export function honestMean(honest: Int32Array, nHonest: number, d: number, into: Int32Array = new Int32Array(d)): Int32Array {
  const mu = into;
  for (let c = 0; c < d; c++) {
    let s = 0;
    for (let i = 0; i < nHonest; i++) s += honest[i * d + c]!;
    mu[c] = roundDiv(s, nHonest);
  }
  return mu;
}

/**
 * Population standard deviation of coordinate c around `muC`, in Q16: ⌊√(⌊Σδ²/m⌋)⌋ with δ in Q16 and δ² in
 * Q32. Exact while Σδ² < 2^53 (an honest spread within about ±2^26/√m LSB); beyond, the doubles still round
 * the same way on every machine, and the variance is capped at 2^52 − 1 (σ ≈ 1024.0) for isqrt.
 */
export function honestStd(honest: Int32Array, nHonest: number, d: number, c: number, muC: number): Q16 {
  let s = 0;
  for (let i = 0; i < nHonest; i++) {
    const delta = honest[i * d + c]! - muC;
    s += delta * delta;
  }
  return isqrt(Math.min(2 ** 52 - 1, Math.floor(s / nHonest)));
}

function ownAt(ctx: AttackContext, mu: Int32Array, c: number): number {
  return ctx.own === undefined ? mu[c]! : ctx.own[c]!;
}

/** No attack: the node sends what an honest node would. */
const none: AttackFn = (ctx, out) => {
  const res = prepare(ctx, out);
  const mu = ctx.own === undefined ? honestMean(ctx.honest, ctx.nHonest, ctx.d, stats.get(ctx.d)) : undefined;
  for (let c = 0; c < ctx.d; c++) res[c] = ctx.own === undefined ? mu![c]! : ctx.own[c]!;
  return res;
};

const signFlip: AttackFn = (ctx, out) => {
  const res = prepare(ctx, out);
  const mu = honestMean(ctx.honest, ctx.nHonest, ctx.d, stats.get(ctx.d));
  const scale = ctx.params?.signFlipScaleQ16 ?? ONE;
  for (let c = 0; c < ctx.d; c++) res[c] = neg(mul(ownAt(ctx, mu, c), scale));
  return res;
};

const gaussian: AttackFn = (ctx, out) => {
  const res = prepare(ctx, out);
  const mu = honestMean(ctx.honest, ctx.nHonest, ctx.d, stats.get(ctx.d));
  const sigma = ctx.params?.sigmaQ16 ?? ONE;
  for (let c = 0; c < ctx.d; c++) res[c] = add(ownAt(ctx, mu, c), mul(ctx.rng.gaussianQ16(), sigma));
  return res;
};

/** Every attacker sends the honest mean scaled by (1 + bias): a coordinated, constant relative bias. */
function scaledMean(ctx: AttackContext, res: Int32Array, bias: Q16): void {
  const mu = honestMean(ctx.honest, ctx.nHonest, ctx.d, stats.get(ctx.d));
  for (let c = 0; c < ctx.d; c++) res[c] = add(mu[c]!, mul(mu[c]!, bias));
}

const bias: AttackFn = (ctx, out) => {
  const res = prepare(ctx, out);
  scaledMean(ctx, res, ctx.params?.biasQ16 ?? 13107);
  return res;
};

/** A little is enough: μ − z·σ per coordinate, inside the honest spread so robust statistics keep it. */
const alie: AttackFn = (ctx, out) => {
  const res = prepare(ctx, out);
  const z = ctx.params?.zQ16 ?? alieZQ16(ctx.n, ctx.f);
  const mu = honestMean(ctx.honest, ctx.nHonest, ctx.d, stats.get(ctx.d));
  for (let c = 0; c < ctx.d; c++) res[c] = add(mu[c]!, neg(mul(z, honestStd(ctx.honest, ctx.nHonest, ctx.d, c, mu[c]!))));
  return res;
};

/** Inner-product manipulation: −ε·μ, whose inner product with the honest mean is negative. */
const ipm: AttackFn = (ctx, out) => {
  const res = prepare(ctx, out);
  const eps = ctx.params?.epsilonQ16 ?? HALF;
  const mu = honestMean(ctx.honest, ctx.nHonest, ctx.d, stats.get(ctx.d));
  for (let c = 0; c < ctx.d; c++) res[c] = neg(mul(mu[c]!, eps));
  return res;
};

const limbs = new Float64Array(4);

/** The observed honest vector farthest from the honest mean (exact distances; ties → lowest index). */
export function farthestFromMean(honest: Int32Array, nHonest: number, d: number): number {
  const mu = honestMean(honest, nHonest, d, stats.get(d));
  let best = 0;
  squaredDistanceLimbs(honest, 0, mu, 0, d, limbs, 0);
  for (let i = 1; i < nHonest; i++) {
    squaredDistanceLimbs(honest, i * d, mu, 0, d, limbs, 2);
    if (compareLimbs(limbs[2]!, limbs[3]!, limbs[0]!, limbs[1]!) > 0) {
      best = i;
      limbs[0] = limbs[2]!;
      limbs[1] = limbs[3]!;
    }
  }
  return best;
}

/** Mimic (Karimireddy et al. 2022): every attacker copies one honest node, over-weighting its view. */
const mimic: AttackFn = (ctx, out) => {
  const res = prepare(ctx, out);
  const target = ctx.params?.mimicTarget ?? farthestFromMean(ctx.honest, ctx.nHonest, ctx.d);
  if (!Number.isInteger(target) || target < 0 || target >= ctx.nHonest) throw new AttackInputError(`mimic target ${target} is not an observed honest index`);
  for (let c = 0; c < ctx.d; c++) res[c] = ctx.honest[target * ctx.d + c]!;
  return res;
};

/** Sybil flood: one device behind many identities, all sending the same far value (optionally jittered). */
const sybil: AttackFn = (ctx, out) => {
  const res = prepare(ctx, out);
  scaledMean(ctx, res, ctx.params?.sybilBiasQ16 ?? 4 * ONE);
  const jitter = ctx.params?.sybilJitterQ16 ?? 0;
  if (jitter !== 0) for (let c = 0; c < ctx.d; c++) res[c] = add(res[c]!, mul(ctx.rng.gaussianQ16(), jitter));
  return res;
};

export const ATTACK_NAMES = ['none', 'sign-flip', 'gaussian', 'bias', 'alie', 'ipm', 'mimic', 'sybil'] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

export const ATTACKS: Readonly<Record<AttackName, AttackFn>> = Object.freeze({
  none,
  'sign-flip': signFlip,
  gaussian,
  bias,
  alie,
  ipm,
  mimic,
  sybil,
});

export function isAttackName(name: string): name is AttackName {
  return (ATTACK_NAMES as readonly string[]).includes(name);
}

/** The attack called `name`; throws UnknownNameError listing the valid names otherwise. */
export function getAttack(name: string): AttackFn {
  if (!isAttackName(name)) throw new UnknownNameError('attack', name, ATTACK_NAMES);
  return ATTACKS[name];
}
