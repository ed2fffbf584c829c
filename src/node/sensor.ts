// What a real node samples. Two sources:
// - `sine`: the sim's field, on the node's own clock: two slow sines with a per-node phase, plus an
//   interference zone that orbits past the node (the simulator's noise zone, docs/ARCHITECTURE.md "The model") with a new storm frequency on
//   every orbit, plus seeded sensor noise. Nodes sit on the zone's orbit (home angle = id × golden angle), so
//   every node is swept by the storm once per orbit (≈ 63 s of device time), staggered around the swarm.
// - a CSV file: the first numeric field of every line (header lines are skipped), replayed in a loop, one
//   value per sample. A file has no known storm zone, so every sample counts as exposed (a calm node that
//   predicts it well becomes Evolved).
// All integer Q16 except the one-off conversion of CSV text to Q16.
import { readFileSync } from 'node:fs';
import * as q16 from '../core/fixed/q16';
import { createRng, type Rng } from '../core/rng/rng';
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
  ZONE_ORBIT,
  ZONE_RADIUS,
} from '../core/rules/model';
import { DEVICE_TICK_MS } from './config';

export interface SensorReading {
  value: q16.Q16;
  /** Exposure to the storm zone, Q16 in [0, ONE]. */
  exposure: q16.Q16;
}

export interface Sensor {
  readonly kind: string;
  read(tick: number): SensorReading;
}

/** The golden angle 2π(1 − 1/φ) in Q16 radians. */
const GOLDEN_ANGLE = 157284;
/** Device time wraps every 2^20 ticks (≈ 29 h) so every product below stays an exact integer. */
const TICK_WRAP = 1 << 20;

/** A sensor file that holds no usable numbers. */
export class SensorFileError extends Error {
  override readonly name = 'SensorFileError';
}

function angleAt(omega: number, deviceMs: number): number {
  return Math.floor((omega * deviceMs) / 1000) % q16.TWO_PI;
}

/** The node's home on the zone's orbit (xz plane, radius ZONE_ORBIT) with a seeded height in [−2, 2]. */
export function homeOf(id: number, seed: number): { x: number; y: number; z: number; phase: number } {
  const phase = (id * GOLDEN_ANGLE) % q16.TWO_PI;
  const y = createRng(seed)
    .stream(`home:${id}`)
    .range(-2 * q16.ONE, 2 * q16.ONE);
  return { x: ZONE_ORBIT * q16.sin(phase), y, z: ZONE_ORBIT * q16.cos(phase), phase };
}

/** `calm`: the calm scenario (qres node --scenario calm, as qres sim --scenario calm): no interference zone. */
export function createSineSensor(id: number, seed: number, calm = false): Sensor {
  const home = homeOf(id, seed);
  const cp = q16.cos(home.phase);
  const sp = q16.sin(home.phase);
  const noise: Rng = createRng(seed).stream(`sensor:${id}`);
  const r8 = (ZONE_RADIUS * q16.ONE) >> 8;
  return {
    kind: 'sine',
    read(tick: number): SensorReading {
      const deviceMs = (((tick % TICK_WRAP) + TICK_WRAP) % TICK_WRAP) * DEVICE_TICK_MS;
      const zoneAngle = Math.floor((deviceMs * ZONE_OMEGA_NUM * q16.ONE) / (ZONE_OMEGA_DEN * 1000)) % q16.TWO_PI;
      const dx = (home.x >> 8) - ((ZONE_ORBIT * q16.sin(zoneAngle)) >> 8);
      const dy = home.y >> 8;
      const dz = (home.z >> 8) - ((ZONE_ORBIT * q16.cos(zoneAngle)) >> 8);
      const d2 = dx * dx + dy * dy + dz * dz;
      const exposure = calm || d2 >= r8 * r8 ? 0 : q16.ONE - Math.floor((d2 * q16.ONE) / (r8 * r8));
      const a1 = angleAt(FIELD_OMEGA_1, deviceMs);
      const a2 = angleAt(FIELD_OMEGA_2, deviceMs);
      // Calm field A1 sin(ω1t + φ) + A2 sin(ω2t + φ) = S·cos φ + C·sin φ, as in systems/sensor.ts.
      const S = q16.mul(FIELD_AMP_1, q16.sin(a1)) + q16.mul(FIELD_AMP_2, q16.sin(a2));
      const C = q16.mul(FIELD_AMP_1, q16.cos(a1)) + q16.mul(FIELD_AMP_2, q16.cos(a2));
      let value = q16.mul(S, cp) + q16.mul(C, sp);
      if (exposure > 0) {
        const orbit = Math.floor((deviceMs * ZONE_OMEGA_NUM) / (ZONE_OMEGA_DEN * 1000 * 2 * Math.PI));
        const a3 = angleAt(STORM_OMEGAS[orbit % STORM_OMEGAS.length]!, deviceMs);
        const S3 = q16.mul(STORM_AMP, q16.sin(a3));
        const C3 = q16.mul(STORM_AMP, q16.cos(a3));
        value += q16.mul(exposure, q16.mul(S3, cp) + q16.mul(C3, sp));
      }
      const u = noise.nextU32();
      const tri = (u & 0xffff) + (u >>> 16) - 0xffff;
      return { value: value + q16.mul(SENSOR_NOISE, tri), exposure };
    },
  };
}

/** Parses CSV text into Q16 samples: the first numeric field of each line; other lines are skipped. */
export function parseSensorCsv(text: string): Int32Array {
  const values: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const field = line.split(/[,;\t]/)[0]?.trim() ?? '';
    if (field === '') continue;
    const v = Number(field);
    if (!Number.isFinite(v) || Math.abs(v) > 32000) continue;
    values.push(q16.fromFloat(v));
  }
  return Int32Array.from(values);
}

export function createCsvSensor(path: string): Sensor {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SensorFileError(`cannot read sensor file ${path}: ${(err as Error).message}`);
  }
  const samples = parseSensorCsv(text);
  if (samples.length < 2) throw new SensorFileError(`sensor file ${path} has ${samples.length} numeric lines, need ≥ 2`);
  return {
    kind: `csv:${path}`,
    read(tick: number): SensorReading {
      return { value: samples[((tick % samples.length) + samples.length) % samples.length]!, exposure: q16.ONE };
    },
  };
}

/** `sine` or a CSV file path; `scenario` 'calm' takes the storm zone out of the sine field (a file has none). */
export function createSensor(spec: string, id: number, seed: number, scenario = 'storm'): Sensor {
  return spec === 'sine' ? createSineSensor(id, seed, scenario === 'calm') : createCsvSensor(spec);
}
