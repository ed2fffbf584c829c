import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_PAGE_NODES, parsePageOptions } from '../../src/app/urlParams';
import { resolveConfig } from '../../src/sim/config';

describe('parsePageOptions', () => {
  it('no parameters: defaults, running at 1×, auto-rotating, no problems', () => {
    expect(parsePageOptions('')).toEqual({
      config: {},
      speed: 1,
      paused: false,
      cinematic: false,
      autoRotate: true,
      radio: 'lora-sf7',
      lab: true,
      problems: [],
    });
  });

  it('reads every documented parameter', () => {
    const o = parsePageOptions('?nodes=1000&seed=42&speed=10&paused=1&loss=0.2&cinematic=1&rotate=0');
    expect(o.config).toEqual({ nodes: 1000, seed: 42, loss: 0.2 });
    expect(o.speed).toBe(10);
    expect(o.paused).toBe(true);
    expect(o.cinematic).toBe(true);
    expect(o.autoRotate).toBe(false);
    expect(o.problems).toEqual([]);
  });

  it('radio picks the HUD radio profile; a bad name is a problem and falls back to lora-sf7', () => {
    expect(parsePageOptions('radio=ble').radio).toBe('ble');
    const bad = parsePageOptions('radio=lora');
    expect(bad.radio).toBe('lora-sf7');
    expect(bad.problems).toEqual(["radio: 'lora' is not one of lora-sf7, lora-sf12, ieee802154, ble, wifi-twt; using lora-sf7"]);
  });

  it('speed accepts 1, 10, max (and 10x / MAX)', () => {
    expect(parsePageOptions('speed=max').speed).toBe(0);
    expect(parsePageOptions('speed=MAX').speed).toBe(0);
    expect(parsePageOptions('speed=10x').speed).toBe(10);
    expect(parsePageOptions('speed=1').speed).toBe(1);
  });

  it('loss above 1 is read as a percentage', () => {
    expect(parsePageOptions('loss=20').config.loss).toBeCloseTo(0.2, 12);
    expect(parsePageOptions('loss=0').config.loss).toBe(0);
  });

  it.each([
    ['nodes=abc', 'nodes'],
    ['nodes=0', 'nodes'],
    ['nodes=1.5', 'nodes'],
    ['nodes=-3', 'nodes'],
    [`nodes=${MAX_PAGE_NODES + 1}`, 'nodes'],
    ['seed=x', 'seed'],
    ['seed=4294967296', 'seed'],
    ['loss=1.5e3', 'loss'],
    ['loss=-0.1', 'loss'],
    ['loss=', 'loss'],
    ['speed=3', 'speed'],
    ['paused=maybe', 'paused'],
    ['cinematic=2', 'cinematic'],
  ])('%s is reported and falls back to the default', (query, field) => {
    const o = parsePageOptions(query);
    expect(o.problems).toHaveLength(1);
    expect(o.problems[0].startsWith(`${field}:`)).toBe(true);
    expect(o.config).toEqual({});
  });

  it('a bad value does not spoil the good ones', () => {
    const o = parsePageOptions('?nodes=oops&seed=9&speed=nope&paused=1');
    expect(o.config).toEqual({ seed: 9 });
    expect(o.speed).toBe(1);
    expect(o.paused).toBe(true);
    expect(o.problems).toHaveLength(2);
  });

  it('never throws and always yields a config the simulation accepts, for any query string', () => {
    fc.assert(
      fc.property(
        fc.record({
          nodes: fc.oneof(fc.string(), fc.integer().map(String)),
          seed: fc.oneof(fc.string(), fc.nat().map(String)),
          loss: fc.oneof(fc.string(), fc.double().map(String)),
          speed: fc.string(),
          paused: fc.string(),
        }),
        (params) => {
          const o = parsePageOptions(new URLSearchParams(params).toString());
          expect(() => resolveConfig(o.config)).not.toThrow();
          expect([0, 1, 10]).toContain(o.speed);
        },
      ),
    );
  });
});

describe('parsePageOptions and prototype keys', () => {
  it('treats __proto__, constructor and toString as invalid values, not as table entries', async () => {
    const { parsePageOptions } = await import('../../src/app/urlParams');
    for (const bad of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const o = parsePageOptions(`?speed=${bad}&paused=${bad}&cinematic=${bad}`);
      expect(o.speed).toBe(1);
      expect(o.paused).toBe(false);
      expect(o.cinematic).toBe(false);
      expect(o.problems.length).toBeGreaterThanOrEqual(3);
    }
  });
});
