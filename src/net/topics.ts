// MQTT topics of a swarm. Every node publishes on topics named after itself (the receiver checks that the
// topic's node id equals the sender id in the payload header, so a client cannot speak for another node
// without also lying in two places; a production broker adds per-client ACLs on top):
//
//   qres/<swarm>/announce/<id>    heartbeat: regime, evolved, who it heard, whom it banned (QoS 0)
//   qres/<swarm>/status/<id>      online / offline, retained; the last will publishes "offline"
//   qres/<swarm>/request/<id>     a Storm node asks for a cure (QoS 0)
//   qres/<swarm>/reply/<to>       an Evolved node answers the requester `to` with its gene (QoS 0)
//   qres/<swarm>/consensus/<id>   a node's consensus vector for one round (QoS 0)
//   qres/<swarm>/summary          the swarm's consensus as a 34-byte summary gene, retained (joiners sync)

export const TOPIC_ROOT = 'qres';
export const MAX_NODE_ID = 0xffff;
const SWARM_NAME = /^[A-Za-z0-9_-]{1,32}$/;

export type TopicKind = 'announce' | 'status' | 'request' | 'reply' | 'consensus' | 'summary';
const PER_NODE: readonly TopicKind[] = ['announce', 'status', 'request', 'reply', 'consensus'];

/** A swarm name or node id that cannot be part of a topic. */
export class TopicNameError extends RangeError {
  override readonly name = 'TopicNameError';
}

export function checkSwarmName(swarm: string): string {
  if (!SWARM_NAME.test(swarm)) throw new TopicNameError(`swarm name must match ${SWARM_NAME}, got ${JSON.stringify(swarm)}`);
  return swarm;
}

export function isNodeId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= MAX_NODE_ID;
}

export function checkNodeId(id: number): number {
  if (!isNodeId(id)) throw new TopicNameError(`node id must be an integer in [0, ${MAX_NODE_ID}], got ${id}`);
  return id;
}

/** The topic of `kind` for node `id` (the summary topic takes no id). */
export function topicFor(swarm: string, kind: TopicKind, id?: number): string {
  checkSwarmName(swarm);
  if (kind === 'summary') return `${TOPIC_ROOT}/${swarm}/summary`;
  return `${TOPIC_ROOT}/${swarm}/${kind}/${checkNodeId(id ?? -1)}`;
}

/** Filter for every node's topic of one kind, e.g. qres/demo/consensus/+. */
export function allOf(swarm: string, kind: Exclude<TopicKind, 'summary'>): string {
  return `${TOPIC_ROOT}/${checkSwarmName(swarm)}/${kind}/+`;
}

/** Filter for everything in a swarm. */
export function swarmFilter(swarm: string): string {
  return `${TOPIC_ROOT}/${checkSwarmName(swarm)}/#`;
}

export interface ParsedTopic {
  kind: TopicKind;
  /** The node the topic is named after (the sender, or for `reply` the addressee); -1 for the summary. */
  node: number;
}

/** Parses a topic of this swarm; null for anything else (a wrong swarm, an unknown kind, a bad id). */
export function parseTopic(swarm: string, topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== TOPIC_ROOT || parts[1] !== swarm) return null;
  if (parts.length === 3 && parts[2] === 'summary') return { kind: 'summary', node: -1 };
  if (parts.length !== 4 || !(PER_NODE as readonly string[]).includes(parts[2]!)) return null;
  const idText = parts[3]!;
  if (!/^(0|[1-9][0-9]{0,4})$/.test(idText)) return null;
  const node = Number(idText);
  return isNodeId(node) ? { kind: parts[2] as TopicKind, node } : null;
}
