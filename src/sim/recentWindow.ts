// Checks a candidate predictor on a node's own recent window. The window is stored most recent first (a
// shift register whose head is the predictor's history); the kernel replays oldest first, so reverse it.
import { windowMseAt } from '../core/neuron/kernel';
import { RECENT } from '../../components/mind';

const oldestFirst = new Int32Array(RECENT);

/** Mean squared error (Q16) of (w at wo, bias) replayed over node `eid`'s recent window. */
export function recentWindowMse(recent: Int32Array, eid: number, w: Int32Array, wo: number, bias: number): number {
  const ro = RECENT * eid;
  for (let k = 0; k < RECENT; k++) oldestFirst[k] = recent[ro + RECENT - 1 - k]!;
  return windowMseAt(w, wo, bias, oldestFirst, 0, RECENT);
}
