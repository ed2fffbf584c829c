// GET /status of a node run with --radio: its bytes per day and the energy its radio would spend per day on that
// radio (src/core/energy/), from the frames it sent and heard since it started, over device time (a fast-forwarded
// node, --tick-ms < 100, lives more device seconds than wall seconds). Floats: reported, decides nothing.
import { EnergyInputError } from '../core/energy/airtime';
import { batteryLife, energyOf, perDay, SECONDS_PER_DAY } from '../core/energy/energy';
import type { RadioProfile } from '../core/energy/profiles';
import { dayFigures } from '../core/energy/swarm';
import type { NodeStats } from './stats';

export const NODE_LISTENING_NOTE = 'no listen schedule yet: the receiver is counted on whenever it is not transmitting';

/** `listenSeconds`: the device seconds the node's receiver was on under a listen schedule since it started;
 *  without it the receiver is counted always on. */
export function nodeEnergyStatus(profile: RadioProfile, stats: NodeStats, deviceSeconds: number, listenSeconds?: number): Record<string, unknown> {
  const head = {
    radio: profile.name,
    title: profile.title,
    mtu: profile.phy.maxPayloadBytes,
    listening: listenSeconds === undefined ? 'always' : 'scheduled',
    note: listenSeconds === undefined ? NODE_LISTENING_NOTE : 'the receiver on only in its scheduled listen windows',
  };
  if (!(deviceSeconds > 0)) return { ...head, deviceSeconds: 0 };
  const k = SECONDS_PER_DAY / deviceSeconds;
  const bytes = {
    deviceSeconds: Math.round(deviceSeconds * 10) / 10,
    bytesSentPerDay: Math.round(stats.airBytesSent * k),
    bytesReceivedPerDay: Math.round(stats.airBytesReceived * k),
  };
  try {
    const day = perDay(
      energyOf(profile, {
        seconds: deviceSeconds,
        txFrames: stats.airFramesSent,
        txBytes: stats.airBytesSent,
        rxFrames: stats.airFramesReceived,
        rxBytes: stats.airBytesReceived,
        listenSeconds: listenSeconds ?? 'always',
      }),
    );
    const life = batteryLife(day.totalJ);
    return {
      ...head,
      ...bytes,
      perDay: dayFigures(day),
      saturated: day.saturated,
      battery: { name: life.battery, years: Math.round(life.years * 1000) / 1000, days: Math.round(life.days * 10) / 10 },
    };
  } catch (err) {
    if (err instanceof EnergyInputError) return { ...head, ...bytes, infeasible: err.message };
    throw err;
  }
}
