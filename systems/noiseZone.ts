// The noise zone orbits through the brain; each node's exposure is a smooth falloff of its home distance
// to the zone's centre: level = 1 − d²/r² inside the zone, 0 outside. The calm scenario (--scenario calm) has no
// zone: every level stays 0.
import * as q16 from '../src/core/fixed/q16';
import { defineSystem } from '../src/sim/system';
import { ZONE_OMEGA_DEN, ZONE_OMEGA_NUM, ZONE_ORBIT, ZONE_RADIUS } from '../src/core/rules/model';

export const noiseZoneSystem = defineSystem({
  name: 'noiseZone',
  reads: ['Home'],
  writes: ['Noise'],
  channels: { reads: [], writes: ['zone'] },
  run(world) {
    const { Home, Noise } = world.components;
    const { zone, config, tick, n } = world;
    // angle = ω · t, exactly: tick · tickMs · NUM · 2^16 / (DEN · 1000).
    const angle = Math.floor((tick * config.tickMs * ZONE_OMEGA_NUM * q16.ONE) / (ZONE_OMEGA_DEN * 1000));
    const scale = q16.fromFloat(world.brainRadius / 8);
    zone.x = q16.mul(ZONE_ORBIT * scale, q16.sin(angle));
    zone.y = 0;
    zone.z = q16.mul(ZONE_ORBIT * scale, q16.cos(angle));
    zone.r = ZONE_RADIUS * scale;
    // Squared distances in Q8 (exact integers for any allowed brain size).
    const cx = zone.x >> 8;
    const cy = zone.y >> 8;
    const cz = zone.z >> 8;
    const r8 = zone.r >> 8;
    const r2 = r8 * r8;
    if (config.scenario === 'calm') {
      // The calm scenario: no noise zone at all (the pure consensus problem).
      zone.r = 0;
      Noise.level.fill(0);
      return;
    }
    for (let eid = 1; eid <= n; eid++) {
      const dx = (Home.x[eid]! >> 8) - cx;
      const dy = (Home.y[eid]! >> 8) - cy;
      const dz = (Home.z[eid]! >> 8) - cz;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 >= r2) {
        Noise.level[eid] = 0;
        continue;
      }
      Noise.level[eid] = Math.min(0xffff, q16.ONE - Math.floor((d2 * q16.ONE) / r2));
    }
  },
});
