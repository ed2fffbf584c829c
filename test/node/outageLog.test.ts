import { describe, expect, it } from 'vitest';
import { OutageLog } from '../../src/node/outageLog';

describe('OutageLog', () => {
  it('logs an outage once, then at 1, 2, 4 … 60 s, not at every attempt, and its end once', () => {
    let t = 0;
    const lines: string[] = [];
    const o = new OutageLog(
      (l) => lines.push(l),
      'mqtt://127.0.0.1:1',
      () => t,
    );
    o.connected('connected to mqtt://127.0.0.1:1');
    expect(lines).toHaveLength(1);
    // 10 minutes of attempts every 0.5 s: 1,200 failures
    for (; t <= 600_000; t += 500) o.failure('connect ECONNREFUSED');
    // reports at 0, then 1, 3, 7, 15, 31, 63, 127 s, then every 60 s up to 600 s: 1 + 7 + 8 = 16
    const reports = lines.slice(1);
    expect(reports[0]).toMatch(/unreachable \(connect ECONNREFUSED\); running and retrying/);
    expect(reports.length).toBeGreaterThanOrEqual(14);
    expect(reports.length).toBeLessThanOrEqual(17);
    expect(reports.at(-1)).toMatch(/still unreachable after \d+ s \(\d+ attempts/);
    expect(o.down).toBe(true);
    o.connected('connected to mqtt://127.0.0.1:1');
    expect(lines.at(-1)).toMatch(/after an outage of 600\.\d s \(1201 failed attempts\)/);
    expect(o.down).toBe(false);
    // a second outage starts the back-off again
    const before = lines.length;
    o.failure('connection lost');
    o.failure('connect ECONNREFUSED');
    expect(lines.length).toBe(before + 1);
    expect(o.outages).toBe(2);
  });
});
