// What a node senses: the latest sample (Q16), the cosine and sine of its own phase in the field (a smooth
// function of its home position, so neighbours see similar signals; kept as cos/sin so each tick needs only
// multiplications: sin(ωt + φ) = sin ωt · cos φ + cos ωt · sin φ), and the noise zone's interference level at
// its home (Q16, 0 outside, ONE at the zone's heart).

export function createSensor(capacity: number) {
  return { sample: new Int32Array(capacity), cosPhase: new Int32Array(capacity), sinPhase: new Int32Array(capacity) };
}
export type Sensor = ReturnType<typeof createSensor>;

export function createNoise(capacity: number) {
  return { level: new Int32Array(capacity) };
}
export type Noise = ReturnType<typeof createNoise>;
