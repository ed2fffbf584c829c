import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PREDICTOR_COUNT, PREDICTOR_DELTA2, PREDICTOR_NEURON, chooseScale, runPredictor, scaleFor } from '../../../src/core/codec/predictors';
import { DEFAULT_MU } from '../../../src/core/neuron/kernel';

describe('predictors', () => {
  it('every predictor inverts exactly on any int32 series (wrap-around included)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 80 }), fc.integer({ min: 0, max: PREDICTOR_COUNT - 1 }), (xs, predictor) => {
        const s = Int32Array.from(xs);
        const params = { predictor, scale: chooseScale(s, predictor), mu: DEFAULT_MU };
        expect(runPredictor(runPredictor(s, params, false), params, true)).toEqual(s);
      }),
      { numRuns: 2_000 },
    );
  });

  it('the second difference predicts a ramp exactly after two samples', () => {
    const ramp = Int32Array.from({ length: 50 }, (_, i) => 7 * i + 3);
    const r = runPredictor(ramp, { predictor: PREDICTOR_DELTA2, scale: 0, mu: DEFAULT_MU }, false);
    expect(Array.from(r.subarray(2))).toEqual(new Array(48).fill(0));
  });

  it('the neuron learns a sine: late residuals are far below the early ones', () => {
    const s = Int32Array.from({ length: 4000 }, (_, t) => Math.round(5000 * Math.sin(t / 9)));
    const r = runPredictor(s, { predictor: PREDICTOR_NEURON, scale: chooseScale(s, PREDICTOR_NEURON), mu: DEFAULT_MU * 4 }, false);
    const meanAbs = (a: Int32Array) => a.reduce((x, y) => x + Math.abs(y), 0) / a.length;
    expect(meanAbs(r.subarray(3000))).toBeLessThan(meanAbs(r.subarray(10, 200)) / 10);
    expect(meanAbs(r.subarray(3000))).toBeLessThan(20);
  });

  it('scales inputs to about 2^20', () => {
    expect(scaleFor(0)).toBe(0);
    expect(scaleFor(1)).toBe(19);
    expect(scaleFor(2 ** 31)).toBe(-12);
  });
});
