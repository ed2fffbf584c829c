// Live mode: the page shows a real swarm from an MQTT broker (over WebSocket) in the same view.
import { expect, test } from '@playwright/test';
import { startBroker, type RunningBroker } from '../src/net/broker';
import { createMqttTransport } from '../src/net/mqttTransport';
import { topicFor } from '../src/net/topics';
import { encodeAnnounce, FLAG_EVOLVED } from '../src/net/wire';
import { openBrain } from './helpers';

let broker: RunningBroker | null = null;

test.afterAll(async () => {
  await broker?.close();
});

test('?live=ws://…&swarm=demo shows the nodes that announce themselves on the broker', async ({ page }) => {
  broker = await startBroker({ port: 0, wsPort: 0 });
  const node = createMqttTransport({ url: broker.mqttUrl });
  await node.whenConnected(10_000);
  // Five nodes announce themselves every 200 ms (node 3 Evolved), each hearing its two neighbours by id.
  const timer = setInterval(() => {
    for (let id = 1; id <= 5; id++) {
      const heard = [id - 1, id + 1].filter((j) => j >= 1 && j <= 5);
      void node.publish(topicFor('demo', 'announce', id), encodeAnnounce(id, { flags: id === 3 ? FLAG_EVOLVED : 0, round: 1, heard, banned: [] }));
    }
  }, 200);
  try {
    await openBrain(page, `?live=${encodeURIComponent(broker.wsUrl!)}&swarm=demo`);
    await page.waitForFunction(() => (window.__qres?.snapshot?.nodeCount ?? 0) === 5, null, { timeout: 120_000 });
    const info = await page.evaluate(() => window.__qres!.snapshot!);
    expect(info.evolved).toBe(1);
    expect(info.edges).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.__qres!.init!.storage)).toContain('live');
  } finally {
    clearInterval(timer);
    await node.close();
  }
});
