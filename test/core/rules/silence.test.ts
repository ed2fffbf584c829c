import { describe, expect, it } from 'vitest';
import * as q16 from '../../../src/core/fixed/q16';
import { CALM, PRESTORM, STORM } from '../../../src/core/neuron/regimeDetector';
import { getAggregator } from '../../../src/core/consensus/registry';
import {
  honestRoundAt,
  ROUND_ACCEPTED,
  ROUND_FAILED,
  ROUND_HELD,
  ROUND_LEFT_OUT,
  ROUND_NOT_HEARD,
  setHeard,
  type RoundView,
} from '../../../src/core/rules/consensus';
import { MODEL_DIM, RECENT } from '../../../src/core/rules/model';
import { createNodeState, NODE } from '../../../src/core/rules/state';
import { isBanned, TRUST_FAILED, TRUST_INITIAL } from '../../../src/core/rules/trust';
import {
  ACTIVE_HOLD_S,
  attackerSpeaks,
  ALERT_DELTA,
  BEACON_TICKS,
  beaconSlotAt,
  DEEP_EVERY,
  energyModeAt,
  HEARTBEAT_ROUNDS,
  heardRequest,
  HELD_MAX_AGE,
  honestSpeaks,
  initSpeechAt,
  listensAt,
  MODE_ACTIVE,
  MODE_ALERT,
  MODE_DEEP,
  NEVER,
  NEWS_SHIFT,
  newsThreshold,
  PING_TICKS,
  SEND_DELTA,
  takeHeld,
  type ListenColumns,
  type SpeechColumns,
  wakeDelta,
} from '../../../src/core/rules/silence';

const ROUND_TICKS = 100;

function columns(): { speech: SpeechColumns; listen: ListenColumns; model: Int32Array } {
  const speech = { sent: new Int32Array(MODEL_DIM * 2), sentRound: new Int32Array(2), owes: new Uint8Array(2), asked: new Uint8Array(2) };
  const listen = { mode: new Uint8Array(2), activeUntil: new Int32Array(2), newsRound: new Int32Array(2) };
  initSpeechAt(speech, listen, 1);
  const model = new Int32Array(MODEL_DIM * 2);
  model[MODEL_DIM] = q16.ONE;
  return { speech, listen, model };
}

describe('silence: when a node speaks', () => {
  it('a new node speaks; then only news (a coordinate moved more than SEND_DELTA) makes it speak again', () => {
    const { speech, listen, model } = columns();
    expect(honestSpeaks(speech, listen, model, 1, 1)).toBe(true);
    expect(speech.sentRound[1]).toBe(1);
    expect(listen.newsRound[1]).toBe(1);
    expect(honestSpeaks(speech, listen, model, 1, 2)).toBe(false);
    model[MODEL_DIM + 3] = SEND_DELTA; // exactly the threshold: not news
    expect(honestSpeaks(speech, listen, model, 1, 3)).toBe(false);
    model[MODEL_DIM + 3] = SEND_DELTA + 1;
    expect(honestSpeaks(speech, listen, model, 1, 4)).toBe(true);
    expect(speech.sent[MODEL_DIM + 3]).toBe(SEND_DELTA + 1);
    expect(listen.newsRound[1]).toBe(4);
    // Small moves add up against the last broadcast, not the last round.
    model[MODEL_DIM + 3] += SEND_DELTA;
    expect(honestSpeaks(speech, listen, model, 1, 5)).toBe(false);
    model[MODEL_DIM + 3] += 2;
    expect(honestSpeaks(speech, listen, model, 1, 6)).toBe(true);
  });

  it('news sent outside a wake round is owed to deep sleepers at the next wake round; a heartbeat lapses only in wake rounds', () => {
    const { speech, listen, model } = columns();
    expect(honestSpeaks(speech, listen, model, 1, 3)).toBe(true); // round 3: not a wake round
    expect(speech.owes[1]).toBe(1);
    for (let r = 4; r < DEEP_EVERY; r++) expect(honestSpeaks(speech, listen, model, 1, r)).toBe(false);
    expect(honestSpeaks(speech, listen, model, 1, DEEP_EVERY)).toBe(true); // owed
    expect(speech.owes[1]).toBe(0);
    const last = DEEP_EVERY;
    const due = last + HEARTBEAT_ROUNDS;
    expect(due % DEEP_EVERY).toBe(0);
    for (let r = last + 1; r < due; r++) expect(honestSpeaks(speech, listen, model, 1, r), `round ${r}`).toBe(false);
    expect(honestSpeaks(speech, listen, model, 1, due)).toBe(true); // heartbeat
    expect(listen.newsRound[1]).not.toBe(due); // a heartbeat is not news
  });

  it('an asked node speaks once; a deep-sleeping node keeps its news for the next wake round', () => {
    const { speech, listen, model } = columns();
    honestSpeaks(speech, listen, model, 1, DEEP_EVERY);
    speech.asked[1] = 1;
    expect(honestSpeaks(speech, listen, model, 1, DEEP_EVERY + 1)).toBe(true);
    expect(honestSpeaks(speech, listen, model, 1, DEEP_EVERY + 2)).toBe(false);
    speech.owes[1] = 0;
    listen.mode[1] = MODE_DEEP;
    model[MODEL_DIM] += 4 * SEND_DELTA;
    expect(honestSpeaks(speech, listen, model, 1, DEEP_EVERY + 3)).toBe(false);
    expect(honestSpeaks(speech, listen, model, 1, 2 * DEEP_EVERY)).toBe(true);
  });

  it('a node in DeepSilence is woken (Alert, newsRound) only by its own news beyond ALERT_DELTA; other nodes by any news', () => {
    const { speech, listen, model } = columns();
    expect(ALERT_DELTA).toBeGreaterThan(SEND_DELTA);
    expect(wakeDelta(MODE_DEEP)).toBe(ALERT_DELTA);
    expect(wakeDelta(MODE_ALERT)).toBe(SEND_DELTA);
    expect(wakeDelta(MODE_ACTIVE)).toBe(SEND_DELTA);
    honestSpeaks(speech, listen, model, 1, 0);
    listen.mode[1] = MODE_DEEP;
    model[MODEL_DIM + 2] += ALERT_DELTA; // news (beyond SEND_DELTA), not beyond ALERT_DELTA
    expect(honestSpeaks(speech, listen, model, 1, DEEP_EVERY)).toBe(true);
    expect(listen.newsRound[1]).toBe(0); // still deep
    model[MODEL_DIM + 2] += ALERT_DELTA + 1;
    expect(honestSpeaks(speech, listen, model, 1, 2 * DEEP_EVERY)).toBe(true);
    expect(listen.newsRound[1]).toBe(2 * DEEP_EVERY); // woken
    listen.mode[1] = MODE_ALERT;
    model[MODEL_DIM + 2] += SEND_DELTA + 1;
    expect(honestSpeaks(speech, listen, model, 1, 2 * DEEP_EVERY + 1)).toBe(true);
    expect(listen.newsRound[1]).toBe(2 * DEEP_EVERY + 1);
  });

  it("attackers' speech policies: once, always, and only when its vector passes the own-data filter on its window", () => {
    const { speech, listen, model } = columns();
    const recent = new Int32Array(RECENT * 2);
    for (let k = 0; k < RECENT; k++) recent[RECENT + k] = q16.sin(q16.fromFloat(0.1 * (RECENT - k)));
    expect(attackerSpeaks('once', speech, listen, model, recent, 1, 1)).toBe(true);
    expect(attackerSpeaks('once', speech, listen, model, recent, 1, 2)).toBe(false);
    expect(attackerSpeaks('always', speech, listen, model, recent, 1, 3)).toBe(true);
    expect(attackerSpeaks('always', speech, listen, model, recent, 1, 4)).toBe(true);
    // The persistence predictor passes its own filter; a sign flip of it does not.
    expect(attackerSpeaks('opportunist', speech, listen, model, recent, 1, 5)).toBe(true);
    model[MODEL_DIM] = -q16.ONE;
    expect(attackerSpeaks('opportunist', speech, listen, model, recent, 1, 6)).toBe(false);
    expect(speech.sentRound[1]).toBe(5);
  });

  it('beacon slots spread the swarm over the first BEACON_TICKS ticks of a round', () => {
    for (let node = 1; node <= 10; node++) {
      const ticks = [];
      for (let t = 0; t < 3 * ROUND_TICKS; t++) if (beaconSlotAt(node, t, ROUND_TICKS)) ticks.push(t);
      expect(ticks).toEqual([0, 1, 2].map((r) => r * ROUND_TICKS + ((node - 1) % BEACON_TICKS)));
    }
  });
});

describe('silence: what a receiver holds', () => {
  it('takeHeld with a deep receiver: only the first copy or a move beyond ALERT_DELTA is news to it', () => {
    const held = new Int32Array(MODEL_DIM * 2);
    const heldRound = new Int32Array(2).fill(NEVER);
    const w = new Int32Array(8);
    expect(takeHeld(held, MODEL_DIM, heldRound, 1, w, 0, 3, wakeDelta(MODE_DEEP))).toBe(true); // first copy
    w[1] = ALERT_DELTA;
    expect(takeHeld(held, MODEL_DIM, heldRound, 1, w, 0, 4, wakeDelta(MODE_DEEP))).toBe(false);
    expect(held[MODEL_DIM + 1]).toBe(ALERT_DELTA); // kept all the same
    expect(heldRound[1]).toBe(4);
    w[1] = 2 * ALERT_DELTA + 1;
    expect(takeHeld(held, MODEL_DIM, heldRound, 1, w, 0, 5, wakeDelta(MODE_DEEP))).toBe(true);
    w[1] += SEND_DELTA + 1;
    expect(takeHeld(held, MODEL_DIM, heldRound, 1, w, 0, 6, wakeDelta(MODE_ALERT))).toBe(true);
  });

  it('takeHeld keeps the copy and its round; the first copy and a move beyond SEND_DELTA are news', () => {
    const held = new Int32Array(MODEL_DIM * 2);
    const heldRound = new Int32Array(2).fill(NEVER);
    const w = new Int32Array(8);
    expect(takeHeld(held, MODEL_DIM, heldRound, 1, w, 0, 4)).toBe(true);
    expect(heldRound[1]).toBe(4);
    w[2] = SEND_DELTA;
    expect(takeHeld(held, MODEL_DIM, heldRound, 1, w, 0, 5)).toBe(false);
    expect(held[MODEL_DIM + 2]).toBe(SEND_DELTA);
    expect(takeHeld(held, MODEL_DIM, heldRound, 1, w, SEND_DELTA + 1, 6)).toBe(true);
    expect(held[MODEL_DIM + 8]).toBe(SEND_DELTA + 1);
    expect(heldRound[0]).toBe(NEVER);
  });
});

/** One node (slot NODE) with a smooth window and three neighbours' held rows: a good one, and two far worse. */
function roundFixture() {
  const state = createNodeState();
  for (let k = 0; k < RECENT; k++) state.neuron.recent[RECENT * NODE + k] = q16.sin(q16.fromFloat(0.1 * (RECENT - k)));
  const held = new Int32Array(MODEL_DIM * 3);
  held[0] = q16.ONE; // the persistence predictor, as the node's own
  held[MODEL_DIM] = -q16.ONE; // a sign flip: fails the check
  held[2 * MODEL_DIM] = -q16.ONE;
  const trust = new Uint8Array(3).fill(TRUST_INITIAL);
  const heard = new Uint8Array(1);
  const heldRound = new Int32Array(3).fill(NEVER);
  const view: RoundView = { start: 0, end: 3, trust, heard, source: held, rowOf: (s) => MODEL_DIM * s, heldRound, round: 0 };
  return { state, held, trust, heard, heldRound, view };
}

describe('silence in the consensus round (honestRoundAt)', () => {
  const spec = getAggregator('trimmed-mean');

  it('a model heard this round moves reputation; the same model held from an earlier round is aggregated or left out without', () => {
    const { state, trust, heard, heldRound, view } = roundFixture();
    const next = new Int32Array(MODEL_DIM * 2);
    const outcome = new Uint8Array(3);
    heldRound.fill(0);
    setHeard(heard, 0);
    setHeard(heard, 1);
    honestRoundAt(state.neuron, state.model, state.anchor, NODE, true, view, spec, true, next, outcome);
    expect(outcome[1]).toBe(ROUND_FAILED);
    expect(trust[1]).toBe(TRUST_INITIAL - TRUST_FAILED);
    expect(outcome[2]).toBe(ROUND_LEFT_OUT); // held from round 0, not heard this round: a failing copy costs nothing
    expect(trust[2]).toBe(TRUST_INITIAL);
    expect(outcome[0]).toBe(ROUND_ACCEPTED);
    // Next round nothing is heard: the held copies count, and nobody's reputation moves.
    heard.fill(0);
    const before = trust.slice();
    view.round = 1;
    honestRoundAt(state.neuron, state.model, state.anchor, NODE, true, view, spec, true, next, outcome);
    expect(outcome[0]).toBe(ROUND_HELD);
    expect(outcome[1]).toBe(ROUND_LEFT_OUT);
    expect(trust).toEqual(before);
  });

  it('a held copy older than HELD_MAX_AGE rounds is dropped; silence never bans anyone', () => {
    const { state, trust, heldRound, view } = roundFixture();
    const next = new Int32Array(MODEL_DIM * 2);
    const outcome = new Uint8Array(3);
    heldRound.fill(0);
    for (let r = 1; r <= HELD_MAX_AGE + 1; r++) {
      view.round = r;
      honestRoundAt(state.neuron, state.model, state.anchor, NODE, true, view, spec, true, next, outcome);
      expect(outcome[0]).toBe(r <= HELD_MAX_AGE ? ROUND_HELD : ROUND_NOT_HEARD);
    }
    for (let s = 0; s < 3; s++) expect(isBanned(trust, s)).toBe(false);
    expect(Array.from(trust)).toEqual([TRUST_INITIAL, TRUST_INITIAL, TRUST_INITIAL]);
  });

  it('chatty mode (no heldRound): only models heard this round count', () => {
    const { state, view } = roundFixture();
    delete view.heldRound;
    const next = new Int32Array(MODEL_DIM * 2);
    const outcome = new Uint8Array(3);
    honestRoundAt(state.neuron, state.model, state.anchor, NODE, true, view, spec, true, next, outcome);
    expect(Array.from(outcome)).toEqual([ROUND_NOT_HEARD, ROUND_NOT_HEARD, ROUND_NOT_HEARD]);
  });
});

describe('silence: energy modes and the listen schedule', () => {
  it('Active in Storm, exposed, or after a cure request; Alert in PreStorm, Evolved or after news; else DeepSilence', () => {
    const { listen } = columns();
    listen.newsRound[1] = 0;
    expect(energyModeAt(STORM, false, false, listen, 1, 500, 5)).toBe(MODE_ACTIVE);
    expect(energyModeAt(CALM, false, true, listen, 1, 500, 5)).toBe(MODE_ACTIVE);
    expect(energyModeAt(PRESTORM, false, false, listen, 1, 500, 5)).toBe(MODE_ALERT);
    expect(energyModeAt(CALM, true, false, listen, 1, 500, 5)).toBe(MODE_ALERT);
    expect(energyModeAt(CALM, false, false, listen, 1, 500, 1)).toBe(MODE_ALERT); // news a round ago
    expect(energyModeAt(CALM, false, false, listen, 1, 500, 5)).toBe(MODE_DEEP);
    heardRequest(listen, 1, 500, 100);
    const hold = (ACTIVE_HOLD_S * 1000) / 100;
    expect(energyModeAt(CALM, false, false, listen, 1, 500 + hold - 1, 5)).toBe(MODE_ACTIVE);
    expect(energyModeAt(CALM, false, false, listen, 1, 500 + hold, 5)).toBe(MODE_DEEP);
  });

  it('Active listens always; Alert at beacon and ping arrivals; DeepSilence at beacon arrivals of wake rounds only', () => {
    const span = 2 * DEEP_EVERY * ROUND_TICKS;
    const heard = (mode: number) => {
      const ticks = [];
      for (let t = 0; t < span; t++) if (listensAt(mode, t, ROUND_TICKS)) ticks.push(t);
      return ticks;
    };
    expect(heard(MODE_ACTIVE).length).toBe(span);
    const alert = heard(MODE_ALERT);
    for (const t of alert) expect((t - 1) % ROUND_TICKS < BEACON_TICKS || (t - 1) % PING_TICKS === 0).toBe(true);
    expect(alert.length).toBe(2 * DEEP_EVERY * (ROUND_TICKS / PING_TICKS + BEACON_TICKS - 1));
    const deep = heard(MODE_DEEP);
    const beacon = Array.from({ length: BEACON_TICKS }, (_, k) => k + 1);
    expect(deep).toEqual([...beacon, ...beacon.map((t) => t + DEEP_EVERY * ROUND_TICKS)]);
    // A deep node listens BEACON_TICKS ticks in DEEP_EVERY rounds.
    expect(deep.length / span).toBe(BEACON_TICKS / (DEEP_EVERY * ROUND_TICKS));
  });
});

describe('silence: the news threshold', () => {
  it('is SEND_DELTA in an agreeing neighbourhood, a quarter of the median distance in a disagreeing one; banned and unheard slots do not count', () => {
    const model = new Int32Array(MODEL_DIM);
    const held = new Int32Array(MODEL_DIM * 5);
    const heldRound = new Int32Array(5).fill(NEVER);
    const trust = new Uint8Array(5).fill(TRUST_INITIAL);
    const view = { start: 0, end: 5, source: held, rowOf: (s: number) => MODEL_DIM * s, heldRound, trust };
    expect(newsThreshold(model, 0, view)).toBe(SEND_DELTA); // holds nothing
    heldRound.fill(0);
    for (let s = 0; s < 5; s++) held[MODEL_DIM * s + 1] = 10 * (s + 1); // close: 10 … 50
    expect(newsThreshold(model, 0, view)).toBe(SEND_DELTA);
    for (let s = 0; s < 5; s++) held[MODEL_DIM * s + 1] = 4000 * (s + 1); // 4,000 … 20,000: median 12,000
    expect(newsThreshold(model, 0, view)).toBe(12_000 >> NEWS_SHIFT);
    // An outlier cannot raise it by itself, and a banned or never-heard slot is not counted.
    held[MODEL_DIM * 4 + 1] = 1 << 24;
    expect(newsThreshold(model, 0, view)).toBe(12_000 >> NEWS_SHIFT);
    trust[4] = 0;
    heldRound[3] = NEVER;
    expect(newsThreshold(model, 0, view)).toBe(8000 >> NEWS_SHIFT); // of 4,000, 8,000, 12,000
  });
});
