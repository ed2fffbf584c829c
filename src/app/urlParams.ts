// Turns the page's query string into a run configuration. Pure (no DOM), so it is unit-tested: every bad value
// becomes a readable problem and falls back to its default — the page shows the problems, never a blank screen.
import { DEFAULT_CONFIG, MAX_NODES, resolveConfig, ConfigError, type SimConfig } from '../sim/config';
import type { SpeedFactor } from '../sim/workerApi';
import { RADIO_NAMES } from '../core/energy/profiles';
import { LAB_SETTINGS, PRESETS } from './labSettings';

/** The radio the HUD reports bytes and mW per node per day on (docs/ENERGY.md); `?radio=NAME` picks another. */
export const DEFAULT_PAGE_RADIO = 'lora-sf7';

export interface PageOptions {
  /** Overrides for the simulation (only the fields given in the URL, each already valid). */
  config: Partial<SimConfig>;
  speed: SpeedFactor;
  paused: boolean;
  /** Run the scripted camera path + recording at load. */
  cinematic: boolean;
  /** Auto-rotate the camera at start (tests turn it off to get a fixed camera). */
  autoRotate: boolean;
  /** The HUD's radio profile name (one of RADIO_NAMES). */
  radio: string;
  /** Show the lab (panel, timeline, inspector); `lab=0` shows the brain and the HUD alone (the render benchmark's
   *  baseline). */
  lab: boolean;
  /** One line per invalid parameter, e.g. "nodes: 'abc' is not an integer in [1, 1000000]; using 150". */
  problems: string[];
}

/** Largest node count the page accepts (the sim takes more, but the browser view is not meant for it). */
export const MAX_PAGE_NODES = Math.min(MAX_NODES, 100_000);

// Maps, not object literals: a query value like `__proto__` must not find Object.prototype.
const SPEEDS = new Map<string, SpeedFactor>([
  ['1', 1],
  ['10', 10],
  ['max', 0],
  ['0', 0],
]);
const FLAGS = new Map<string, boolean>([
  ['1', true],
  ['true', true],
  ['yes', true],
  ['', true],
  ['0', false],
  ['false', false],
  ['no', false],
]);

function parseIntStrict(text: string): number | null {
  return /^\s*[+]?\d+\s*$/.test(text) ? Number(text) : null;
}

function parseNumber(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Parses `location.search` (with or without the leading "?"). Never throws. */
export function parsePageOptions(search: string): PageOptions {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const config: Partial<SimConfig> = {};

  const nodesText = params.get('nodes');
  if (nodesText !== null) {
    const nodes = parseIntStrict(nodesText);
    if (nodes === null || nodes < 1 || nodes > MAX_PAGE_NODES) {
      problems.push(`nodes: '${nodesText}' is not an integer in [1, ${MAX_PAGE_NODES}]; using ${DEFAULT_CONFIG.nodes}`);
    } else config.nodes = nodes;
  }

  const seedText = params.get('seed');
  if (seedText !== null) {
    const seed = parseIntStrict(seedText);
    if (seed === null || seed > 0xffffffff) {
      problems.push(`seed: '${seedText}' is not an integer in [0, 4294967295]; using ${DEFAULT_CONFIG.seed}`);
    } else config.seed = seed;
  }

  const lossText = params.get('loss');
  if (lossText !== null) {
    const loss = parseNumber(lossText);
    // A value above 1 is read as a percentage ("loss=20" means 20 %), as people tend to type it.
    const fraction = loss !== null && loss > 1 && loss <= 99 ? loss / 100 : loss;
    if (fraction === null || fraction < 0 || fraction > 0.99) {
      problems.push(`loss: '${lossText}' is not a loss rate in [0, 0.99] (or 0–99 %); using ${DEFAULT_CONFIG.loss}`);
    } else config.loss = fraction;
  }

  // The other lab settings, spelled as `qres sim` spells its flags (labSettings.ts); each is checked on its own by
  // the sim's validation, so one bad value names itself and the rest still apply.
  for (const setting of LAB_SETTINGS) {
    if (setting.key === 'nodes' || setting.key === 'seed' || setting.key === 'loss') continue;
    const text = params.get(setting.param);
    if (text === null) continue;
    const fallback = DEFAULT_CONFIG[setting.key];
    let value: number | string | boolean | null;
    if (typeof fallback === 'boolean') value = FLAGS.get(text.trim().toLowerCase()) ?? null;
    else if (typeof fallback === 'number') {
      const number = parseNumber(text);
      // Percentages as people type them ("byzantine=30"), like loss.
      value = number !== null && setting.percent && number > 1 && number <= 99 ? number / 100 : number;
    } else value = text.trim();
    let problem = value === null ? `'${text}' is not ${typeof fallback === 'boolean' ? '1 or 0' : 'a number'}` : null;
    if (value !== null) {
      try {
        resolveConfig({ [setting.key]: value });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problem = err.problems.map((p) => p.replace(/^[^:]*: /, '')).join('; ');
      }
    }
    if (problem !== null || value === null) problems.push(`${setting.param}: ${problem}; using ${String(fallback)}`);
    else (config as Record<string, unknown>)[setting.key] = value;
  }

  // A preset by name (`preset=alie`) fills in the settings the URL does not give itself.
  const presetText = params.get('preset');
  if (presetText !== null) {
    const preset = PRESETS.find((p) => p.id === presetText.trim().toLowerCase());
    if (preset === undefined) problems.push(`preset: '${presetText}' is not one of ${PRESETS.map((p) => p.id).join(', ')}`);
    else for (const [k, v] of Object.entries(preset.config)) if (!Object.hasOwn(config, k)) (config as Record<string, unknown>)[k] = v;
  }

  let speed: SpeedFactor = 1;
  const speedText = params.get('speed');
  if (speedText !== null) {
    const parsed = SPEEDS.get(
      speedText
        .trim()
        .toLowerCase()
        .replace(/^(\d+)[x×]$/, '$1'),
    );
    if (parsed === undefined) problems.push(`speed: '${speedText}' is not one of 1, 10, max; using 1`);
    else speed = parsed;
  }

  const flag = (name: string, fallback: boolean): boolean => {
    const text = params.get(name);
    if (text === null) return fallback;
    const value = FLAGS.get(text.trim().toLowerCase());
    if (value === undefined) {
      problems.push(`${name}: '${text}' is not 1 or 0; using ${fallback ? 1 : 0}`);
      return fallback;
    }
    return value;
  };
  const paused = flag('paused', false);
  const cinematic = flag('cinematic', false);
  const autoRotate = flag('rotate', true);
  let radio = DEFAULT_PAGE_RADIO;
  const radioText = params.get('radio');
  if (radioText !== null) {
    if (RADIO_NAMES.includes(radioText.trim())) radio = radioText.trim();
    else problems.push(`radio: '${radioText}' is not one of ${RADIO_NAMES.join(', ')}; using ${DEFAULT_PAGE_RADIO}`);
  }
  const lab = flag('lab', true);

  // Belt and braces: whatever passed the checks above must also pass the sim's own validation.
  try {
    resolveConfig(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) problems.push(problem);
    return { config: {}, speed, paused, cinematic, autoRotate, radio, lab, problems };
  }
  return { config, speed, paused, cinematic, autoRotate, radio, lab, problems };
}
