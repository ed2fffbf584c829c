// Types for scripts/mosquitto.mjs (a plain ES module so that it runs with bare `node`).
export interface MosquittoPaths {
  mosquitto: string;
  passwd: string | null;
}
export function findMosquitto(): MosquittoPaths | null;
export function ensureMosquitto(): MosquittoPaths;
