// The baselines on a small swarm: each learns, its bytes are exactly its frames on the link model, the outage
// takes the failed radio off the air, and the same seed gives the same result.
import { describe, expect, it } from 'vitest';
import { runFedAvg } from '../../src/compare/fedavg';
import { runGossipLearning } from '../../src/compare/gossipLearning';
import { runDpsgd } from '../../src/compare/dpsgd';
import { runQres } from '../../src/compare/qres';
import { runProtocol, PROTOCOLS } from '../../src/compare/plan';
import { createSim } from '../../src/sim/runner';
import { FRAGMENT_HEADER_BYTES_NO_CRC, fragmentCount } from '../../src/core/net/fragment';
import { radioAuthBytes } from '../../src/core/net/radioAuth';
import type { RunResult, Setting } from '../../src/compare/harness';
import { rmseOver } from '../../src/compare/metrics';

const SMALL: Setting = { nodes: 40, seed: 3, seconds: 60, loss: 0.1, mtu: 51, bitrateBps: 56_000, dutyCycle: 1 };
const CLEAN = { attack: 'none', byzantine: 0 } as const;

const baselines: Array<
  [string, (s: Setting, sc: typeof CLEAN | { attack: 'alie' | 'sign-flip' | 'none'; byzantine: number; failAtS?: number; failForS?: number }) => RunResult]
> = [
  ['fedavg-f32', (s, sc) => runFedAvg(s, sc, { encoding: 'f32' })],
  ['fedavg-gene', (s, sc) => runFedAvg(s, sc, { encoding: 'gene' })],
  ['gossip', runGossipLearning],
  ['dpsgd', runDpsgd],
];

describe('each protocol on a small swarm', () => {
  it.each(PROTOCOLS)('%s learns: the RMSE of the last 20 s is well below the untrained first second', (protocol) => {
    const r = runProtocol(protocol, SMALL, CLEAN);
    expect(r.rmsePerSecond).toHaveLength(60);
    const first = r.rmsePerSecond[0]!;
    const late = rmseOver(r.rmsePerSecond, 40, 60);
    expect(first).toBeGreaterThan(0.3);
    expect(late).toBeLessThan(0.6 * first);
    if (protocol === 'local')
      expect(r.framesSent).toBe(0); // the yardstick sends nothing
    else expect(r.framesSent).toBeGreaterThan(0);
  });

  it.each(baselines)(
    '%s: bytes on air = Σ messages (with their authentication trailer) + one 4-byte fragment header per frame, frames = Σ fragments',
    (_name, run) => {
      const r = run(SMALL, CLEAN);
      let bytes = 0;
      let frames = 0;
      for (const [size, count] of r.messageSizes) {
        // Every message carries the radio's authentication trailer, as QRES's do, so its frames carry no CRC-32.
        const k = fragmentCount(size, SMALL.mtu, false);
        frames += k * count;
        bytes += (size + k * FRAGMENT_HEADER_BYTES_NO_CRC) * count;
      }
      expect(frames).toBeGreaterThan(0);
      expect(r.framesSent).toBe(frames); // no duty cycle and a short queue: nothing was dropped at the sender
      expect(r.bytesSent).toBe(bytes);
      expect(r.bytesPerNodePerDay).toBe(Math.round((bytes / SMALL.nodes) * (86_400 / SMALL.seconds)));
    },
  );

  it('FedAvg float32 uploads take two 51-byte frames where gene uploads take one', () => {
    const f32 = runFedAvg(SMALL, CLEAN, { encoding: 'f32' });
    const gene = runFedAvg(SMALL, CLEAN, { encoding: 'gene' });
    // Uploads are unicast to the gateway: the message and a 5-byte pair-key MIC trailer. Downloads are the gateway's
    // broadcast to all 40 nodes, which carries a signature-sized trailer (more than 16 receivers).
    const upload = radioAuthBytes('pairwise', false, 1);
    const download = radioAuthBytes('pairwise', true, SMALL.nodes);
    expect([...f32.messageSizes.keys()].sort((a, b) => a - b)).toEqual([46 + upload, 46 + download]);
    expect([...gene.messageSizes.keys()].sort((a, b) => a - b)).toEqual([42 + upload, 42 + download]);
    expect(fragmentCount(46 + upload, SMALL.mtu, false)).toBe(2);
    expect(fragmentCount(42 + upload, SMALL.mtu, false)).toBe(1);
  });

  it('the QRES row is the simulator itself: same bytes, frames and RMSE as createSim for the same config', () => {
    const r = runQres(SMALL, CLEAN);
    const sim = createSim({ nodes: 40, seed: 3, loss: 0.1, mtu: 51, bitrateBps: 56_000, dutyCycle: 1, layout: false });
    sim.step(600);
    const m = sim.metrics();
    expect(r.bytesSent).toBe(m.bytesSent);
    expect(r.framesSent).toBe(m.packets.sent);
    expect(r.framesLost).toBe(m.packets.lost);
    const c = sim.world.counters;
    expect(r.rmse).toBeCloseTo(Math.sqrt((c.sqErrCalm + c.sqErrStorm) / (c.nCalm + c.nStorm)), 9);
  });

  it.each([...baselines, ['qres', runQres] as const])('%s: an outage takes the failed radio off the air for its 60 s', (_name, run) => {
    const setting = { ...SMALL, seconds: 90 };
    const clean = run(setting, CLEAN);
    const failed = run(setting, { ...CLEAN, failAtS: 20, failForS: 60 });
    expect(failed.failed).toBeGreaterThan(0);
    expect(failed.framesSent).toBeLessThan(clean.framesSent);
    // Before the outage the two runs are the same swarm.
    expect(failed.rmsePerSecond.slice(0, 20)).toEqual(clean.rmsePerSecond.slice(0, 20));
  });

  it.each([...baselines, ['qres', runQres] as const])('%s is deterministic: same seed, same result; another seed, another', (_name, run) => {
    const scenario = { attack: 'alie', byzantine: 0.3 } as const;
    const a = run(SMALL, scenario);
    const b = run(SMALL, scenario);
    expect(b).toEqual(a);
    const c = run({ ...SMALL, seed: 4 }, scenario);
    expect(c.rmsePerSecond).not.toEqual(a.rmsePerSecond);
  });

  it("attackers move the undefended baselines: sign flip drags FedAvg's honest models away from the silent reference", () => {
    const silent = runFedAvg(SMALL, { attack: 'none', byzantine: 0.3 }, { encoding: 'gene' });
    const flipped = runFedAvg(SMALL, { attack: 'sign-flip', byzantine: 0.3 }, { encoding: 'gene' });
    const d = Math.hypot(...flipped.honestMean.map((v, k) => v - silent.honestMean[k]!)) / Math.hypot(...silent.honestMean);
    expect(d).toBeGreaterThan(0.2);
  });
});
