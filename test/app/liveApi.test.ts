import { describe, expect, it } from 'vitest';
import { createLiveApi, LiveModeError } from '../../src/app/liveApi';

describe('live mode adapter', () => {
  it('refuses what a real swarm cannot do, with a typed error', async () => {
    const api = createLiveApi({ url: 'ws://127.0.0.1:1', swarm: 'demo' }) as unknown as {
      step(n: number): Promise<number>;
      snapshot(): Promise<unknown>;
      stateHash(): Promise<string>;
    };
    await expect(api.step(1)).rejects.toBeInstanceOf(LiveModeError);
    await expect(api.snapshot()).rejects.toBeInstanceOf(LiveModeError); // not connected yet
    expect(await api.stateHash()).toBe('');
  });
});
