import { describe, expect, it } from 'vitest';
import { ActivityOverflowError, batteryLife, energyOf, perDay } from '../../../src/core/energy/energy';
import { radioProfile } from '../../../src/core/energy/profiles';
import { swarmEnergy } from '../../../src/core/energy/swarm';

const sf7 = radioProfile('lora-sf7');
// Index 0 unused, like the simulator's entity ids; node 2 sends nothing, node 3 twice as much as node 1.
const counts = {
  txFrames: [0, 10, 0, 20],
  txBytes: [0, 300, 0, 600],
  rxFrames: [0, 40, 50, 30],
  rxBytes: [0, 1200, 1500, 900],
};

describe('swarmEnergy', () => {
  it('the mean node is the mean of the nodes; the dearest node sets the worst battery life', () => {
    const r = swarmEnergy(sf7, { seconds: 600, counts, nodes: [1, 2, 3] });
    const each = [1, 2, 3].map((i) =>
      perDay(
        energyOf(sf7, {
          seconds: 600,
          txFrames: counts.txFrames[i]!,
          txBytes: counts.txBytes[i]!,
          rxFrames: counts.rxFrames[i]!,
          rxBytes: counts.rxBytes[i]!,
          listenSeconds: 'always',
        }),
      ),
    );
    const mean = each.reduce((s, d) => s + d.totalJ, 0) / 3;
    expect(r.perNodePerDay.totalJ).toBeCloseTo(mean, 2);
    expect(r.perNodePerDay.txJ).toBeCloseTo(each.reduce((s, d) => s + d.joules.tx, 0) / 3, 2);
    const p = r.perNodePerDay;
    expect(p.txJ + p.rxJ + p.listenJ + p.sleepJ + p.mcuJ).toBeCloseTo(p.totalJ, 2);
    expect(r.maxNode.node).toBe(3);
    expect(r.minNode.node).toBe(2);
    expect(r.battery.meanNodeYears).toBeCloseTo(batteryLife(mean).years, 3);
    expect(r.battery.worstNodeYears).toBeCloseTo(batteryLife(each[2]!.totalJ).years, 3);
    expect(r.listening).toBe('always');
    expect(r.nodes).toBe(3);
    expect(r.txDutyCycle.max).toBeCloseTo(each[2]!.txS / 86_400, 6);
  });
  it('per-node listen seconds (a listen schedule) replace always-on and cut the listen energy', () => {
    const always = swarmEnergy(sf7, { seconds: 600, counts, nodes: [1, 2, 3] });
    const scheduled = swarmEnergy(sf7, { seconds: 600, counts, nodes: [1, 2, 3], listenSeconds: [0, 6, 6, 6] });
    expect(scheduled.listening).toBe('scheduled');
    expect(scheduled.perNodePerDay.listenJ).toBeLessThan(always.perNodePerDay.listenJ / 50);
    expect(scheduled.perNodePerDay.sleepS).toBeGreaterThan(80_000);
    expect(scheduled.battery.meanNodeYears).toBeGreaterThan(always.battery.meanNodeYears * 20);
  });
  it('reports the channel load: the airtime of the frames heard over the time the receiver is on', () => {
    const r = swarmEnergy(sf7, { seconds: 600, counts, nodes: [1, 2, 3] });
    const heard2 = perDay(energyOf(sf7, { seconds: 600, txFrames: 0, txBytes: 0, rxFrames: 50, rxBytes: 1500, listenSeconds: 'always' }));
    expect(r.channelLoad.max).toBeCloseTo(heard2.heardS / 86_400, 4);
    expect(r.channelLoad.saturatedNodes).toBe(0);
    const busy = swarmEnergy(radioProfile('lora-sf12'), {
      seconds: 60,
      counts: { ...counts, rxFrames: [0, 100, 1, 1], rxBytes: [0, 5100, 51, 51] },
      nodes: [1, 2, 3],
    });
    expect(busy.channelLoad.saturatedNodes).toBe(1);
    expect(busy.channelLoad.max).toBeGreaterThan(4);
  });
  it('a schedule too short for the frames a node received is a typed error', () => {
    expect(() => swarmEnergy(sf7, { seconds: 600, counts, nodes: [1, 2, 3], listenSeconds: [0, 6, 0.5, 6] })).toThrow(ActivityOverflowError);
  });
});
