import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as q16 from '../../src/core/fixed/q16';
import { createCsvSensor, createSensor, createSineSensor, parseSensorCsv, SensorFileError } from '../../src/node/sensor';

describe('sensors', () => {
  it('sine: deterministic per (id, seed, tick), in range, and every node is swept by the zone once per orbit', () => {
    const a = createSineSensor(3, 7);
    const b = createSineSensor(3, 7);
    for (let t = 0; t < 50; t++) expect(a.read(t)).toEqual(b.read(t));
    for (const id of [1, 2, 5, 11]) {
      const s = createSineSensor(id, 7);
      let exposed = 0;
      let peak = 0;
      for (let t = 0; t < 630; t++) {
        const r = s.read(t);
        expect(Math.abs(r.value)).toBeLessThan(4 * q16.ONE);
        if (r.exposure > 0) exposed++;
        peak = Math.max(peak, r.exposure);
      }
      expect(exposed).toBeGreaterThan(100);
      expect(exposed).toBeLessThan(500);
      expect(peak).toBeGreaterThan(q16.fromFloat(0.8));
    }
  });

  it('csv: first numeric field per line, header skipped, replayed in a loop', () => {
    expect(Array.from(parseSensorCsv('temp,x\n1.5,9\n\n-2;3\nabc\n0.25\n'))).toEqual([q16.fromFloat(1.5), q16.fromFloat(-2), q16.fromFloat(0.25)]);
    const dir = mkdtempSync(join(tmpdir(), 'qres-sensor-'));
    const path = join(dir, 's.csv');
    writeFileSync(path, 'v\n1\n2\n3\n');
    const s = createCsvSensor(path);
    expect([0, 1, 2, 3].map((t) => q16.toFloat(s.read(t).value))).toEqual([1, 2, 3, 1]);
    expect(createSensor(path, 1, 1).kind).toBe(`csv:${path}`);
    writeFileSync(path, 'nothing here\n');
    expect(() => createCsvSensor(path)).toThrow(SensorFileError);
    expect(() => createCsvSensor(join(dir, 'missing.csv'))).toThrow(SensorFileError);
  });
});
