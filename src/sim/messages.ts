// The sim's radio message format lives in src/core/net/message.ts (pure, so that systems/ may use it); this file
// keeps the old import path for the sim's own modules and tests. Sending is the world's radio channel
// (src/sim/radio.ts, `world.radio.send`).
export * from '../core/net/message';
