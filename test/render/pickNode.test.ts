import { describe, expect, it } from 'vitest';
import { pickNode } from '../../src/render/brainView';

describe('pickNode', () => {
  // Three nodes on the z axis in front of a camera at z = 10 looking down −z, one off to the side.
  const positions = Float32Array.from([0, 0, 0, 0, 0, 5, 3, 0, 5, 0, 0, -5]);

  it('picks the nearest node the ray passes through, in front of the camera', () => {
    expect(pickNode([0, 0, 10], [0, 0, -1], positions, 4, 0.5, null)).toBe(1);
    expect(pickNode([3, 0, 10], [0, 0, -1], positions, 4, 0.5, null)).toBe(2);
    expect(pickNode([1, 0, 10], [0, 0, -1], positions, 4, 0.5, null)).toBe(-1);
    expect(pickNode([0, 0, 10], [0, 0, 1], positions, 4, 0.5, null)).toBe(-1);
  });

  it('skips nodes in the cut-away half (between the cut and the camera)', () => {
    const cut = { u: [0, 0, 1] as const, offset: 0 };
    expect(pickNode([0, 0, 10], [0, 0, -1], positions, 4, 0.5, cut)).toBe(0);
    expect(pickNode([0, 0, 10], [0, 0, -1], positions, 4, 0.5, { u: [0, 0, 1], offset: -1 })).toBe(3);
  });

  it('only looks at the first `count` nodes', () => {
    expect(pickNode([0, 0, 10], [0, 0, -1], positions, 1, 0.5, null)).toBe(0);
  });
});
