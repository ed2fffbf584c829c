import { describe, expect, it } from 'vitest';
import { createNodeStats, mqttPublishBytes } from '../../src/node/stats';

describe('node stats', () => {
  it('counts MQTT PUBLISH bytes exactly (fixed header, varint length, topic, v5 properties)', () => {
    // 1 + 1 (remaining 2 + 5 + 40 = 47) = 49
    expect(mqttPublishBytes('qres/', 40, 4)).toBe(49);
    expect(mqttPublishBytes('qres/', 40, 5)).toBe(50);
    // remaining = 2 + 1 + 200 = 203 ≥ 128: two length bytes
    expect(mqttPublishBytes('t', 200, 4)).toBe(1 + 2 + 203);
    expect(createNodeStats().bytesSent).toBe(0);
  });
});
