// Local differential privacy for one Q16 update: L2 clipping to C, then per-coordinate Gaussian noise of
// standard deviation σ = Δ₂·√(2 ln(1.25/δ))/ε (Dwork & Roth, Thm A.1; valid for ε < 1) with Δ₂ = 2C, drawn from
// the seeded RNG so runs replay. Neighbouring relation (local DP): the node's update replaced by ANY other update.
// Both are clipped to norm ≤ C, so they differ by at most ‖u − u'‖₂ ≤ ‖u‖₂ + ‖u'‖₂ ≤ 2C, and 2C is attained
// (u' = −u with ‖u‖ = C): the L2 sensitivity is exactly 2C. (C would be the sensitivity only for add/remove of a
// contribution to a sum, which is not what a single node's published update is.) The classic bound is used, not
// the tighter analytic one (Balle & Wang 2018): it is a closed form in integers-and-one-sqrt, and for ε < 1 it is
// never below the analytic σ (tested), so it errs on the private side. An accountant with BASIC composition (ε and δ add up) refuses to publish past the budget.
// Everything that decides state is an integer: budgets are kept in millionths of ε and in 10^-12 units of δ;
// floats appear only when converting configuration (ε, δ, C) into those integers and σ into Q16.
import { q16 } from '../fixed/index';
import type { Rng } from '../rng/rng';
import { InvalidCryptoInputError, PrivacyBudgetExceededError } from './errors';

export const EPSILON_UNIT = 1_000_000; // budgets count ε in millionths
export const DELTA_UNIT = 1_000_000_000_000; // and δ in 10^-12

/** Gaussian-mechanism parameters in integer form (build with `gaussianMechanism`). */
export interface GaussianMechanism {
  readonly clipQ16: number;
  readonly sigmaQ16: number;
  readonly epsilonMicros: number;
  readonly deltaPicos: number;
}

/** Config conversion (floats allowed here): clip norm C in Q16, per-update (ε, δ); σ for L2 sensitivity 2C. */
export function gaussianMechanism(clipQ16: number, epsilon: number, delta: number): GaussianMechanism {
  if (!Number.isInteger(clipQ16) || clipQ16 <= 0) throw new InvalidCryptoInputError('clip must be a positive Q16 integer');
  if (!(epsilon > 0 && epsilon < 1)) throw new InvalidCryptoInputError('the classic Gaussian mechanism needs 0 < ε < 1');
  if (!(delta > 0 && delta < 1)) throw new InvalidCryptoInputError('δ must be in (0, 1)');
  const sensitivity = 2 * clipQ16; // replace-one neighbours, both clipped to C
  const sigma = (sensitivity * Math.sqrt(2 * Math.log(1.25 / delta))) / epsilon;
  return {
    clipQ16,
    sigmaQ16: Math.min(0x7fffffff, Math.ceil(sigma)), // rounding up keeps the guarantee
    epsilonMicros: Math.ceil(epsilon * EPSILON_UNIT),
    deltaPicos: Math.ceil(delta * DELTA_UNIT),
  };
}

function isqrtBig(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n)))); // a start; corrected exactly below
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** The update scaled so its L2 norm is at most clipQ16 (exact integer arithmetic; rounds toward zero). */
export function clipL2Q16(update: ArrayLike<number>, clipQ16: number): Int32Array {
  let norm2 = 0n;
  for (let i = 0; i < update.length; i++) norm2 += BigInt(update[i]!) ** 2n;
  const clip = BigInt(clipQ16);
  const out = Int32Array.from(update as ArrayLike<number>);
  if (norm2 <= clip * clip) return out;
  // v_i·C/‖v‖ with ‖v‖ rounded up, so the clipped norm never exceeds C.
  let norm = isqrtBig(norm2);
  if (norm * norm < norm2) norm += 1n;
  for (let i = 0; i < out.length; i++) out[i] = Number((BigInt(update[i]!) * clip) / norm);
  return out;
}

/** Adds σ·N(0,1) noise per coordinate (rng.gaussianQ16: Irwin–Hall, integer), saturating in Q16. */
export function addGaussianNoiseQ16(update: ArrayLike<number>, sigmaQ16: number, rng: Rng): Int32Array {
  const out = new Int32Array(update.length);
  for (let i = 0; i < update.length; i++) out[i] = q16.add(update[i]!, q16.mul(sigmaQ16, rng.gaussianQ16()));
  return out;
}

/** (ε, δ) budget under basic composition. */
export class PrivacyAccountant {
  private spentEpsilon = 0;
  private spentDelta = 0;

  constructor(
    readonly epsilonBudgetMicros: number,
    readonly deltaBudgetPicos: number,
  ) {
    if (!Number.isSafeInteger(epsilonBudgetMicros) || !Number.isSafeInteger(deltaBudgetPicos) || epsilonBudgetMicros < 0 || deltaBudgetPicos < 0) {
      throw new InvalidCryptoInputError('budgets are non-negative integers (ε in millionths, δ in 10^-12)');
    }
  }

  static fromBudget(epsilon: number, delta: number): PrivacyAccountant {
    return new PrivacyAccountant(Math.floor(epsilon * EPSILON_UNIT), Math.floor(delta * DELTA_UNIT));
  }

  get spent(): { epsilonMicros: number; deltaPicos: number } {
    return { epsilonMicros: this.spentEpsilon, deltaPicos: this.spentDelta };
  }

  canSpend(epsilonMicros: number, deltaPicos: number): boolean {
    return this.spentEpsilon + epsilonMicros <= this.epsilonBudgetMicros && this.spentDelta + deltaPicos <= this.deltaBudgetPicos;
  }

  /** Records one release; PrivacyBudgetExceededError (and nothing recorded) if it would pass the budget. */
  spend(epsilonMicros: number, deltaPicos: number): void {
    if (!this.canSpend(epsilonMicros, deltaPicos)) {
      throw new PrivacyBudgetExceededError(
        `release (ε ${epsilonMicros}e-6, δ ${deltaPicos}e-12) would exceed the budget: spent ε ${this.spentEpsilon}e-6 of ${this.epsilonBudgetMicros}e-6, δ ${this.spentDelta}e-12 of ${this.deltaBudgetPicos}e-12`,
      );
    }
    this.spentEpsilon += epsilonMicros;
    this.spentDelta += deltaPicos;
  }
}

/** Clip, charge the accountant, add noise: the update a node may publish. Throws before drawing any noise. */
export function privatizeUpdate(update: ArrayLike<number>, mechanism: GaussianMechanism, accountant: PrivacyAccountant, rng: Rng): Int32Array {
  accountant.spend(mechanism.epsilonMicros, mechanism.deltaPicos);
  return addGaussianNoiseQ16(clipL2Q16(update, mechanism.clipQ16), mechanism.sigmaQ16, rng);
}
