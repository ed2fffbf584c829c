// The lab's settings and scenario presets as data: what the control panel shows, how each setting is spelled in
// the URL (the same words as `qres sim`'s flags) and on the command line. Pure (no DOM, no Babylon), unit-tested:
// a link written here, parsed back by urlParams.ts, gives the same config, so the same run and state hash.
import { AGGREGATOR_NAMES } from '../core/consensus/registry';
import { ATTACK_NAMES } from '../core/consensus/attacks';
import { DEFAULT_CONFIG, SCENARIOS, type SimConfig } from '../sim/config';
import { RADIO_AUTH_MODES } from '../core/net/radioAuth';

export type LabKey =
  | 'nodes'
  | 'seed'
  | 'loss'
  | 'mtu'
  | 'bitrateBps'
  | 'byzantine'
  | 'attack'
  | 'aggregator'
  | 'gossip'
  | 'secure'
  | 'ownDataFilter'
  | 'join'
  | 'joinAtS'
  | 'scenario'
  | 'chatty'
  | 'prefetch'
  | 'radioAuth';

export type LabValue = number | string | boolean;

export interface LabSetting {
  key: LabKey;
  /** URL parameter, and the `qres sim` flag (`--<param> v`; a flag that is on by default is `--no-<param>`). */
  param: string;
  label: string;
  /** The values the panel steps through; a value from the URL that is not among them is shown as it is. */
  choices: readonly LabValue[];
  /** Fractions shown and typed as percentages (loss, attackers). */
  percent?: boolean;
}

const pct = (v: number): string => `${Math.round(v * 1000) / 10} %`;

export const LAB_SETTINGS: readonly LabSetting[] = [
  { key: 'nodes', param: 'nodes', label: 'nodes', choices: [50, 150, 300, 500, 1000, 2000, 5000, 10000] },
  { key: 'seed', param: 'seed', label: 'seed', choices: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 42] },
  { key: 'loss', param: 'loss', label: 'loss', choices: [0, 0.02, 0.1, 0.3, 0.5, 0.9], percent: true },
  { key: 'mtu', param: 'mtu', label: 'MTU', choices: [51, 127, 1400] },
  { key: 'bitrateBps', param: 'bitrate', label: 'bitrate', choices: [1200, 5470, 56000, 250000] },
  { key: 'byzantine', param: 'byzantine', label: 'attackers', choices: [0, 0.1, 0.2, 0.3, 0.4], percent: true },
  { key: 'attack', param: 'attack', label: 'attack', choices: ATTACK_NAMES },
  { key: 'aggregator', param: 'aggregator', label: 'aggregator', choices: AGGREGATOR_NAMES },
  { key: 'gossip', param: 'gossip', label: 'gossip', choices: [true, false] },
  { key: 'secure', param: 'secure', label: 'secure cures', choices: [false, true] },
  { key: 'ownDataFilter', param: 'own-filter', label: 'own-data filter', choices: [true, false] },
  { key: 'join', param: 'join', label: 'joiners', choices: [0, 10, 30, 100] },
  { key: 'joinAtS', param: 'join-at', label: 'join at', choices: [30, 60, 120, 300] },
  { key: 'scenario', param: 'scenario', label: 'scenario', choices: SCENARIOS },
  { key: 'chatty', param: 'chatty', label: 'chatty radio', choices: [false, true] },
  { key: 'prefetch', param: 'prefetch', label: 'prefetch', choices: [false, true] },
  { key: 'radioAuth', param: 'radio-auth', label: 'radio auth', choices: RADIO_AUTH_MODES },
];

/** Every URL parameter the lab writes (a shared link carries exactly the ones that differ from the default). */
export const LAB_PARAMS: readonly string[] = LAB_SETTINGS.map((s) => s.param);

export type LabConfig = Partial<Pick<SimConfig, LabKey>>;

export interface Preset {
  id: string;
  name: string;
  caption: string;
  config: LabConfig;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'storm',
    name: 'Storm front',
    caption: 'A noise front sweeps the brain: nodes storm (orange), heal and evolve (violet), and gossip their cures.',
    config: {},
  },
  {
    id: 'alie',
    name: 'ALIE insiders 30 %',
    caption: 'A third of the nodes send ALIE vectors, just inside the honest spread: watch them turn red, then grey.',
    config: { attack: 'alie', byzantine: 0.3 },
  },
  {
    id: 'sybil',
    name: 'Sybil raid',
    caption: '30 % of the nodes are Sybils pushing one identical vector: neighbours see through it within minutes.',
    config: { attack: 'sybil', byzantine: 0.3 },
  },
  {
    id: 'signflip',
    name: 'Sign-flip mob',
    caption: '30 % of the nodes broadcast the honest model reversed: a loud attack, suspected and banned early.',
    config: { attack: 'sign-flip', byzantine: 0.3 },
  },
  {
    id: 'lossy',
    name: '90 % loss + joiners',
    caption: '90 % of radio fragments are lost, and 30 nodes join at 60 s and sync from a neighbour’s summary gene.',
    config: { loss: 0.9, join: 30, joinAtS: 60 },
  },
];

/** The config value of a setting (the default when the config leaves it out). */
export function settingValue(config: LabConfig, key: LabKey): LabValue {
  return (config[key] ?? DEFAULT_CONFIG[key]) as LabValue;
}

/** The setting's value as the panel shows it. */
export function formatValue(setting: LabSetting, value: LabValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') {
    if (setting.percent) return pct(value);
    if (setting.key === 'bitrateBps') return value >= 1000 ? `${value / 1000} kb/s` : `${value} b/s`;
    if (setting.key === 'mtu') return `${value} B`;
    if (setting.key === 'joinAtS') return `${value} s`;
    return String(value);
  }
  return value;
}

/** The next (`step` = 1) or previous (−1) choice after `value`; a value between choices goes to its neighbour. */
export function stepValue(setting: LabSetting, value: LabValue, step: 1 | -1): LabValue {
  const choices = setting.choices;
  const at = choices.indexOf(value);
  if (at >= 0) return choices[(at + step + choices.length) % choices.length]!;
  if (typeof value === 'number') {
    const numbers = choices as readonly number[];
    if (step > 0) return numbers.find((c) => c > value) ?? numbers[0]!;
    return [...numbers].reverse().find((c) => c < value) ?? numbers[numbers.length - 1]!;
  }
  return choices[0]!;
}

/** Keeps only the fields that differ from the default (so equal configs have equal links). */
export function normalise(config: LabConfig): LabConfig {
  const out: LabConfig = {};
  for (const s of LAB_SETTINGS) {
    const v = config[s.key];
    if (v !== undefined && v !== DEFAULT_CONFIG[s.key]) (out as Record<string, LabValue>)[s.key] = v;
  }
  return out;
}

/** The preset this config is, if any (settings outside the preset at their defaults). */
export function presetOf(config: LabConfig): Preset | null {
  const mine = JSON.stringify(normalise(config));
  return PRESETS.find((p) => JSON.stringify(normalise(p.config)) === mine) ?? null;
}

function paramText(value: LabValue): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** The page's query string for `config`: the lab parameters that differ from the default, in LAB_SETTINGS order,
 *  after whatever else `base` carries (speed, paused, rotate, …), which is kept. */
export function labQuery(config: LabConfig, base = ''): string {
  const params = new URLSearchParams(base);
  for (const p of LAB_PARAMS) params.delete(p);
  params.delete('preset');
  const norm = normalise(config);
  for (const s of LAB_SETTINGS) {
    const v = norm[s.key];
    if (v !== undefined) params.set(s.param, paramText(v));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The `qres sim` flags for the same run (`npm run qres -- sim <flags>` reaches the same state hash). */
export function cliFlags(config: LabConfig): string[] {
  const norm = normalise(config);
  const flags: string[] = [];
  for (const s of LAB_SETTINGS) {
    const v = norm[s.key];
    if (v === undefined) continue;
    if (typeof v === 'boolean') flags.push(v ? `--${s.param}` : `--no-${s.param}`);
    else flags.push(`--${s.param}`, String(v));
  }
  return flags;
}
