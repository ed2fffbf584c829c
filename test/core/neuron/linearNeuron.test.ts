import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import { decodeGene, encodeGene, type Gene } from '../../../src/core/gene/gene';
import { LAGS, REFRACTORY_TICKS, WEIGHT_LIMIT } from '../../../src/core/neuron/kernel';
import { DEFAULT_SPIKE_THRESHOLD, LinearNeuron, persistenceGene } from '../../../src/core/neuron/linearNeuron';
import { createRng } from '../../../src/core/rng/rng';

const ONE = q16.ONE;

/** sin(2πt / period) plus Gaussian noise of the given σ, as Q16 samples. */
function noisySine(n: number, period: number, sigma: number, seed: number): Int32Array {
  const noise = createRng(seed).stream('sensor-noise');
  const step = Math.round(q16.TWO_PI / period);
  const sigmaQ = q16.fromFloat(sigma);
  return Int32Array.from({ length: n }, (_, t) => q16.sin((t % period) * step) + q16.mul(noise.gaussianQ16(), sigmaQ));
}

function zeroGene(): Gene {
  return { weights: new Int32Array(LAGS), bias: 0, mu: persistenceGene().mu };
}

describe('LinearNeuron learning', () => {
  it('on a noisy sine, RMSE after 2,000 training samples is at most half the untrained RMSE', () => {
    const TRAIN = 2000;
    const EVAL = 1000;
    const xs = noisySine(TRAIN + EVAL, 20, 0.05, 7);
    const trained = new LinearNeuron();
    const untrained = new LinearNeuron(); // the default (persistence) predictor, never adapted
    let sqTrained = 0;
    let sqUntrained = 0;
    for (let t = 0; t < xs.length; t++) {
      const x = xs[t]!;
      if (t < TRAIN) {
        trained.adapt(x, trained.predict());
      } else {
        sqTrained += q16.toFloat(x - trained.predict()) ** 2;
        sqUntrained += q16.toFloat(x - untrained.predict()) ** 2;
        trained.observe(x); // evaluate the model as trained: no further learning
      }
      untrained.observe(x);
    }
    const rmseTrained = Math.sqrt(sqTrained / EVAL);
    const rmseUntrained = Math.sqrt(sqUntrained / EVAL);
    console.log(`noisy sine (period 20, σ 0.05): RMSE untrained ${rmseUntrained.toFixed(4)}, after 2000 samples ${rmseTrained.toFixed(4)}`);
    expect(rmseTrained).toBeLessThanOrEqual(rmseUntrained / 2);
  });

  it('predicts a constant input x as ≈ x after training from zero weights (not 128 + x)', () => {
    const neuron = new LinearNeuron({ gene: zeroGene() });
    const x = q16.fromFloat(7.25);
    for (let i = 0; i < 500; i++) neuron.adapt(x, neuron.predict());
    expect(Math.abs(q16.toFloat(neuron.predict()) - 7.25)).toBeLessThan(0.01);
  });

  it('is deterministic: the same samples give bit-identical genes', () => {
    const xs = noisySine(500, 13, 0.1, 3);
    const a = new LinearNeuron();
    const b = new LinearNeuron();
    for (const x of xs) {
      a.adapt(x, a.predict());
      b.adapt(x, b.predict());
    }
    expect(encodeGene(a.exportGene())).toEqual(encodeGene(b.exportGene()));
    expect(a.exportGene().weights).not.toEqual(persistenceGene().weights);
  });
});

describe('LinearNeuron surprise, entropy and refractory period', () => {
  it('spikes on a large error, then stays quiet for REFRACTORY_TICKS ticks', () => {
    const neuron = new LinearNeuron();
    expect(neuron.refractoryRemaining()).toBe(0);
    const spike = neuron.checkSurprise(ONE, 0, 42);
    expect(spike).not.toBeNull();
    expect(spike!.tick).toBe(42);
    expect(spike!.error).toBe(ONE);
    expect(spike!.surprise).toBe(ONE);
    expect(spike!.entropy).toBe(neuron.entropy);
    expect(neuron.refractoryRemaining()).toBe(REFRACTORY_TICKS);
    for (let i = 1; i <= REFRACTORY_TICKS; i++) {
      expect(neuron.checkSurprise(ONE, 0, 42 + i)).toBeNull();
      neuron.tick();
      expect(neuron.refractoryRemaining()).toBe(REFRACTORY_TICKS - i);
    }
    expect(neuron.checkSurprise(-ONE, 0, 99)?.error).toBe(-ONE);
  });

  it('does not spike at or below the threshold', () => {
    const neuron = new LinearNeuron();
    expect(neuron.checkSurprise(DEFAULT_SPIKE_THRESHOLD, 0, 0)).toBeNull();
    expect(neuron.checkSurprise(0, -DEFAULT_SPIKE_THRESHOLD, 0)).toBeNull();
    expect(neuron.checkSurprise(DEFAULT_SPIKE_THRESHOLD + 1, 0, 0)).not.toBeNull();
    const scaled = new LinearNeuron({ errorScale: 10 * ONE });
    expect(scaled.checkSurprise(2 * ONE, 0, 0)).toBeNull(); // 0.2 of the scale
    expect(scaled.checkSurprise(4 * ONE, 0, 0)).not.toBeNull(); // 0.4 of the scale
  });

  it('entropy rises under large errors and falls under small ones, within [0, 1]', () => {
    const neuron = new LinearNeuron();
    const start = neuron.entropy;
    for (let i = 0; i < 50; i++) neuron.checkSurprise(5 * ONE, 0, i);
    expect(neuron.entropy).toBeGreaterThan(start);
    expect(neuron.entropy).toBeLessThanOrEqual(ONE);
    const high = neuron.entropy;
    for (let i = 0; i < 50; i++) neuron.checkSurprise(0, 0, i);
    expect(neuron.entropy).toBeLessThan(high / 10);
    expect(neuron.entropy).toBeGreaterThanOrEqual(0);
  });

  it('tick never counts below zero', () => {
    const neuron = new LinearNeuron();
    neuron.tick();
    expect(neuron.refractoryRemaining()).toBe(0);
  });
});

describe('LinearNeuron genes', () => {
  it('exportGene returns a copy', () => {
    const neuron = new LinearNeuron();
    const gene = neuron.exportGene();
    gene.weights[0] = 0;
    expect(neuron.exportGene().weights[0]).toBe(ONE);
  });

  it('installs a valid gene (also through the wire format) and predicts with it', () => {
    const teacher = new LinearNeuron();
    for (const x of noisySine(300, 17, 0.05, 9)) teacher.adapt(x, teacher.predict());
    const student = new LinearNeuron();
    expect(student.installGene(decodeGene(encodeGene(teacher.exportGene())))).toBe(true);
    expect(student.exportGene()).toEqual(teacher.exportGene());
    for (const x of [ONE, 2 * ONE, -ONE, 0, 3, ONE / 2, -5 * ONE, ONE]) {
      // fills all LAGS lags of both
      student.observe(x);
      teacher.observe(x);
    }
    expect(student.predict()).toBe(teacher.predict());
  });

  it('refuses an invalid gene and leaves every bit of state unchanged', () => {
    const neuron = new LinearNeuron();
    neuron.observe(3 * ONE);
    neuron.checkSurprise(ONE, 0, 1);
    const before = { gene: neuron.exportGene(), prediction: neuron.predict(), entropy: neuron.entropy };
    const good = persistenceGene();
    const bad: Gene[] = [
      { ...good, weights: Int32Array.from([WEIGHT_LIMIT + 1, 0, 0, 0, 0, 0, 0, 0]) },
      { ...good, weights: new Int32Array(LAGS - 1) },
      { ...good, bias: 1e9 },
      { ...good, bias: 0.5 },
      { ...good, mu: 0 },
      { ...good, mu: ONE },
      { ...good, weights: [ONE, 0, 0, 0, 0, 0, 0, 0] as unknown as Int32Array },
    ];
    for (const gene of bad) {
      expect(neuron.installGene(gene)).toBe(false);
      expect(neuron.exportGene()).toEqual(before.gene);
      expect(neuron.predict()).toBe(before.prediction);
      expect(neuron.entropy).toBe(before.entropy);
    }
    expect(() => new LinearNeuron({ gene: bad[0]! })).toThrow(RangeError);
  });
});
