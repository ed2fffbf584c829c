// The rules of joining mid-flight: a joiner asks its neighbours for the summary gene (retrying every JOIN_RETRY_S,
// its attempt number in the request), a share of them answers, and the joiner installs a valid summary into its
// consensus model: it is in consensus at once, without replaying the history of genes.
import { mix32 } from '../rng/rng';
import { LAGS } from '../neuron/kernel';
import { MODEL_DIM } from './model';

/** How many of a joiner's neighbours (in expectation) answer its attempt number `attempt` (0..255). */
export function answerShare(attempt: number): number {
  return Math.min(64, 2 * 2 ** (attempt >> 1)); // ** and not <<: a shift count wraps at 32, and 2 << 31 is 0
}

/**
 * Whether `responder` answers attempt `attempt` of `joiner`, who has `degree` neighbours. All neighbours answering
 * every request would put ~8 summaries on air per request where one suffices; a hash of (joiner, attempt,
 * responder) picks about two answering neighbours for the first two attempts and doubles that every two failed
 * attempts (a lossy link), so a join costs little on a good link and stays live on a terrible one. A hash, not a
 * random stream: no state. Widening fast pays at high loss, where a request is cheap and each answer is a
 * 1-in-100 chance: at 90 % loss (npm run bench:join) joins took 845 B and 22 s on average, against 1,132 B and
 * 33 s when the share grew by one every four attempts; at 2 % loss, 113 B against 106 B. (Measured before the
 * silent swarm's radios slept; now a request reaches only the neighbours that listen at that tick, and joins take
 * 11 s at 2 % loss, 11-17 s at 50 % and 77-171 s at 90 %: docs/BENCHMARKS.md, section join.)
 */
export function answersJoin(responder: number, joiner: number, attempt: number, degree: number): boolean {
  const share = answerShare(attempt);
  if (share >= degree) return true;
  return mix32(Math.imul(joiner, 0x10001) ^ Math.imul(attempt + 1, 0x9e3779b1) ^ responder) % degree < share;
}

/** A joiner adopts a summary gene: its consensus model (`model` at MODEL_DIM·i) becomes the summary's, and so does
 *  what it pulls towards while disturbed (`anchor`, consensus.ts honestRoundAt). */
export function adoptSummary(model: Int32Array, anchor: Int32Array, i: number, summary: { weights: ArrayLike<number>; bias: number }): void {
  const mo = MODEL_DIM * i;
  for (let k = 0; k < LAGS; k++) model[mo + k] = summary.weights[k]!;
  model[mo + LAGS] = summary.bias;
  anchor.set(model.subarray(mo, mo + MODEL_DIM), mo);
}
