import { describe, expect, it } from 'vitest';
import { formatBytes, formatRate, formatSimTime, formatSpeed, hudLines, radioFigures } from '../../src/render/hudText';
import { radioProfile } from '../../src/core/energy/profiles';
import { swarmEnergy, type SwarmEnergyReport } from '../../src/core/energy/swarm';
import { energyReport } from '../../src/cli/commands/sim';
import { listenSeconds } from '../../src/sim/silence';
import { createSim } from '../../src/sim/runner';
import { hudStats } from './syntheticSnapshot';

describe('HUD text', () => {
  it('formats rates with SI prefixes', () => {
    expect(formatRate(0)).toBe('0 B/s');
    expect(formatRate(999)).toBe('999 B/s');
    expect(formatRate(1234)).toBe('1.2 kB/s');
    expect(formatRate(250_000)).toBe('250 kB/s');
    expect(formatRate(3_400_000)).toBe('3.4 MB/s');
  });

  it('formats sim time and speed', () => {
    expect(formatSimTime(0)).toBe('0:00.0');
    expect(formatSimTime(62.34)).toBe('1:02.3');
    expect(formatSimTime(3723.9)).toBe('1:02:03');
    expect(formatSpeed(1, false)).toBe('1×');
    expect(formatSpeed(10, false)).toBe('10×');
    expect(formatSpeed(0, false)).toBe('max');
    expect(formatSpeed(10, true)).toBe('paused');
  });

  it('shows every required metric', () => {
    const lines = hudLines(
      hudStats({
        nodes: 150,
        evolved: 15,
        storm: 30,
        preStorm: 4,
        entropyPct: 20,
        synapsesActive: 42,
        packetsInFlight: 7,
        bytesPerSecond: 5600,
        healsGossip: 9,
        healsSelf: 2,
      }),
      { simTimeS: 12.5, speed: 10, paused: false, fps: 2.04 },
    ).join('\n');
    expect(lines).toContain('Nodes: 150 (Evolved: 15 · 10.0%)');
    expect(lines).toContain('Entropy: 20.0% (Storm 30 · PreStorm 4)');
    expect(lines).toContain('Synapses: 42 active');
    expect(lines).toContain('Packets: 7 in flight · 5.6 kB/s on air');
    expect(lines).toContain('Heals: 9 by gossip · 2 self');
    expect(lines).not.toContain('Recalled'); // the live page's nodes report no memory heals
    expect(lines).toContain('Sim: 0:12.5 · 10×');
    const sim = hudLines(hudStats({ healsGossip: 9, healsSelf: 5, healsFromMemory: 3 }), { simTimeS: 0, speed: 1, paused: false, fps: 1 });
    expect(sim).toContain('├─ Heals: 9 by gossip · 5 self');
    expect(sim).toContain('├─ Recalled: 3 of the self heals (memory)');
    expect(lines).toContain('FPS: 2.0');
    expect(lines).not.toContain('Bans');
    expect(lines).not.toContain('drift');
  });

  it('lists banned attackers only when there are some, and hides a frozen FPS', () => {
    const lines = hudLines(hudStats({ attackersBanned: 3 }), { simTimeS: 0, speed: 1, paused: true, fps: Number.NaN });
    expect(lines).toContain('├─ Bans: 3 attackers · 0 honest');
    expect(lines[lines.length - 1]).toBe('└─ FPS: --');
  });

  it("shows bytes and mW per node per day on the page's radio: the mean node of the qres sim --radio report", () => {
    const sim = createSim({ nodes: 40, seed: 5 });
    sim.step(200);
    const hud = sim.snapshot(undefined, false).hud;
    const radio = radioProfile('lora-sf7');
    const f = radioFigures(hud, radio) as { bytesPerDay: number; mw: number };
    const nodes = Array.from({ length: 40 }, (_, i) => i + 1);
    // The silent swarm: each receiver on only in its listen windows, as qres sim --radio counts it.
    const report = energyReport(radio, sim, listenSeconds(sim.world)) as SwarmEnergyReport;
    expect(report.listening).toBe('scheduled');
    // Equal to the per-node mean but for the equal-frame-size spread (and the listen cap while transmitting), done over
    // the swarm's frames instead of each node's.
    expect(Math.abs(f.mw / report.perNodePerDay.meanMw - 1)).toBeLessThan(0.01);
    // Well below an always-on receiver's figure for the same traffic.
    const always = swarmEnergy(radio, { seconds: 20, counts: sim.world.link.nodeCounters(), nodes });
    expect(f.mw).toBeLessThan(0.8 * always.perNodePerDay.meanMw);
    expect(f.bytesPerDay).toBeCloseTo(sim.metrics().bytesPerNodePerDay, -1);
    const line = hudLines(hud, { simTimeS: 20, speed: 1, paused: true, fps: 1 }, radio).find((l) => l.includes('lora-sf7'))!;
    expect(line).toBe(`├─ lora-sf7/node: ${formatBytes(f.bytesPerDay)}/day · ${f.mw.toFixed(1)} mW`);
    expect(line).toMatch(/kB\/day · \d+\.\d mW$/);
    // No longer than the Packets line, so the panel does not clip it.
    expect(line.length).toBeLessThanOrEqual('├─ Packets: 12 in flight · 12.3 kB/s on air'.length);
  });

  it('the radio line: -- before any traffic (and in the live view), a clear note when the radio cannot carry a frame', () => {
    const clock = { simTimeS: 0, speed: 1, paused: true, fps: 1 };
    expect(hudLines(hudStats(), clock, radioProfile('ble'))).toContain('├─ ble/node: --');
    expect(hudLines(hudStats(), clock)).not.toContainEqual(expect.stringContaining('/node'));
    const big = hudStats({ air: { seconds: 10, txFrames: 1, txBytes: 1400, rxFrames: 0, rxBytes: 0 } });
    expect(hudLines(big, clock, radioProfile('lora-sf7'))).toContain('├─ lora-sf7/node: cannot carry it');
  });

  it('an attacked run shows its bans and its consensus drift against the clean run, even before the first ban', () => {
    const lines = hudLines(hudStats({ attackersBanned: 0, honestBanned: 1, consensusDrift: 0.0437 }), { simTimeS: 0, speed: 1, paused: true, fps: 1 });
    expect(lines).toContain('├─ Bans: 0 attackers · 1 honest');
    expect(lines).toContain('├─ Consensus drift: 4.37% vs the clean run');
  });

  it('does not divide by zero with no nodes', () => {
    expect(hudLines(hudStats({ nodes: 0 }), { simTimeS: 0, speed: 1, paused: false, fps: 1 })[1]).toContain('0.0%');
  });
});
