// The force layout of the Living Brain: Barnes–Hut octree forces, one `step` per tick (systems/layout.ts).
export { createForceLayout, type ForceLayout } from './forceLayout';
export { defaultLayoutParams, validateLayoutParams, LayoutParamsError, type LayoutParams } from './params';
