import { describe, expect, it } from 'vitest';
import * as q16 from '../../src/core/fixed/q16';
import { createRng } from '../../src/core/rng/rng';
import { STORM } from '../../src/core/neuron/regimeDetector';
import { NodeMind, RECENT } from '../../src/node/mind';
import { createSineSensor } from '../../src/node/sensor';

function run(mind: NodeMind, from: number, ticks: number, sensorId = 1): number {
  const sensor = createSineSensor(sensorId, 7);
  let storms = 0;
  for (let t = from; t < from + ticks; t++) {
    const r = sensor.read(t);
    mind.step(t, r.value, r.exposure);
    if (mind.regime === STORM) storms++;
  }
  return storms;
}

describe('NodeMind', () => {
  it('storms when the zone passes, heals, and becomes Evolved (one orbit ≈ 630 ticks)', () => {
    const mind = new NodeMind(1, createRng(1).stream('m'));
    const storms = run(mind, 0, 1300);
    expect(storms).toBeGreaterThan(0);
    expect(mind.heals.self + mind.heals.gossip).toBeGreaterThan(0);
    expect(mind.lastHealTick).toBeGreaterThan(0);
  });

  it('check-before-install: installs a clearly better gene, refuses a worse one, flags poison as harmful', () => {
    const mind = new NodeMind(2, createRng(2).stream('m'));
    const sensor = createSineSensor(2, 7);
    let t = 0;
    // Drive it until it storms with a full window.
    while (!(mind.regime === STORM && mind.samples >= RECENT) && t < 5000) {
      const r = sensor.read(t);
      mind.step(t++, r.value, r.exposure);
    }
    expect(mind.regime).toBe(STORM);
    const poison = { weights: new Int32Array(8).fill(8 * q16.ONE), bias: 64 * q16.ONE, mu: 3277 };
    expect(mind.offerCure(poison)).toBe('harmful');
    expect(mind.installed).toBe(false);
    // Its own gene is not clearly better than itself.
    expect(mind.offerCure(mind.gene())).toBe('not-better');
    // Spoil the node's predictor, then offer its previous one back: clearly better on its own window.
    const good = mind.gene();
    mind.weights.fill(0);
    mind.bias = 0;
    expect(mind.offerCure(good)).toBe('installed');
    expect(mind.installed).toBe(true);
    expect(mind.offerCure(good)).toBe('not-needed');
  });

  it('asks for a cure only after 2 s of Storm, then backs off', () => {
    const mind = new NodeMind(3, createRng(3).stream('m'));
    mind.regime = STORM;
    mind.stormStart = 100;
    const due: number[] = [];
    for (let t = 100; t < 300; t++) if (mind.cureRequestDue(t)) due.push(t);
    expect(due[0]).toBe(120);
    const gaps = due.slice(1).map((t, i) => t - due[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    expect(gaps[1]!).toBeGreaterThan(gaps[0]! - 5); // doubling, with < 0.5 s of jitter
    expect(gaps.every((g) => g >= 10)).toBe(true);
  });

  it('restore() starts Evolved with the stored predictor', () => {
    const mind = new NodeMind(4, createRng(4).stream('m'));
    mind.restore({ weights: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), bias: 9, mu: 3277 });
    expect(mind.evolved && mind.restored).toBe(true);
    expect(Array.from(mind.weights)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(mind.canCure()).toBe(true);
  });
});
