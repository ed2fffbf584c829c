// `qres broker`: the embedded MQTT broker (aedes) on 127.0.0.1, TCP and WebSocket, until SIGINT/SIGTERM.
import { numberFlag, UsageError, type Command } from '../command';
import { startBroker } from '../../net/broker';

const USAGE = `usage: npm run qres -- broker [--port 1883] [--ws-port 8883]

Starts an MQTT broker in this process on 127.0.0.1 (MQTT 3.1.1 over TCP, and over WebSocket for the
browser's live view) and prints its URLs. Stops on Ctrl-C. For production use Mosquitto (or EMQX) and start
nodes with --broker mqtt://host:1883.

  --port P       TCP port (default 1883; 0 = any free port)
  --ws-port P    WebSocket port (default 8883; 0 = any free port)
  --no-ws        no WebSocket listener`;

function port(value: number | undefined, fallback: number, name: string): number {
  const p = value ?? fallback;
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UsageError(`--${name} ${p} is not a port`);
  return p;
}

export const brokerCommand: Command = {
  name: 'broker',
  summary: 'run the embedded MQTT broker (TCP + WebSocket) on 127.0.0.1',
  usage: USAGE,
  options: { port: { type: 'string' }, 'ws-port': { type: 'string' }, 'no-ws': { type: 'boolean' } },
  async run(values) {
    const broker = await startBroker({
      port: port(numberFlag(values, 'port'), 1883, 'port'),
      wsPort: values['no-ws'] ? null : port(numberFlag(values, 'ws-port'), 8883, 'ws-port'),
    });
    process.stdout.write(`qres broker: ${broker.mqttUrl} (MQTT over TCP)${broker.wsUrl ? `, ${broker.wsUrl} (MQTT over WebSocket)` : ''}\n`);
    if (broker.wsUrl) process.stdout.write(`live view: open the app with ?live=${broker.wsUrl}&swarm=demo\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await broker.close();
    process.stdout.write('qres broker: stopped\n');
    setTimeout(() => process.exit(0), 1000).unref();
    return 0;
  },
};
