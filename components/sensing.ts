// What a node senses (its samples go straight into the neuron's recent window): the cosine and sine of its own phase in the field (a smooth
// function of its home position, so neighbours see similar signals; kept as cos/sin so each tick needs only
// multiplications: sin(ωt + φ) = sin ωt · cos φ + cos ωt · sin φ), and the noise zone's interference level at
// its home (Q16, 0 outside, ONE at the zone's heart).

export function createSensor(capacity: number) {
  return { cosPhase: new Int32Array(capacity), sinPhase: new Int32Array(capacity) };
}
export type Sensor = ReturnType<typeof createSensor>;

export function createNoise(capacity: number) {
  // Q16 exposure in [0, 1), kept in 16 bits (the very centre, exactly 1.0, is stored as 65535).
  return { level: new Uint16Array(capacity) };
}
export type Noise = ReturnType<typeof createNoise>;
