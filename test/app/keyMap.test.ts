import { describe, expect, it } from 'vitest';
import { actionForKey, KEY_BINDINGS } from '../../src/app/keyMap';

describe('key map', () => {
  it('binds every key of the brief', () => {
    const expected: Record<string, string> = {
      Space: 'toggleAutoRotate',
      KeyR: 'reset',
      KeyC: 'toggleCutaway',
      KeyP: 'togglePause',
      Digit1: 'speed1',
      Digit2: 'speed10',
      Digit3: 'speedMax',
      KeyS: 'screenshot',
      KeyV: 'toggleRecording',
      KeyH: 'toggleHelp',
      KeyK: 'toggleCinematic',
      KeyL: 'togglePanel',
      Escape: 'closeInspector',
      BracketLeft: 'cutNearer',
      BracketRight: 'cutFarther',
      Comma: 'seekBack',
      Period: 'seekForward',
    };
    for (const [code, action] of Object.entries(expected)) expect(actionForKey({ code })).toBe(action);
  });

  it('has one binding per code and per action (no two keys fight)', () => {
    expect(new Set(KEY_BINDINGS.map((b) => b.code)).size).toBe(KEY_BINDINGS.length);
    expect(new Set(KEY_BINDINGS.map((b) => b.action)).size).toBe(KEY_BINDINGS.length);
    for (const b of KEY_BINDINGS) expect(b.help.length).toBeGreaterThan(3);
  });

  it('numpad digits work like the row digits', () => {
    expect(actionForKey({ code: 'Numpad3' })).toBe('speedMax');
  });

  it('leaves modified and repeated keys and unknown keys alone', () => {
    expect(actionForKey({ code: 'KeyR', ctrlKey: true })).toBeNull();
    expect(actionForKey({ code: 'KeyS', metaKey: true })).toBeNull();
    expect(actionForKey({ code: 'KeyP', altKey: true })).toBeNull();
    expect(actionForKey({ code: 'KeyV', repeat: true })).toBeNull();
    expect(actionForKey({ code: 'KeyQ' })).toBeNull();
  });
});
