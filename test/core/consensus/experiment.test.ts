import { describe, expect, it } from 'vitest';
import { ExperimentConfigError, runClean, resolveExperiment, runConsensusExperiment } from '../../../src/core/consensus/experiment';
import { ATTACK_NAMES } from '../../../src/core/consensus/attacks';
import { UnknownNameError } from '../../../src/core/consensus/registry';

describe('consensus experiment', () => {
  it('is deterministic from the seed, and reuses a clean run', () => {
    const cfg = { seed: 4, aggregator: 'krum', attack: 'alie', byzantine: 0.2 };
    const a = runConsensusExperiment(cfg);
    const b = runConsensusExperiment(cfg, runClean(resolveExperiment(cfg)));
    expect(Array.from(b.honestMean)).toEqual(Array.from(a.honestMean));
    expect(b.bans).toEqual(a.bans);
    const other = runConsensusExperiment({ ...cfg, seed: 5 });
    expect(Array.from(other.honestMean)).not.toEqual(Array.from(a.honestMean));
  });
  it("has zero drift and no bans when the attackers behave ('none')", () => {
    const r = runConsensusExperiment({ seed: 2, attack: 'none', byzantine: 0.3 });
    expect(r.consensusDrift).toBe(0);
    expect(r.bans).toEqual({ attackers: 0, honest: 0 });
    expect(r.nAttackers).toBe(15);
  });
  it('converges: the clean consensus ends close to the truth it was learnt from', () => {
    const r = runConsensusExperiment({ seed: 3 });
    const last = r.cleanMean.subarray((r.config.rounds - 1) * 9);
    const first = r.cleanMean.subarray(0, 9);
    const spread = (v: Int32Array) => Math.max(...Array.from(v, (x, k) => Math.abs(x - last[k]!)));
    expect(spread(first)).toBeLessThan(0.05 * 65536);
  });
  it('rejects bad configs and names', () => {
    expect(() => runConsensusExperiment({ nodes: 1 })).toThrow(ExperimentConfigError);
    expect(() => runConsensusExperiment({ byzantine: 0.95 })).toThrow(ExperimentConfigError);
    expect(() => runConsensusExperiment({ aggregator: 'avg' })).toThrow(UnknownNameError);
    expect(() => runConsensusExperiment({ attack: 'flood' })).toThrow(/valid: none, sign-flip/);
  });
  it('bans every outlier attacker (sign flip, Gaussian, IPM, Sybil) within 3 rounds, and no honest node', () => {
    for (const attack of ['sign-flip', 'gaussian', 'ipm', 'sybil']) {
      const r = runConsensusExperiment({ seed: 1, attack, byzantine: 0.3 });
      expect(r.bans).toEqual({ attackers: 15, honest: 0 });
      expect(r.lastAttackerBanRound).toBeLessThanOrEqual(3);
      expect(r.consensusDrift).toBeLessThan(0.02);
    }
  });
});

describe('issue 5 targets', () => {
  it('Sybil: 50 honest + 50 Sybil identities at default reputation — all Sybils banned within 4 rounds, no honest ban, drift < 5 %', () => {
    for (const seed of [1, 2, 3]) {
      const r = runConsensusExperiment({ seed, nodes: 100, byzantine: 0.5, attack: 'sybil', aggregator: 'trimmed-mean' });
      expect(r.nAttackers).toBe(50);
      expect(r.bans).toEqual({ attackers: 50, honest: 0 });
      expect(r.lastAttackerBanRound).not.toBeNull();
      expect(r.lastAttackerBanRound!).toBeLessThanOrEqual(4);
      expect(r.consensusDrift).toBeLessThan(0.05);
    }
  });
  it('Sybil without the own-data check: majority evidence alone bans honest nodes instead (the original failure)', () => {
    const r = runConsensusExperiment({ seed: 1, nodes: 100, byzantine: 0.5, attack: 'sybil', ownDataCheck: false });
    expect(r.bans.honest).toBeGreaterThan(0);
    expect(r.consensusDrift).toBeGreaterThan(0.05);
  });
  it('trimmed mean + reputation, 30 % attackers, σ = 0.05: worst drift over the catalog < 5 %, 0 honest banned', () => {
    // At σ = 0.05 (noise ≈ 9 % of the gene's rms). At the default σ = 0.1 the inlier attacks (bias 20 %,
    // ALIE) reach 7.2 % and 5.4 %: a robust aggregator's bias under one-sided inliers scales with the honest
    // spread, and reputation cannot see an attacker that sits inside it (see the report).
    let worst = 0;
    for (const seed of [1, 2, 3]) {
      for (const attack of ATTACK_NAMES) {
        const r = runConsensusExperiment({ seed, attack, byzantine: 0.3, aggregator: 'trimmed-mean', noiseQ16: 3277 });
        expect(r.bans.honest).toBe(0);
        worst = Math.max(worst, r.consensusDrift);
      }
    }
    expect(worst).toBeLessThan(0.05);
  });
});
