// Each node samples the field and takes the sample into its recent window (the rule senseAt): two slow sines
// (calm) plus, inside the noise zone, a fast interference scaled by its exposure, plus seeded sensor noise. Angle
// addition with the node's precomputed cos/sin of phase means a sample costs a few exact multiplications, not
// table look-ups. The field is the simulator's world, not a rule: a real node reads a real sensor.
import * as q16 from '../src/core/fixed/q16';
import { defineSystem } from '../src/sim/system';
import { senseAt } from '../src/core/rules/mind';
import {
  FIELD_AMP_1,
  FIELD_AMP_2,
  FIELD_OMEGA_1,
  FIELD_OMEGA_2,
  SENSOR_NOISE,
  STORM_AMP,
  STORM_OMEGAS,
  ZONE_OMEGA_DEN,
  ZONE_OMEGA_NUM,
} from '../src/core/rules/model';

/** ω·t as an exact Q16 angle for this tick. */
function angleAt(omega: number, tick: number, tickMs: number): number {
  return Math.floor((omega * tick * tickMs) / 1000) % q16.TWO_PI;
}

export const sensorSystem = defineSystem({
  name: 'sensor',
  reads: ['Noise', 'Sensor'],
  writes: ['Neuron'],
  channels: { reads: [], writes: ['streams'] },
  run(world) {
    const { Sensor, Noise, Neuron } = world.components;
    const { recent } = Neuron;
    const { tick, config, n } = world;
    const rng = world.streams.sensor;
    const a1 = angleAt(FIELD_OMEGA_1, tick, config.tickMs);
    const a2 = angleAt(FIELD_OMEGA_2, tick, config.tickMs);
    // Which orbit of the noise zone this is (orbit = 2π / ω_zone seconds), and so which storm.
    const orbit = Math.floor((tick * config.tickMs * ZONE_OMEGA_NUM) / (ZONE_OMEGA_DEN * 1000 * 2 * Math.PI));
    const a3 = angleAt(STORM_OMEGAS[orbit % STORM_OMEGAS.length]!, tick, config.tickMs);
    // Calm field = A1 sin(ω1t + φ) + A2 sin(ω2t + φ) = S·cos φ + C·sin φ.
    const S = q16.mul(FIELD_AMP_1, q16.sin(a1)) + q16.mul(FIELD_AMP_2, q16.sin(a2));
    const C = q16.mul(FIELD_AMP_1, q16.cos(a1)) + q16.mul(FIELD_AMP_2, q16.cos(a2));
    const S3 = q16.mul(STORM_AMP, q16.sin(a3));
    const C3 = q16.mul(STORM_AMP, q16.cos(a3));
    for (let eid = 1; eid <= n; eid++) {
      const cp = Sensor.cosPhase[eid]!;
      const sp = Sensor.sinPhase[eid]!;
      let v = q16.mul(S, cp) + q16.mul(C, sp);
      const level = Noise.level[eid]!;
      if (level > 0) v += q16.mul(level, q16.mul(S3, cp) + q16.mul(C3, sp));
      // Triangular noise in (−1, 1) from one 32-bit draw (two 16-bit uniforms).
      const u = rng.nextU32();
      const tri = (u & 0xffff) + (u >>> 16) - 0xffff;
      senseAt(recent, eid, v + q16.mul(SENSOR_NOISE, tri));
    }
  },
});
