import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { brokerCommand } from '../../../src/cli/commands/broker';
import { UsageError } from '../../../src/cli/command';
import { spawnQres } from '../../../src/node/launcher';

describe('qres broker', () => {
  it('prints its TCP and WebSocket URLs, serves both, and stops cleanly on SIGINT', async () => {
    const proc = spawnQres(['broker', '--port', '0', '--ws-port', '0'], /(mqtt:\/\/\S+) .*?(ws:\/\/127\.0\.0\.1:\d+)/);
    try {
      await proc.ready;
      const text = proc.output.join('');
      const tcpUrl = /(mqtt:\/\/127\.0\.0\.1:\d+)/.exec(text)![1]!;
      const wsUrl = /(ws:\/\/127\.0\.0\.1:\d+)/.exec(text)![1]!;
      const tcp = await mqtt.connectAsync(tcpUrl, { protocolVersion: 4, reconnectPeriod: 0 });
      const ws = await mqtt.connectAsync(wsUrl, { protocolVersion: 4, reconnectPeriod: 0 });
      const got = new Promise<string>((resolve) => ws.on('message', (_t, m) => resolve(m.toString())));
      await ws.subscribeAsync('x/#');
      await tcp.publishAsync('x/y', 'hello');
      expect(await got).toBe('hello');
      await tcp.endAsync();
      await ws.endAsync();
      proc.child.kill('SIGINT');
      expect(await proc.exited).toBe(0);
      expect(proc.output.join('')).toContain('qres broker: stopped');
    } finally {
      await proc.stop(2000);
    }
  }, 30_000);

  it('rejects a port that is not one', async () => {
    await expect(brokerCommand.run({ port: '70000' }, [])).rejects.toBeInstanceOf(UsageError);
  });
});
