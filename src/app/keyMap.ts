// Keyboard shortcuts of the Living Brain, in one table (the help overlay is generated from it too).
export type Action =
  | 'toggleAutoRotate'
  | 'reset'
  | 'toggleCutaway'
  | 'togglePause'
  | 'speed1'
  | 'speed10'
  | 'speedMax'
  | 'screenshot'
  | 'toggleRecording'
  | 'toggleHelp'
  | 'toggleCinematic'
  | 'togglePanel'
  | 'closeInspector'
  | 'cutNearer'
  | 'cutFarther'
  | 'seekBack'
  | 'seekForward';

export interface KeyBinding {
  /** `KeyboardEvent.code`, so layouts and Shift do not matter. */
  code: string;
  label: string;
  action: Action;
  help: string;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { code: 'Space', label: 'Space', action: 'toggleAutoRotate', help: 'auto-rotate on/off' },
  { code: 'KeyR', label: 'R', action: 'reset', help: 'reset: clear saved genes and state' },
  { code: 'KeyC', label: 'C', action: 'toggleCutaway', help: 'cutaway: cut the near half of the brain away' },
  { code: 'BracketLeft', label: '[', action: 'cutNearer', help: 'move the cut towards you (or drag its slider)' },
  { code: 'BracketRight', label: ']', action: 'cutFarther', help: 'move the cut away from you' },
  { code: 'KeyL', label: 'L', action: 'togglePanel', help: 'lab panel: scenarios and settings (Tab, Enter, ←/→)' },
  { code: 'Escape', label: 'Esc', action: 'closeInspector', help: 'close the node inspector' },
  { code: 'Comma', label: ',', action: 'seekBack', help: 'timeline: 10 s back (replays from the seed)' },
  { code: 'Period', label: '.', action: 'seekForward', help: 'timeline: 10 s forward' },
  { code: 'KeyP', label: 'P', action: 'togglePause', help: 'pause / resume the simulation' },
  { code: 'Digit1', label: '1', action: 'speed1', help: 'speed 1× (real time)' },
  { code: 'Digit2', label: '2', action: 'speed10', help: 'speed 10×' },
  { code: 'Digit3', label: '3', action: 'speedMax', help: 'speed max' },
  { code: 'KeyS', label: 'S', action: 'screenshot', help: 'save a PNG screenshot' },
  { code: 'KeyV', label: 'V', action: 'toggleRecording', help: 'start / stop recording a WebM video' },
  { code: 'KeyK', label: 'K', action: 'toggleCinematic', help: 'cinematic: camera path + recording' },
  { code: 'KeyH', label: 'H', action: 'toggleHelp', help: 'this help' },
];

const BY_CODE = new Map(KEY_BINDINGS.map((b) => [b.code, b.action]));
const NUMPAD: Record<string, string> = { Numpad1: 'Digit1', Numpad2: 'Digit2', Numpad3: 'Digit3' };

export interface KeyPress {
  code: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  repeat?: boolean;
}

/** The action for a key press, or null (modified keys are left to the browser: Ctrl+R must still reload). */
export function actionForKey(event: KeyPress): Action | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return null;
  return BY_CODE.get(NUMPAD[event.code] ?? event.code) ?? null;
}

/** Mouse controls, listed in the help overlay after the keys. */
export const MOUSE_HELP: readonly [string, string][] = [
  ['left-drag', 'orbit (one finger on a touch screen)'],
  ['right-drag', 'pan'],
  ['wheel', 'zoom (pinch on a touch screen)'],
  ['click a node', 'inspect it'],
  ['timeline', 'click or drag to replay to any moment'],
];
