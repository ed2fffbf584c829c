// `qres node`: one real QRES node on a real clock, talking MQTT (src/node/runtime.ts).
import { numberFlag, UsageError, type Command, type Values } from '../command';
import { parseIdList, resolveNodeConfig, NodeConfigError, type NodeConfig } from '../../node/config';
import { startNodeDaemon } from '../../node/runtime';

const USAGE = `usage: npm run qres -- node --swarm NAME --id N [flags]

Runs one real node: samples its sensor every tick, runs the neuron and regime detector, asks for and checks
cures, takes part in consensus rounds (trimmed mean + reputation), saves its gene, and serves
GET /status and GET /health on 127.0.0.1. Stops cleanly on SIGINT/SIGTERM (gene saved, offline status sent).

  --swarm NAME        swarm name (topics qres/NAME/...; default demo)
  --id N              node id, 0..65535 (required)
  --broker URL        MQTT broker (default mqtt://127.0.0.1:1883; Mosquitto/EMQX: mqtt://host:1883)
  --sensor SPEC       'sine' (the sim's field with a passing storm zone) or a CSV file (default sine)
  --storage DIR       gene storage directory (default swarms_memory/<swarm>)
  --no-storage        keep nothing on disk
  --http-port P       status port on 127.0.0.1 (default 0: any free port; printed at start)
  --tick-ms MS        wall-clock ms per sample; device time is 100 ms per sample (default 100 = real time)
  --round-s S         consensus round in device seconds (default 10)
  --peers LIST        the node ids it listens to, e.g. 1-20,25 (default 1-32); anyone else is ignored
  --aggregator NAME   robust aggregator, as qres sim: mean, median, trimmed-mean, krum, multi-krum, bulyan,
                      reputation-trimmed-mean (default trimmed-mean)
  --no-own-filter     keep neighbour models that predict this node's data > 2x worse than its own, as qres sim
  --attack NAME       run as an attacker: sign-flip, gaussian, bias, alie, ipm, mimic, sybil (default none)
  --coalition LIST    an attacker's fellow attackers (not among the honest models it observes)
  --no-poison         an attacker does not answer cure requests with poisoned genes (consensus-only)
  --seed N            seed of the node's random streams (default 7)
  --init-jitter X     std of a fresh node's consensus prior around its own gene (default 0.1)`;

export const NODE_OPTIONS = {
  swarm: { type: 'string' },
  id: { type: 'string' },
  broker: { type: 'string' },
  sensor: { type: 'string' },
  storage: { type: 'string' },
  'no-storage': { type: 'boolean' },
  'http-port': { type: 'string' },
  'tick-ms': { type: 'string' },
  'round-s': { type: 'string' },
  attack: { type: 'string' },
  peers: { type: 'string' },
  aggregator: { type: 'string' },
  'no-own-filter': { type: 'boolean' },
  coalition: { type: 'string' },
  'no-poison': { type: 'boolean' },
  seed: { type: 'string' },
  'init-jitter': { type: 'string' },
} as const;

export function nodeConfigFrom(values: Values): NodeConfig {
  const id = numberFlag(values, 'id');
  if (id === undefined) throw new UsageError('--id is required');
  const jitter = numberFlag(values, 'init-jitter');
  try {
    return resolveNodeConfig({
      swarm: typeof values.swarm === 'string' ? values.swarm : 'demo',
      id,
      seed: numberFlag(values, 'seed'),
      tickMs: numberFlag(values, 'tick-ms'),
      roundS: numberFlag(values, 'round-s'),
      attack: typeof values.attack === 'string' ? values.attack : undefined,
      initJitterQ16: jitter === undefined ? undefined : Math.round(jitter * 65536),
      peers: typeof values.peers === 'string' ? parseIdList(values.peers) : undefined,
      aggregator: typeof values.aggregator === 'string' ? values.aggregator : undefined,
      ownDataFilter: values['no-own-filter'] ? false : undefined,
      coalition: typeof values.coalition === 'string' ? parseIdList(values.coalition) : undefined,
      poisonCures: values['no-poison'] ? false : undefined,
    });
  } catch (err) {
    if (err instanceof NodeConfigError) throw new UsageError(err.problems.join('; '));
    throw err;
  }
}

export const nodeCommand: Command = {
  name: 'node',
  summary: 'run one real node over MQTT (status on HTTP)',
  usage: USAGE,
  options: NODE_OPTIONS,
  async run(values) {
    const config = nodeConfigFrom(values);
    const httpPort = numberFlag(values, 'http-port') ?? 0;
    if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) throw new UsageError(`--http-port ${httpPort} is not a port`);
    const storageDir = values['no-storage'] ? null : typeof values.storage === 'string' ? values.storage : `swarms_memory/${config.swarm}`;
    const log = (line: string): void => void process.stderr.write(`[node ${config.id}] ${line}\n`);
    const daemon = await startNodeDaemon({
      config,
      brokerUrl: typeof values.broker === 'string' ? values.broker : 'mqtt://127.0.0.1:1883',
      sensor: typeof values.sensor === 'string' ? values.sensor : 'sine',
      storageDir,
      httpPort,
      log,
    });
    const role = config.attack === 'none' ? '' : `, attacker (${config.attack})`;
    process.stdout.write(`qres node ${config.id} (swarm ${config.swarm}${role}): status at ${daemon.httpUrl}/status\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        log(`${signal}: saving and leaving`);
        daemon.stop().then(resolve, (err: unknown) => {
          log(`stop failed: ${(err as Error).message}`);
          resolve();
        });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    // A library handle left open must not keep a stopped node alive.
    setTimeout(() => process.exit(0), 1000).unref();
    return 0;
  },
};
