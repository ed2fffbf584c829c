import { describe, expect, it } from 'vitest';
import { allOf, checkSwarmName, parseTopic, swarmFilter, TopicNameError, topicFor } from '../../src/net/topics';

describe('topics', () => {
  it('builds per-node and swarm topics', () => {
    expect(topicFor('demo', 'consensus', 7)).toBe('qres/demo/consensus/7');
    expect(topicFor('demo', 'summary')).toBe('qres/demo/summary');
    expect(allOf('demo', 'announce')).toBe('qres/demo/announce/+');
    expect(swarmFilter('demo')).toBe('qres/demo/#');
  });

  it('rejects names that would break a topic', () => {
    expect(() => checkSwarmName('a/b')).toThrow(TopicNameError);
    expect(() => checkSwarmName('#')).toThrow(TopicNameError);
    expect(() => checkSwarmName('')).toThrow(TopicNameError);
    expect(() => topicFor('demo', 'gene' as never, 70000)).toThrow(TopicNameError);
    expect(() => topicFor('demo', 'request', -1)).toThrow(TopicNameError);
  });

  it('parses what it builds and nothing else', () => {
    for (const kind of ['announce', 'status', 'request', 'reply', 'consensus'] as const) {
      expect(parseTopic('demo', topicFor('demo', kind, 65535))).toEqual({ kind, node: 65535 });
    }
    expect(parseTopic('demo', 'qres/demo/summary')).toEqual({ kind: 'summary', node: -1 });
    for (const bad of ['qres/other/consensus/1', 'qres/demo/consensus/01', 'qres/demo/consensus/65536', 'qres/demo/consensus/-1',
      'qres/demo/consensus/1/2', 'qres/demo/nope/1', 'qres/demo/consensus/', 'x/demo/summary', 'qres/demo/summary/1']) {
      expect(parseTopic('demo', bad)).toBeNull();
    }
  });
});
