import { describe, expect, it } from 'vitest';
import { allOf, checkSwarmName, parseTopic, repliesTo, replyTopic, senderOf, summaryTopic, swarmFilter, TopicNameError, topicFor } from '../../src/net/topics';
import { topicMatches } from '../../src/net/transport';

describe('topics', () => {
  it('builds per-node and swarm topics; every topic names its sender last', () => {
    expect(topicFor('demo', 'consensus', 7)).toBe('qres/demo/consensus/7');
    expect(topicFor('demo', 'summary', 7)).toBe('qres/demo/summary/7');
    expect(summaryTopic('demo', 7)).toBe('qres/demo/summary/7');
    expect(topicFor('demo', 'reply', 3, 7)).toBe('qres/demo/reply/3/7');
    expect(replyTopic('demo', 3, 7)).toBe('qres/demo/reply/3/7');
    expect(allOf('demo', 'announce')).toBe('qres/demo/announce/+');
    expect(allOf('demo', 'summary')).toBe('qres/demo/summary/+');
    expect(allOf('demo', 'reply')).toBe('qres/demo/reply/+/+');
    expect(swarmFilter('demo')).toBe('qres/demo/#');
  });

  it('keeps the old call shapes compiling: without a sender they give the matching filter', () => {
    expect(topicFor('demo', 'summary')).toBe('qres/demo/summary/+');
    expect(topicFor('demo', 'reply', 3)).toBe('qres/demo/reply/3/+');
    expect(repliesTo('demo', 3)).toBe('qres/demo/reply/3/+');
    expect(topicMatches(topicFor('demo', 'reply', 3), replyTopic('demo', 3, 9))).toBe(true);
    expect(topicMatches(topicFor('demo', 'reply', 3), replyTopic('demo', 4, 9))).toBe(false);
    expect(topicMatches(topicFor('demo', 'summary'), summaryTopic('demo', 9))).toBe(true);
  });

  it('rejects names that would break a topic', () => {
    expect(() => checkSwarmName('a/b')).toThrow(TopicNameError);
    expect(() => checkSwarmName('#')).toThrow(TopicNameError);
    expect(() => checkSwarmName('')).toThrow(TopicNameError);
    expect(() => topicFor('demo', 'gene' as never, 70000)).toThrow(TopicNameError);
    expect(() => topicFor('demo', 'request', -1)).toThrow(TopicNameError);
    expect(() => topicFor('demo', 'reply', 1, 70000)).toThrow(TopicNameError);
    expect(() => topicFor('demo', 'summary', 1.5)).toThrow(TopicNameError);
  });

  it('parses what it builds, with the sender, and nothing else', () => {
    for (const kind of ['announce', 'status', 'request', 'consensus', 'summary'] as const) {
      expect(parseTopic('demo', topicFor('demo', kind, 65535))).toEqual({ kind, node: 65535, from: 65535 });
    }
    expect(parseTopic('demo', replyTopic('demo', 3, 7))).toEqual({ kind: 'reply', node: 3, from: 7 });
    expect(senderOf('demo', replyTopic('demo', 3, 7))).toBe(7);
    expect(senderOf('demo', 'qres/demo/summary')).toBeNull();
    for (const bad of [
      'qres/other/consensus/1',
      'qres/demo/consensus/01',
      'qres/demo/consensus/65536',
      'qres/demo/consensus/-1',
      'qres/demo/consensus/1/2',
      'qres/demo/nope/1',
      'qres/demo/consensus/',
      'x/demo/summary/1',
      'qres/demo/summary',
      'qres/demo/summary/+',
      'qres/demo/reply/3',
      'qres/demo/reply/3/+',
      'qres/demo/reply/3/7/1',
      'qres/demo/reply/+/7',
    ]) {
      expect(parseTopic('demo', bad), bad).toBeNull();
    }
  });
});
