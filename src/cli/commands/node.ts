// `qres node`: one real QRES node on a real clock, talking MQTT (src/node/runtime.ts).
import { numberFlag, UsageError, type Command, type Values } from '../command';
import { parseIdList, resolveNodeConfig, NodeConfigError, type NodeConfig } from '../../node/config';
import { NodeStartupError, startNodeDaemon, type NodeDaemon } from '../../node/runtime';
import { activeMembers } from '../../core/identity/roster';
import { KeyFileError, loadNodeIdentity, type NodeIdentity } from '../../net/keyFiles';
import { RADIO_NAMES } from '../../core/energy/profiles';
import { radioOf } from '../radioFlag';

const USAGE = `usage: npm run qres -- node --swarm NAME --id N [flags]

Runs one real node: samples its sensor every tick, runs the neuron and regime detector, asks for and checks
cures, takes part in consensus rounds (trimmed mean + reputation), saves its gene, and serves
GET /status and GET /health on 127.0.0.1. Stops cleanly on SIGINT/SIGTERM within 2 s (gene saved, offline
status sent, broker disconnected). Any startup error (storage, HTTP port, broker URL, key files, a broker that
refuses the login) exits with code 1 and one line, before the node joins the swarm.

  --swarm NAME        swarm name (topics qres/NAME/...; default demo, or the roster's with --keys)
  --id N              node id, 0..65535 (required)
  --keys DIR          the swarm's key directory (qres keys): DIR/roster.json and DIR/nodes/<id>.key. The node
                      logs in to the broker as itself, signs everything it sends, and acts only on messages
                      signed by the roster member the topic names, fresh. Without it the node is
                      unauthenticated (it says so at start): anyone who reaches the broker can speak for it.
  --broker URL        MQTT broker (default mqtt://127.0.0.1:1883; Mosquitto/EMQX: mqtt://host:1883)
  --sensor SPEC       'sine' (the sim's field with a passing storm zone) or a CSV file (default sine)
  --storage DIR       gene storage directory (default swarms_memory/<swarm>)
  --no-storage        keep nothing on disk
  --http-port P       status port on 127.0.0.1 (default 0: any free port; printed at start)
  --tick-ms MS        wall-clock ms per sample; device time is 100 ms per sample (default 100 = real time)
  --round-s S         consensus round in device seconds (default 10)
  --epoch MS          the swarm's epoch, Unix ms: ticks and rounds count from it (default 2026-01-01 UTC;
                      every node of a swarm must use the same one)
  --peers LIST        the node ids it listens to, e.g. 1-20,25 (default: the roster's active members with
                      --keys, else 1-32); anyone else is ignored
  --aggregator NAME   robust aggregator, as qres sim: mean, median, trimmed-mean, krum, multi-krum, bulyan,
                      reputation-trimmed-mean, clipped-gossip (default trimmed-mean)
  --no-own-filter     keep neighbour models that predict this node's data > 2x worse than its own, as qres sim
  --attack NAME       run as an attacker: sign-flip, gaussian, bias, alie, ipm, mimic, sybil, adaptive (default none)
  --coalition LIST    an attacker's fellow attackers (not among the honest models it observes)
  --no-poison         an attacker does not answer cure requests with poisoned genes (consensus-only)
  --prefetch          ask about a storm seen coming (PreStorm) at its onset, as qres sim --prefetch (off by
                      default; --no-prefetch, the default, is accepted)
  --secure            cure replies carry a gene commitment and transition proof(s), verified before install,
                      as qres sim --secure (every node of the swarm must use it; an attacker forges its proofs)
  --radio NAME        /status adds the node's bytes and radio energy per day (TX / RX / listen / sleep, mW) and
                      battery life on 2 × AA, as if its messages went over that radio: ${RADIO_NAMES.join(', ')}
                      (docs/ENERGY.md)
  --chatty            the old fixed-round consensus: broadcast the model every round and listen all the time
                      (default: the silent swarm, which speaks only with news and sleeps its radio between
                      scheduled listen windows; every node of a swarm must agree)
  --scenario NAME     storm (the sine field's passing storm zone, default) or calm (no zone)
  --attacker-speech P an attacker in a silent swarm: rules (default), always, once, opportunist
  --seed N            seed of the node's random streams (default 7)
  --init-jitter X     std of a fresh node's consensus prior around its own gene (default 0.1)`;

export const NODE_OPTIONS = {
  swarm: { type: 'string' },
  id: { type: 'string' },
  keys: { type: 'string' },
  broker: { type: 'string' },
  sensor: { type: 'string' },
  storage: { type: 'string' },
  'no-storage': { type: 'boolean' },
  'http-port': { type: 'string' },
  'tick-ms': { type: 'string' },
  'round-s': { type: 'string' },
  epoch: { type: 'string' },
  attack: { type: 'string' },
  peers: { type: 'string' },
  aggregator: { type: 'string' },
  'no-own-filter': { type: 'boolean' },
  coalition: { type: 'string' },
  'no-poison': { type: 'boolean' },
  prefetch: { type: 'boolean' },
  'no-prefetch': { type: 'boolean' },
  secure: { type: 'boolean' },
  chatty: { type: 'boolean' },
  scenario: { type: 'string' },
  'attacker-speech': { type: 'string' },
  seed: { type: 'string' },
  'init-jitter': { type: 'string' },
  radio: { type: 'string' },
} as const;

/** `defaults`: what a key directory implies (the roster's swarm and active members) when the flags are absent. */
export function nodeConfigFrom(values: Values, defaults: { swarm?: string; peers?: number[] } = {}): NodeConfig {
  const id = numberFlag(values, 'id');
  if (id === undefined) throw new UsageError('--id is required');
  const jitter = numberFlag(values, 'init-jitter');
  try {
    return resolveNodeConfig({
      swarm: typeof values.swarm === 'string' ? values.swarm : (defaults.swarm ?? 'demo'),
      id,
      seed: numberFlag(values, 'seed'),
      tickMs: numberFlag(values, 'tick-ms'),
      roundS: numberFlag(values, 'round-s'),
      epochMs: numberFlag(values, 'epoch'),
      attack: typeof values.attack === 'string' ? values.attack : undefined,
      initJitterQ16: jitter === undefined ? undefined : Math.round(jitter * 65536),
      peers: typeof values.peers === 'string' ? parseIdList(values.peers) : defaults.peers,
      aggregator: typeof values.aggregator === 'string' ? values.aggregator : undefined,
      ownDataFilter: values['no-own-filter'] ? false : undefined,
      coalition: typeof values.coalition === 'string' ? parseIdList(values.coalition) : undefined,
      poisonCures: values['no-poison'] ? false : undefined,
      prefetch: values.prefetch === true && !values['no-prefetch'] ? true : undefined,
      secure: values.secure ? true : undefined,
      chatty: values.chatty ? true : undefined,
      scenario: typeof values.scenario === 'string' ? values.scenario : undefined,
      attackerSpeech: typeof values['attacker-speech'] === 'string' ? values['attacker-speech'] : undefined,
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
    // Keys first: the roster names the swarm and the default peers. A missing or wrong key file is a startup error.
    let identity: NodeIdentity | null = null;
    const id = numberFlag(values, 'id');
    const fail = (message: string): number => {
      process.stderr.write(`qres node${id === undefined ? '' : ` ${id}`}: cannot start: ${message}\n`);
      // Nothing must keep a node that failed to start alive (a library handle, a half-open socket).
      setTimeout(() => process.exit(1), 200).unref();
      return 1;
    };
    if (typeof values.keys === 'string') {
      if (id === undefined) throw new UsageError('--id is required');
      try {
        const swarm = typeof values.swarm === 'string' ? values.swarm : undefined;
        identity = loadNodeIdentity(values.keys, id, swarm);
      } catch (err) {
        if (err instanceof KeyFileError) return fail(err.message);
        throw err;
      }
    }
    const config = nodeConfigFrom(values, identity ? { swarm: identity.roster.swarm, peers: activeMembers(identity.roster).map((e) => e.id) } : {});
    const radio = radioOf(values);
    const httpPort = numberFlag(values, 'http-port') ?? 0;
    if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) throw new UsageError(`--http-port ${httpPort} is not a port`);
    const storageDir = values['no-storage'] ? null : typeof values.storage === 'string' ? values.storage : `swarms_memory/${config.swarm}`;
    const log = (line: string): void => void process.stderr.write(`[node ${config.id}] ${line}\n`);
    let fatal: ((message: string) => void) | null = null;
    let daemon: NodeDaemon;
    try {
      daemon = await startNodeDaemon({
        config,
        brokerUrl: typeof values.broker === 'string' ? values.broker : 'mqtt://127.0.0.1:1883',
        sensor: typeof values.sensor === 'string' ? values.sensor : 'sine',
        storageDir,
        httpPort,
        identity,
        radio,
        log,
        onFatal: (message) => fatal?.(message),
      });
    } catch (err) {
      if (err instanceof NodeStartupError) return fail(err.message);
      if (err instanceof Error && ((err as NodeJS.ErrnoException).code !== undefined || err.name === 'StorageError')) return fail(err.message);
      throw err;
    }
    if (!identity)
      log('WARNING: unauthenticated (no --keys): this node signs nothing and believes any client that can reach the broker; see docs/REAL_SWARM.md');
    const role = config.attack === 'none' ? '' : `, attacker (${config.attack})`;
    const keyed = identity ? ', authenticated' : ', UNAUTHENTICATED';
    process.stdout.write(`qres node ${config.id} (swarm ${config.swarm}${role}${keyed}): status at ${daemon.httpUrl}/status\n`);
    const code = await new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (why: string, exitCode: number): void => {
        if (stopping) {
          log(`${why} again: exiting now`);
          process.exit(exitCode || 1);
        }
        stopping = true;
        log(why);
        // The whole stop is bounded: a save or a broker that hangs must not keep a signalled node alive.
        const deadline = setTimeout(() => {
          log('stop did not finish within 1.8 s; exiting');
          process.exit(exitCode);
        }, 1800);
        deadline.unref();
        daemon.stop().then(
          () => resolve(exitCode),
          (err: unknown) => {
            log(`stop failed: ${(err as Error).message}`);
            resolve(exitCode || 1);
          },
        );
      };
      fatal = (message) => stop(`${message}; stopping`, 1);
      process.once('SIGINT', () => stop('SIGINT: saving and leaving', 0));
      process.once('SIGTERM', () => stop('SIGTERM: saving and leaving', 0));
    });
    // A library handle left open must not keep a stopped node alive.
    setTimeout(() => process.exit(code), 150).unref();
    return code;
  },
};
