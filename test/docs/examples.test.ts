import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSim } from '../../src/sim/runner';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('documented example output matches the code', () => {
  it('the state hash printed by `npm run qres -- sim --seconds 60` in README.md and ARCHITECTURE.md', () => {
    const sim = createSim({}); // the CLI's defaults: 150 nodes, seed 7
    sim.step(600);
    const hash = sim.stateHash();
    expect(read('README.md')).toMatch(new RegExp(`state hash\\s+${hash}`));
    expect(read('docs/ARCHITECTURE.md')).toContain(`\`npm run qres -- sim --seconds 60\` printed \`${hash}\``);
  });
});
