import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../src/net/transport';

describe('topicMatches (MQTT filters)', () => {
  it('matches exact topics and + for one level', () => {
    expect(topicMatches('qres/demo/summary', 'qres/demo/summary')).toBe(true);
    expect(topicMatches('qres/demo/gene/+', 'qres/demo/gene/7')).toBe(true);
    expect(topicMatches('qres/demo/gene/+', 'qres/demo/gene/7/x')).toBe(false);
    expect(topicMatches('qres/demo/gene/+', 'qres/demo/gene')).toBe(false);
    expect(topicMatches('qres/+/gene/7', 'qres/other/gene/7')).toBe(true);
    expect(topicMatches('qres/demo/gene/7', 'qres/demo/gene/8')).toBe(false);
  });

  it('matches # for the rest, including the parent level', () => {
    expect(topicMatches('qres/demo/#', 'qres/demo/consensus/3')).toBe(true);
    expect(topicMatches('qres/demo/#', 'qres/demo')).toBe(true);
    expect(topicMatches('qres/demo/#', 'qres/other/consensus/3')).toBe(false);
    expect(topicMatches('#', 'anything/at/all')).toBe(true);
  });
});
