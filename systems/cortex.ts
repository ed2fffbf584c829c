// Every node predicts its newest sample from the ones before it, measures its surprise, and updates its
// entropy and regime. One implementation of the math: the core neuron kernel.
import * as q16 from '../src/core/fixed/q16';
import { entropyStep, LAGS, predictAt, REFRACTORY_TICKS } from '../src/core/neuron/kernel';
import { PRESTORM, regimeStepAt, STORM } from '../src/core/neuron/regimeDetector';
import { RECENT } from '../components/mind';
import { ROLE_HONEST } from '../components/body';
import { defineSystem } from '../src/sim/system';
import { ERROR_SCALE, REGIME_RECORD, SIM_REGIME_PARAMS, SPIKE_THRESHOLD } from '../src/sim/model';

export const cortexSystem = defineSystem({
  name: 'cortex',
  reads: ['Role'],
  writes: ['Neuron', 'Regime'],
  run(world) {
    const { Neuron, Regime, Role } = world.components;
    const { n, counters } = world;
    const { weights, bias, recent, entropy, refractory } = Neuron;
    const errors = world.scratch.error;
    const { regime: regimes, prev, detector } = Regime;
    const kind = Role.kind;
    let storm = 0;
    let preStorm = 0;
    let entropySum = 0;
    let sqCalm = 0;
    let nCalm = 0;
    let sqStorm = 0;
    let nStorm = 0;
    for (let eid = 1; eid <= n; eid++) {
      const ro = RECENT * eid;
      const sample = recent[ro]!; // shifted in by the sensor system this tick
      const predicted = predictAt(weights, LAGS * eid, bias[eid]!, recent, ro + 1);
      const error = q16.sub(sample, predicted);
      errors[eid] = error; // evolution adapts on this same error later in the tick
      const absError = q16.abs(error);
      entropy[eid] = entropyStep(entropy[eid]!, absError, ERROR_SCALE);
      if (refractory[eid]! > 0) refractory[eid]!--;
      else if (absError > SPIKE_THRESHOLD) refractory[eid] = REFRACTORY_TICKS;
      const before = regimes[eid]!;
      const regime = regimeStepAt(detector, REGIME_RECORD * eid, absError, entropy[eid]!, SIM_REGIME_PARAMS) & 3;
      prev[eid] = before;
      regimes[eid] = regime;
      if (regime === STORM) storm++;
      else if (regime === PRESTORM) preStorm++;
      entropySum += entropy[eid]!;
      if (kind[eid] === ROLE_HONEST) {
        const e = error / 65536; // (q16.toFloat) the RMSE figure only; decides nothing
        if (regime === STORM) {
          sqStorm += e * e;
          nStorm++;
        } else {
          sqCalm += e * e;
          nCalm++;
        }
      }
    }
    counters.storm = storm;
    counters.preStorm = preStorm;
    counters.meanEntropy = q16.toFloat(q16.divInt(entropySum, n));
    counters.sqErrCalm += sqCalm;
    counters.nCalm += nCalm;
    counters.sqErrStorm += sqStorm;
    counters.nStorm += nStorm;
  },
});
