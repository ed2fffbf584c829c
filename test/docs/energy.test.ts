import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phyAirtime } from '../../src/core/energy/airtime';
import { BATTERY_2AA, batteryBudget, batteryJoules } from '../../src/core/energy/energy';
import { PROFILES, radioProfile } from '../../src/core/energy/profiles';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'ENERGY.md'), 'utf8');
const row = (name: string): string => {
  const line = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
  if (!line) throw new Error(`docs/ENERGY.md has no profile row for ${name}`);
  return line;
};
const ua = (ma: number): string => (ma === 0 ? '0' : `${Math.round(ma * 1e4) / 10} µA`);

describe('docs/ENERGY.md matches the code', () => {
  it('the profile table has every profile with its supply, TX, RX, listen and sleep figures', () => {
    for (const p of PROFILES) {
      const cells = row(p.name)
        .split('|')
        .map((c) => c.trim());
      expect(cells[3], p.name).toBe(`${p.supplyV} V`);
      expect(cells[4], p.name).toBe(`${p.txMa} mA`);
      expect(cells[5], p.name).toBe(`${p.rxMa} mA`);
      expect(cells[6], p.name).toBe(`${p.listenMa} mA`);
      expect(cells[7], p.name).toBe(ua(p.sleepMa));
      expect(cells[8], p.name).toBe(p.mcuSleepMa === 0 ? '(in sleep)' : ua(p.mcuSleepMa));
    }
  });
  it('the worked airtimes and the battery figures are the code’s', () => {
    const ms = (name: string, bytes: number) => (phyAirtime(radioProfile(name).phy, bytes) * 1000).toFixed(3);
    expect(doc).toContain(`**${ms('lora-sf7', 10)} ms**`);
    expect(doc).toContain(`**${ms('lora-sf12', 10)} ms**`);
    expect(doc).toContain(`${ms('lora-sf7', 51)} ms at SF7, ${Number(ms('lora-sf12', 51)).toLocaleString('en-US', { minimumFractionDigits: 3 })} ms at SF12`);
    expect(doc).toContain(`**${batteryJoules(BATTERY_2AA).toLocaleString('en-US')} J**`);
    expect(doc).toContain(`**${batteryBudget(5).toFixed(2)} J a day**`);
    expect(doc).toContain(`**${BATTERY_2AA.capacityMah.toLocaleString('en-US')} mAh a cell**`);
  });
});
