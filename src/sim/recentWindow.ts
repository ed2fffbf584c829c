// Checks a candidate predictor on a node's own recent window (most recent first: a shift register whose head is
// the predictor's history), with the kernel's own window replay.
import { persistenceMseRecentFirstAt, windowMseRecentFirstAt } from '../core/neuron/kernel';
import { RECENT } from '../../components/mind';

/** Mean squared error (Q16) of (w at wo, bias) replayed over node `eid`'s recent window. */
export function recentWindowMse(recent: Int32Array, eid: number, w: Int32Array, wo: number, bias: number): number {
  return windowMseRecentFirstAt(w, wo, bias, recent, RECENT * eid, RECENT);
}

/** The same for the persistence predictor (next = last), the plainest yardstick. */
export function recentPersistenceMse(recent: Int32Array, eid: number): number {
  return persistenceMseRecentFirstAt(recent, RECENT * eid, RECENT);
}
