// Layout: the force-directed brain (src/sim/layout/). Moves only drawn positions; decides nothing.
import { defineSystem } from '../src/sim/system';

export const layoutSystem = defineSystem({
  name: 'layout',
  reads: ['Evolution'],
  writes: ['Drawn'],
  channels: { reads: [], writes: ['layout'] },
  run(world) {
    if (!world.layout) return;
    const { Drawn, Evolution } = world.components;
    // Component arrays are indexed by entity id (from 1); the layout works on node indices (from 0).
    world.layout.step(Drawn.pos.subarray(3), Drawn.vel.subarray(3), Evolution.evolved.subarray(1), world.dtS);
  },
});
