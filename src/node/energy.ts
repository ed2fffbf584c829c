// GET /status of a node run with --radio: its bytes per day and the energy its radio would spend per day on that
// radio (src/core/energy/), from the frames it sent and heard since it started, over device time (a fast-forwarded
// node, --tick-ms < 100, lives more device seconds than wall seconds). Floats: reported, decides nothing.
import { EnergyInputError, framesAirtime } from '../core/energy/airtime';
import { batteryLife, energyOf, perDay, SECONDS_PER_DAY } from '../core/energy/energy';
import type { RadioProfile } from '../core/energy/profiles';
import { dayFigures } from '../core/energy/swarm';
import type { NodeStats } from './stats';

export const NODE_LISTENING_NOTE = 'chatty (no listen schedule): the receiver is counted on whenever it is not transmitting';
export const NODE_SCHEDULED_NOTE = 'silent swarm: the receiver is counted on only in its scheduled listen windows (src/core/rules/silence.ts)';

/** `listenSeconds`: device seconds the node's radio listened under its listen schedule (silent mode); absent, it is
 *  counted always on (chatty). */
export function nodeEnergyStatus(profile: RadioProfile, stats: NodeStats, deviceSeconds: number, listenSeconds?: number): Record<string, unknown> {
  const scheduled = listenSeconds !== undefined;
  const head = {
    radio: profile.name,
    title: profile.title,
    mtu: profile.phy.maxPayloadBytes,
    listening: scheduled ? 'scheduled' : 'always',
    note: scheduled ? NODE_SCHEDULED_NOTE : NODE_LISTENING_NOTE,
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
        // A radio does not listen while it transmits.
        listenSeconds: scheduled
          ? Math.max(0, Math.min(listenSeconds, deviceSeconds - framesAirtime(profile.phy, stats.airFramesSent, stats.airBytesSent)))
          : 'always',
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
