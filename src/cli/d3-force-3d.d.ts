// The small part of d3-force-3d (ESM, untyped, a devDependency) that src/cli/layoutBench.ts loads when present.
declare module 'd3-force-3d' {
  export interface SimNode {
    index?: number;
    x: number;
    y: number;
    z: number;
    vx?: number;
    vy?: number;
    vz?: number;
  }
  export interface SimLink {
    source: number | SimNode;
    target: number | SimNode;
  }
  export type Force = (alpha: number) => void;
  export interface ManyBodyForce extends Force {
    strength(s: number): ManyBodyForce;
    theta(t: number): ManyBodyForce;
  }
  export interface LinkForce extends Force {
    distance(d: number): LinkForce;
    strength(s: number): LinkForce;
  }
  export interface CenterForce extends Force {
    x(v: number): CenterForce;
  }
  export interface Simulation {
    force(name: string, force: Force | null): Simulation;
    stop(): Simulation;
    tick(iterations?: number): Simulation;
    alphaDecay(decay: number): Simulation;
    nodes(): SimNode[];
  }
  export function forceSimulation(nodes?: SimNode[], numDimensions?: number): Simulation;
  export function forceManyBody(): ManyBodyForce;
  export function forceLink(links?: SimLink[]): LinkForce;
  export function forceCenter(x?: number, y?: number, z?: number): CenterForce;
}
