// The simulator's radio authentication (src/core/net/radioAuth.ts through src/sim/radio.ts), attacked on air: a
// rogue radio next to an honest node sends forged cure replies in that node's name (the attack that got honest
// nodes banned over MQTT in issue 13), an insider holding a neighbour's keys does the same, and captured messages
// are replayed under their own id, under a new id, and rounds later. With the default trailer none of it reaches a
// rule: every honest node ends in exactly the state of the same run without the attack. Without a trailer
// (`radioAuth: 'none'`) the same forgeries cost the victim its reputation, so the test can fail.
import { describe, expect, it } from 'vitest';
import { ROLE_HONEST } from '../../components/body';
import { insiderKeys, radioKeys, sealRadio, type RadioAuthMode, type RadioKeys } from '../../src/core/net/radioAuth';
import { roundOf } from '../../src/core/rules/silence';
import { TRUST_INITIAL } from '../../src/core/rules/trust';
import { BROADCAST, encodeMessage, MSG_CURE_REPLY } from '../../src/sim/messages';
import { slotOf } from '../../src/sim/placement';
import { createSim, type Sim } from '../../src/sim/runner';

const TICKS = 1500;
/** Message ids the rogue radio uses, cycling through [ROGUE_IDS, 65535]: far above any id an honest node reaches in
 *  this run, so a renumbered copy never carries its original id (it would be a plain replay). */
const ROGUE_IDS = 40_000;
const rogueIdOf = (k: number): number => ROGUE_IDS + (k % (0x10000 - ROGUE_IDS));

interface Captured {
  from: number;
  to: number;
  id: number;
  bytes: Uint8Array;
  tick: number;
}

interface Attack {
  /** Forged cure replies in the victim's name, tagged with a stranger's keys. */
  stranger: boolean;
  /** The same, tagged with the keys an insider (one of the victim's neighbours) holds. */
  insider: boolean;
  /** Every captured message re-sent verbatim after this many ticks (0: never), by a rogue radio beside its sender. */
  replayAfter: number;
  /** Every captured message re-sent under a new message id. */
  renumber: boolean;
}

function neighboursOf(sim: Sim, eid: number): number[] {
  const { offsets, neighbours } = sim.world.hood;
  return Array.from(neighbours.subarray(offsets[eid - 1]!, offsets[eid]!), (j) => j + 1);
}

function run(mode: RadioAuthMode, attack: Attack | null) {
  const sim = createSim({ nodes: 150, seed: 11, layout: false, radioAuth: mode });
  const { world } = sim;
  const victim = 10;
  expect(world.components.Role.kind[victim]).toBe(ROLE_HONEST);
  const around = neighboursOf(sim, victim);
  const insider = around[0]!;
  const captured: Captured[] = [];
  const rogueTx = new Float64Array(world.n + 1);
  let rogueCount = 0;
  const link = world.link;
  const send = link.send.bind(link);
  link.send = (tx, from, to, id, message, tick) => {
    if (tx !== rogueTx) captured.push({ from, to, id, bytes: message.slice(), tick });
    return send(tx, from, to, id, message, tick);
  };
  const stranger = radioKeys(0xbad);
  const garbageReply = (keys: RadioKeys, signer: number, to: number, id: number): Uint8Array =>
    sealRadio(mode, keys, signer, false, [to], roundOf(world.tick, world.roundTicks), id, encodeMessage(MSG_CURE_REPLY, victim, to, Uint8Array.of(1, 2, 3)));
  for (let t = 0; t < TICKS; t++) {
    if (attack && t >= 50) {
      for (const to of around) {
        // A garbage "cure" from the victim: were it believed, the receiver would blame the victim (garbageFrom).
        if (attack.stranger) {
          const id = rogueIdOf(rogueCount++);
          send(
            rogueTx,
            victim,
            to,
            id,
            mode === 'none' ? encodeMessage(MSG_CURE_REPLY, victim, to, Uint8Array.of(1, 2, 3)) : garbageReply(stranger, victim, to, id),
            world.tick,
          );
        }
        if (attack.insider && mode !== 'none' && to !== insider) {
          const id = rogueIdOf(rogueCount++);
          // Everything the insider can sign with is its own: its pair key with the receiver.
          send(rogueTx, victim, to, id, garbageReply(insiderKeys(world.radio.auth.keys, insider), insider, to, id), world.tick);
        }
      }
      // Re-sent from beside the sender (the same reassembly stream as the original: a real radio cannot tell the
      // rogue's frames from the sender's), verbatim or under a fresh id far from any honest one.
      for (const c of captured) {
        if (attack.replayAfter > 0 && c.tick === world.tick - attack.replayAfter) send(rogueTx, c.from, c.to, c.id, c.bytes, world.tick);
        if (attack.renumber && c.tick === world.tick - 1) send(rogueTx, c.from, c.to, rogueIdOf(rogueCount++), c.bytes, world.tick);
      }
      while (captured.length > 0 && captured[0]!.tick < world.tick - Math.max(1, attack.replayAfter)) captured.shift();
    }
    sim.step(1);
  }
  return { sim, victim, around };
}

/** Every component column of every node (the whole per-node state of the rules). */
function columns(sim: Sim): Map<string, ArrayBufferView> {
  const out = new Map<string, ArrayBufferView>();
  for (const [name, component] of Object.entries(sim.world.components)) {
    for (const [field, a] of Object.entries(component as Record<string, ArrayBufferView>)) out.set(`${name}.${field}`, a);
  }
  return out;
}

function victimTrust(sim: Sim, victim: number, around: number[]): number[] {
  return around.map((r) => sim.world.components.Consensus.trust[slotOf(sim.world.hood, r - 1, victim - 1)]!);
}

describe('radio authentication in the simulator', () => {
  const clean = run('pairwise', null);

  it('forged replies (stranger and insider keys), renumbered copies and replays rounds later reach no rule: the state is the clean run’s', () => {
    const attacked = run('pairwise', { stranger: true, insider: true, replayAfter: 250, renumber: true });
    const d = attacked.sim.world.counters.radioDrops;
    // The rogue radio's queue limits what gets on air; what was heard was dropped as forged: forged replies,
    // renumbered copies, and replays 250 ticks (2.5 rounds) later, whose tags name a round that is over.
    expect(d.forged).toBeGreaterThan(1000);
    expect(d.replayed).toBe(0);
    expect(attacked.sim.metrics().bans.honest).toBe(0);
    const a = columns(attacked.sim);
    for (const [name, column] of columns(clean.sim)) expect(a.get(name), name).toEqual(column);
    expect(victimTrust(attacked.sim, attacked.victim, attacked.around)).toEqual(victimTrust(clean.sim, clean.victim, clean.around));
  });

  it('a captured message re-sent in the same round is dropped as a replay and costs nobody reputation', () => {
    const attacked = run('pairwise', { stranger: false, insider: false, replayAfter: 3, renumber: false });
    expect(attacked.sim.world.counters.radioDrops.replayed).toBeGreaterThan(50);
    expect(attacked.sim.metrics().bans.honest).toBe(0);
    expect(Math.min(...victimTrust(attacked.sim, attacked.victim, attacked.around))).toBeGreaterThanOrEqual(
      Math.min(...victimTrust(clean.sim, clean.victim, clean.around)),
    );
  });

  it('without a trailer the same forged replies cost the victim its reputation (what the trailer prevents)', () => {
    const open = run('none', { stranger: true, insider: false, replayAfter: 0, renumber: false });
    const before = victimTrust(clean.sim, clean.victim, clean.around);
    const after = victimTrust(open.sim, open.victim, open.around);
    expect(after.some((t, i) => t < before[i]!)).toBe(true);
    expect(Math.min(...after)).toBeLessThan(TRUST_INITIAL);
    expect(open.sim.world.counters.radioDrops.forged).toBe(0);
  });

  it('the trailer is on air: bytes per message grow by what radioAuthBytes says, and no honest message is dropped', () => {
    const m = clean.sim.metrics();
    expect(m.auth?.mode).toBe('pairwise');
    expect(Object.values(clean.sim.world.counters.radioDrops).reduce((a, b) => a + b, 0)).toBe(0);
    const bare = createSim({ nodes: 150, seed: 11, layout: false, radioAuth: 'none' });
    bare.step(TICKS);
    expect(m.bytesSent).toBeGreaterThan(bare.metrics().bytesSent);
    expect(BROADCAST).toBe(0xffffffff);
  });
});
