export * as q16 from './q16';
export type { Q16 } from './q16';
export { Q16RangeError } from './q16';
