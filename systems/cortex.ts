// Every node predicts its newest sample from the ones before it, measures its surprise, and updates its entropy
// and regime: the rule cortexStep, applied to every node, plus the HUD's counts and RMSE sums.
import * as q16 from '../src/core/fixed/q16';
import { PRESTORM, STORM } from '../src/core/neuron/regimeDetector';
import { cortexStep } from '../src/core/rules/mind';
import { ROLE_HONEST } from '../components/body';
import { defineSystem } from '../src/sim/system';

export const cortexSystem = defineSystem({
  name: 'cortex',
  reads: ['Role'],
  writes: ['Neuron', 'Regime'],
  channels: { reads: [], writes: ['scratch', 'counters'] },
  run(world) {
    const { Neuron, Regime, Role } = world.components;
    const { n, counters } = world;
    const errors = world.scratch.error;
    const regimes = Regime.regime;
    const kind = Role.kind;
    let storm = 0;
    let preStorm = 0;
    let entropySum = 0;
    let sqCalm = 0;
    let nCalm = 0;
    let sqStorm = 0;
    let nStorm = 0;
    for (let eid = 1; eid <= n; eid++) {
      const error = cortexStep(Neuron, Regime, eid);
      errors[eid] = error; // evolution adapts on this same error later in the tick
      const regime = regimes[eid]!;
      if (regime === STORM) storm++;
      else if (regime === PRESTORM) preStorm++;
      entropySum += Neuron.entropy[eid]!;
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
