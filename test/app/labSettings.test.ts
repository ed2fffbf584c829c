import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cliFlags, formatValue, LAB_SETTINGS, labQuery, normalise, PRESETS, presetOf, stepValue, type LabConfig } from '../../src/app/labSettings';
import { parsePageOptions } from '../../src/app/urlParams';
import { simOverrides } from '../../src/cli/commands/sim';
import { parseArgs } from 'node:util';
import { SIM_OPTIONS } from '../../src/cli/commands/sim';
import { resolveConfig } from '../../src/sim/config';

const byKey = (key: string) => LAB_SETTINGS.find((s) => s.key === key)!;

/** Any config the panel can reach: one choice per setting. */
const labConfig = fc.record(Object.fromEntries(LAB_SETTINGS.map((s) => [s.key, fc.constantFrom(...s.choices)])), {
  requiredKeys: [],
}) as fc.Arbitrary<LabConfig>;

describe('lab settings', () => {
  it('a link written for a config parses back to the same config, keeping the other parameters', () => {
    fc.assert(
      fc.property(labConfig, (config) => {
        const query = labQuery(config, '?paused=1&rotate=0');
        const options = parsePageOptions(query);
        expect(options.problems).toEqual([]);
        expect(normalise(options.config)).toEqual(normalise(config));
        expect(options.paused).toBe(true);
        expect(options.autoRotate).toBe(false);
      }),
    );
  });

  it('the qres sim flags for a config give the CLI the same resolved config', () => {
    fc.assert(
      fc.property(labConfig, (config) => {
        const { values } = parseArgs({ args: cliFlags(config), options: SIM_OPTIONS, strict: true });
        const cli = resolveConfig(simOverrides(values));
        const page = resolveConfig(config);
        expect({ ...cli, layout: true }).toEqual(page);
      }),
    );
  });

  it('a default config has an empty link and no flags; only differences are written', () => {
    expect(labQuery({ nodes: 150, seed: 7 })).toBe('');
    expect(cliFlags({ gossip: true })).toEqual([]);
    expect(labQuery({ attack: 'alie', byzantine: 0.3, gossip: false })).toBe('?byzantine=0.3&attack=alie&gossip=0');
    expect(cliFlags({ attack: 'alie', byzantine: 0.3, gossip: false, ownDataFilter: false })).toEqual([
      '--byzantine',
      '0.3',
      '--attack',
      'alie',
      '--no-gossip',
      '--no-own-filter',
    ]);
  });

  it('steps through choices both ways, wrapping, and from an off-list value to its neighbour', () => {
    const loss = byKey('loss');
    expect(stepValue(loss, 0.02, 1)).toBe(0.1);
    expect(stepValue(loss, 0.9, 1)).toBe(0);
    expect(stepValue(loss, 0, -1)).toBe(0.9);
    expect(stepValue(loss, 0.25, 1)).toBe(0.3);
    expect(stepValue(loss, 0.25, -1)).toBe(0.1);
    expect(stepValue(byKey('gossip'), true, 1)).toBe(false);
    expect(formatValue(loss, 0.02)).toBe('2 %');
    expect(formatValue(byKey('bitrateBps'), 56000)).toBe('56 kb/s');
    expect(formatValue(byKey('secure'), true)).toBe('on');
  });

  it('every preset is a valid config, is recognised as itself, and preset=<id> in a link applies it', () => {
    for (const p of PRESETS) {
      expect(() => resolveConfig(p.config)).not.toThrow();
      expect(presetOf(p.config)?.id).toBe(p.id);
      expect(normalise(parsePageOptions(`?preset=${p.id}`).config)).toEqual(normalise(p.config));
    }
    expect(presetOf({ attack: 'alie', byzantine: 0.2 })).toBeNull();
    expect(parsePageOptions('?preset=nope').problems[0]).toMatch(/^preset: 'nope'/);
  });

  it('bad lab values name themselves and fall back, the others still apply', () => {
    const o = parsePageOptions('?attack=laser&byzantine=0.3&mtu=3&gossip=maybe');
    expect(o.config).toEqual({ byzantine: 0.3 });
    expect(o.problems).toHaveLength(3);
    expect(o.problems.join('\n')).toMatch(/attack: .*laser/);
    expect(o.problems.join('\n')).toMatch(/mtu: /);
    expect(o.problems.join('\n')).toMatch(/gossip: 'maybe' is not 1 or 0/);
    expect(parsePageOptions('?byzantine=30').config.byzantine).toBeCloseTo(0.3, 12);
  });
});
