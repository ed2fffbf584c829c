// `qres broker`: the embedded MQTT broker (aedes) on 127.0.0.1, TCP and WebSocket, until SIGINT/SIGTERM.
import { numberFlag, UsageError, type Command } from '../command';
import { startBroker, type BrokerAuth } from '../../net/broker';
import { activeMembers } from '../../core/identity/roster';
import { KeyFileError, loadBrokerAuth } from '../../net/keyFiles';

const USAGE = `usage: npm run qres -- broker [--port 1883] [--ws-port 8883] [--keys DIR]

Starts an MQTT broker in this process on 127.0.0.1 (MQTT 3.1.1 over TCP, and over WebSocket for the
browser's live view) and prints its URLs. Stops on Ctrl-C. For production use Mosquitto (or EMQX) and start
nodes with --broker mqtt://host:1883.

  --port P       TCP port (default 1883; 0 = any free port)
  --ws-port P    WebSocket port (default 8883; 0 = any free port)
  --no-ws        no WebSocket listener
  --keys DIR     enforce the swarm's logins and ACL from DIR/roster.json and DIR/viewer.json (qres keys):
                 only roster members (username = id, password derived from its key) and the read-only
                 viewer may connect, and node N may publish only topics that name N as sender. Without it
                 anyone may connect and publish anything.`;

function port(value: number | undefined, fallback: number, name: string): number {
  const p = value ?? fallback;
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UsageError(`--${name} ${p} is not a port`);
  return p;
}

export const brokerCommand: Command = {
  name: 'broker',
  summary: 'run the embedded MQTT broker (TCP + WebSocket) on 127.0.0.1',
  usage: USAGE,
  options: { port: { type: 'string' }, 'ws-port': { type: 'string' }, 'no-ws': { type: 'boolean' }, keys: { type: 'string' } },
  async run(values) {
    const fail = (message: string): number => {
      process.stderr.write(`qres broker: cannot start: ${message}\n`);
      setTimeout(() => process.exit(1), 200).unref();
      return 1;
    };
    let auth: BrokerAuth | undefined;
    if (typeof values.keys === 'string') {
      try {
        auth = loadBrokerAuth(values.keys);
      } catch (err) {
        if (err instanceof KeyFileError) return fail(err.message);
        throw err;
      }
    }
    const tcpPort = port(numberFlag(values, 'port'), 1883, 'port');
    const wsPort = values['no-ws'] ? null : port(numberFlag(values, 'ws-port'), 8883, 'ws-port');
    let broker: Awaited<ReturnType<typeof startBroker>>;
    try {
      broker = await startBroker({ port: tcpPort, wsPort, auth });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') return fail(`a port (${tcpPort}${wsPort === null ? '' : ` or ${wsPort}`}) is already in use on 127.0.0.1`);
      if (typeof code === 'string') return fail(`${(err as Error).message}`);
      throw err;
    }
    process.stdout.write(`qres broker: ${broker.mqttUrl} (MQTT over TCP)${broker.wsUrl ? `, ${broker.wsUrl} (MQTT over WebSocket)` : ''}\n`);
    const swarm = auth?.roster.swarm ?? 'demo';
    if (auth) {
      process.stdout.write(
        `qres broker: logins and ACL of swarm ${swarm} (${activeMembers(auth.roster).length} active nodes${auth.viewerPassword ? ', read-only viewer' : ''}); anonymous clients are refused\n`,
      );
    } else process.stdout.write('qres broker: WARNING: no --keys: anyone may connect and publish as any node\n');
    if (broker.wsUrl)
      process.stdout.write(
        `live view: open the app with ?live=${broker.wsUrl}&swarm=${swarm}${auth ? '&user=viewer&pass=<the password in viewer.json>' : ''}\n`,
      );
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
