// MQTT topics of a swarm. Every topic names its sender, as the last level, so that a broker ACL can let node N
// publish only topics ending in /N (see brokerAcl.ts), and a receiver can check the envelope's signer against
// it (authTransport.ts):
//
//   qres/<swarm>/announce/<id>         heartbeat: regime, evolved, who it heard, whom it banned (QoS 0)
//   qres/<swarm>/status/<id>           online / offline, retained; the last will publishes "offline"
//   qres/<swarm>/request/<id>          a Storm node asks for a cure (QoS 0)
//   qres/<swarm>/reply/<to>/<from>     Evolved node `from` answers requester `to` with its gene (QoS 0)
//   qres/<swarm>/consensus/<id>        a node's consensus vector for one round (QoS 0)
//   qres/<swarm>/summary/<from>        the swarm's consensus as a 34-byte summary gene as node `from` computed
//                                      it, retained per node (joiners sync from the newest round among them)
//
// Until issue 13 the reply topic was qres/<swarm>/reply/<to> and the summary a single qres/<swarm>/summary,
// which named no sender; parseTopic() no longer accepts those.

export const TOPIC_ROOT = 'qres';
export const MAX_NODE_ID = 0xffff;
const SWARM_NAME = /^[A-Za-z0-9_-]{1,32}$/;

export type TopicKind = 'announce' | 'status' | 'request' | 'reply' | 'consensus' | 'summary';
export const KINDS: readonly TopicKind[] = ['announce', 'status', 'request', 'reply', 'consensus', 'summary'];

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

/** The topic of `kind`. For every kind but reply, `id` is the sender. For reply, `id` is the addressee and
 *  `from` the sender. Leaving out the sender of a reply or a summary (the pre-issue-13 call shapes
 *  `topicFor(s, 'reply', to)` and `topicFor(s, 'summary')`) gives the matching *filter* instead,
 *  `qres/<s>/reply/<to>/+` or `qres/<s>/summary/+`: good for subscribe, refused by a broker for publish. */
export function topicFor(swarm: string, kind: TopicKind, id?: number, from?: number): string {
  checkSwarmName(swarm);
  if (!(KINDS as readonly string[]).includes(kind)) throw new TopicNameError(`unknown topic kind ${JSON.stringify(kind)}`);
  if (kind === 'summary') return `${TOPIC_ROOT}/${swarm}/summary/${id === undefined ? '+' : checkNodeId(id)}`;
  if (kind === 'reply') return `${TOPIC_ROOT}/${swarm}/reply/${checkNodeId(id ?? -1)}/${from === undefined ? '+' : checkNodeId(from)}`;
  return `${TOPIC_ROOT}/${swarm}/${kind}/${checkNodeId(id ?? -1)}`;
}

/** qres/<swarm>/reply/<to>/<from>: `from`'s reply to `to`. */
export function replyTopic(swarm: string, to: number, from: number): string {
  return topicFor(swarm, 'reply', to, from);
}

/** qres/<swarm>/summary/<from>, retained. */
export function summaryTopic(swarm: string, from: number): string {
  return topicFor(swarm, 'summary', from);
}

/** Filter for every reply addressed to `to`: qres/<swarm>/reply/<to>/+. */
export function repliesTo(swarm: string, to: number): string {
  return topicFor(swarm, 'reply', to);
}

/** Filter for every node's topic of one kind, e.g. qres/demo/consensus/+ (reply: every reply, reply/+/+). */
export function allOf(swarm: string, kind: TopicKind): string {
  return `${TOPIC_ROOT}/${checkSwarmName(swarm)}/${kind}/+${kind === 'reply' ? '/+' : ''}`;
}

/** Filter for everything in a swarm. */
export function swarmFilter(swarm: string): string {
  return `${TOPIC_ROOT}/${checkSwarmName(swarm)}/#`;
}

export interface ParsedTopic {
  kind: TopicKind;
  /** The node the topic is named after: the addressee for `reply`, the sender for every other kind. */
  node: number;
  /** The sender (for every kind; equal to `node` except for reply). */
  from: number;
}

const ID_TEXT = /^(0|[1-9][0-9]{0,4})$/;

function parseId(text: string | undefined): number | null {
  if (text === undefined || !ID_TEXT.test(text)) return null;
  const id = Number(text);
  return isNodeId(id) ? id : null;
}

/** Parses a topic of this swarm; null for anything else (a wrong swarm, an unknown kind, a bad id, a filter). */
export function parseTopic(swarm: string, topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== TOPIC_ROOT || parts[1] !== swarm) return null;
  const kind = parts[2] as TopicKind;
  if (!(KINDS as readonly string[]).includes(kind)) return null;
  if (kind === 'reply') {
    if (parts.length !== 5) return null;
    const to = parseId(parts[3]);
    const from = parseId(parts[4]);
    return to === null || from === null ? null : { kind, node: to, from };
  }
  if (parts.length !== 4) return null;
  const id = parseId(parts[3]);
  return id === null ? null : { kind, node: id, from: id };
}

/** The sender a topic names (null if it is not a topic of this swarm). */
export function senderOf(swarm: string, topic: string): number | null {
  return parseTopic(swarm, topic)?.from ?? null;
}
