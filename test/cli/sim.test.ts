import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture';
import { main } from '../../src/cli/main';

describe('qres sim', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--json prints one object with every field the issue asks for', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '60', '--seconds', '20', '--seed', '7', '--json'])).toBe(0);
    const report = JSON.parse(io.out.join(''));
    for (const key of [
      'ticks',
      'stateHash',
      'nodes',
      'evolved',
      'stormPeak',
      'heals',
      'healLatencyS',
      'packets',
      'bytesSent',
      'bytesPerNodePerDay',
      'rmse',
      'wallMs',
      'ticksPerSecond',
    ]) {
      expect(report, key).toHaveProperty(key);
    }
    expect(report.ticks).toBe(200);
    expect(report.nodes).toBe(60);
    expect(Object.keys(report.packets).sort()).toEqual(['delivered', 'dropped', 'lost', 'sent']);
  });

  it('prefetch is off by default; --prefetch turns it on (storms seen coming asked about at once), --no-prefetch is accepted', async () => {
    const hashOf = async (...flags: string[]) => {
      vi.restoreAllMocks();
      const io = capture();
      expect(await main(['sim', '--nodes', '60', '--seconds', '30', '--seed', '7', '--json', ...flags])).toBe(0);
      return (JSON.parse(io.out.join('')) as { stateHash: string }).stateHash;
    };
    const { createSim } = await import('../../src/sim/runner');
    const lib = (prefetch?: boolean) => {
      const sim = createSim({ nodes: 60, seed: 7, layout: false, ...(prefetch === undefined ? {} : { prefetch }) });
      sim.step(300);
      return sim;
    };
    const plain = lib();
    const on = lib(true);
    expect(plain.world.counters.prefetchRequests).toBe(0);
    expect(on.world.counters.prefetchRequests).toBeGreaterThan(0);
    expect(await hashOf()).toBe(plain.stateHash());
    expect(await hashOf('--no-prefetch')).toBe(plain.stateHash());
    expect(await hashOf('--prefetch')).toBe(on.stateHash());
    expect(on.stateHash()).not.toBe(plain.stateHash());
    // The human summary says what prefetch did, and only when it is on.
    const say = async (...flags: string[]) => {
      vi.restoreAllMocks();
      const io = capture();
      expect(await main(['sim', '--nodes', '60', '--seconds', '30', '--seed', '7', ...flags])).toBe(0);
      return io.out.join('');
    };
    expect(await say('--prefetch')).toContain(`prefetch       ${on.world.counters.prefetchRequests} cure requests at the onset of a storm seen coming`);
    expect(await say()).not.toContain('prefetch ');
  });

  it('--attack without --byzantine says that no attacker runs', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '5', '--attack', 'bias'])).toBe(0);
    expect(io.err.join('')).toContain('--attack bias without --byzantine F runs no attackers');
    vi.restoreAllMocks();
    const quiet = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '5', '--attack', 'bias', '--byzantine', '0.2'])).toBe(0);
    expect(quiet.err.join('')).not.toContain('runs no attackers');
  });

  it('an unusable --storage directory is a one-line error (exit 1), not a stack trace or a hang', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'qres-sim-storage-')), 'not-a-dir');
    writeFileSync(file, 'x');
    for (const dir of [file, '/proc/qres-cannot-create']) {
      const io = capture();
      expect(await main(['sim', '--nodes', '30', '--seconds', '30', '--storage', dir])).toBe(1);
      const err = io.err.join('');
      expect(err).toMatch(/^qres sim: (load|save): cannot (list|create) /);
      expect(err).not.toMatch(/\n\s+at /);
      vi.restoreAllMocks();
    }
  });

  it('prints the same stateHash as the library for the same flags', async () => {
    const io = capture();
    await main(['sim', '--nodes', '60', '--seconds', '20', '--loss', '0.1', '--mtu', '127', '--json']);
    const { createSim } = await import('../../src/sim/runner');
    const sim = createSim({ nodes: 60, loss: 0.1, mtu: 127, layout: false });
    sim.step(200);
    expect(JSON.parse(io.out.join('')).stateHash).toBe(sim.stateHash());
  });

  it('--no-gossip sends no cure requests', async () => {
    const io = capture();
    await main(['sim', '--nodes', '150', '--seconds', '60', '--no-gossip', '--json']);
    expect(JSON.parse(io.out.join('')).heals.gossip).toBe(0);
  });

  it('a human summary without --json', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '5'])).toBe(0);
    expect(io.out.join('')).toMatch(/heals .* by gossip/);
  });

  it('--radio reports energy per node per day and battery life, from the frames the nodes sent and heard', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '40', '--seconds', '20', '--radio', 'lora-sf7', '--json'])).toBe(0);
    const r = JSON.parse(io.out.join(''));
    const e = r.energy;
    expect(e.radio).toBe('lora-sf7');
    // The silent swarm (the default): receivers counted on in their listen windows only; --chatty: always.
    expect(e.listening).toBe('scheduled');
    expect(e.note).toMatch(/scheduled listen windows/);
    expect(e.nodes).toBe(40);
    const d = e.perNodePerDay;
    expect(d.txJ).toBeGreaterThan(0);
    expect(d.rxJ).toBeGreaterThan(0);
    expect(d.txJ + d.rxJ + d.listenJ + d.sleepJ + d.mcuJ).toBeCloseTo(d.totalJ, 1);
    expect(d.txS + d.rxS + d.listenS + d.sleepS).toBeCloseTo(86_400, -1);
    expect(d.meanMw).toBeCloseTo((d.totalJ / 86_400) * 1000, 2);
    expect(e.battery.name).toBe('2 × AA alkaline');
    // Always listening on an SX1276 (10.8 mA at 3.3 V) empties 2 × AA in days (--chatty); the listen schedule of
    // the silent swarm makes them last longer, even in its first, busiest 20 s.
    const chattyIo = capture();
    expect(await main(['sim', '--nodes', '40', '--seconds', '20', '--radio', 'lora-sf7', '--json', '--chatty'])).toBe(0);
    const chatty = JSON.parse(chattyIo.out.join('')).energy;
    expect(chatty.listening).toBe('always');
    expect(chatty.battery.meanNodeYears * 365.25).toBeLessThan(10);
    expect(e.battery.meanNodeYears).toBeGreaterThan(chatty.battery.meanNodeYears);
    expect(e.battery.worstNodeYears).toBeLessThanOrEqual(e.battery.meanNodeYears);
    // The energy report decides nothing: the state hash is the one without --radio.
    const plain = capture();
    await main(['sim', '--nodes', '40', '--seconds', '20', '--json']);
    expect(JSON.parse(plain.out.join('')).stateHash).toBe(r.stateHash);
    expect(JSON.parse(plain.out.join(''))).not.toHaveProperty('energy');
  });

  it('energyReport takes per-node listen seconds (a listen schedule): receptions outside them are an infeasible schedule', async () => {
    const { createSim } = await import('../../src/sim/runner');
    const { energyReport } = await import('../../src/cli/commands/sim');
    const { radioProfile } = await import('../../src/core/energy/profiles');
    const sim = createSim({ nodes: 30, seed: 7 });
    sim.step(100);
    const always = energyReport(radioProfile('ble'), sim);
    const on = new Float64Array(31).fill(5); // each receiver on for 5 s of the 10 s run
    const scheduled = energyReport(radioProfile('ble'), sim, on) as { listening: string; note: string; perNodePerDay: { listenJ: number } };
    expect(scheduled.listening).toBe('scheduled');
    expect(scheduled.note).toMatch(/scheduled listen windows/);
    expect(scheduled.perNodePerDay.listenJ).toBeLessThan((always as { perNodePerDay: { listenJ: number } }).perNodePerDay.listenJ);
    const tooShort = energyReport(radioProfile('lora-sf12'), sim, new Float64Array(31).fill(0.001));
    expect(tooShort).toMatchObject({ radio: 'lora-sf12', infeasible: expect.stringMatching(/does not fit/) });
  });

  it('--radio also reports the steady state: the second half of the run, from the counters marked half-way', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '40', '--radio', 'ble', '--scenario', 'calm', '--json'])).toBe(0);
    const r = JSON.parse(io.out.join(''));
    const whole = r.energy;
    const steady = r.energySteady;
    expect(steady.window).toEqual({ fromS: 20, toS: 40 });
    expect(whole).not.toHaveProperty('window');
    // BLE airtime is linear in bytes, so the two halves add up to the whole run: a day of the whole is the mean
    // of a day of each half; the first half (every node new, speaking and Alert) is the dearer one.
    const { createSim } = await import('../../src/sim/runner');
    const { energyReport, radioMark } = await import('../../src/cli/commands/sim');
    const { radioProfile } = await import('../../src/core/energy/profiles');
    const { listenSeconds } = await import('../../src/sim/silence');
    const sim = createSim({ nodes: 30, scenario: 'calm' });
    sim.step(200);
    const mark = radioMark(sim);
    const first = energyReport(radioProfile('ble'), sim, listenSeconds(sim.world)) as { perNodePerDay: { totalJ: number; txJ: number } };
    sim.step(200);
    const second = energyReport(radioProfile('ble'), sim, listenSeconds(sim.world), mark) as { perNodePerDay: { totalJ: number; txJ: number } };
    expect(second.perNodePerDay.totalJ).toBeCloseTo(steady.perNodePerDay.totalJ, 2);
    expect((first.perNodePerDay.totalJ + second.perNodePerDay.totalJ) / 2).toBeCloseTo(whole.perNodePerDay.totalJ, 1);
    expect(first.perNodePerDay.txJ).toBeGreaterThan(second.perNodePerDay.txJ);
    const human = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '40', '--radio', 'ble', '--scenario', 'calm'])).toBe(0);
    expect(human.out.join('')).toMatch(/steady state +20–40 s \(the second half\): TX [\d.]+ J, .* = [\d.]+ J a day/);
  });

  it('--radio in the human summary: the split, mW, the battery and the listening assumption', async () => {
    const io = capture();
    expect(await main(['sim', '--nodes', '30', '--seconds', '5', '--radio', 'ble', '--chatty'])).toBe(0);
    const out = io.out.join('');
    expect(out).toMatch(/per node\/day +TX [\d.]+ J, RX [\d.]+ J, listen [\d.]+ J, sleep [\d.]+ J, MCU [\d.]+ J = [\d.]+ J \([\d.]+ mW mean/);
    expect(out).toMatch(/battery +2 × AA alkaline \(18000 J usable\)/);
    expect(out).toMatch(/every receiver is counted on whenever it is not transmitting/);
  });

  it.each([
    [['sim', '--radio', 'lora-sf9'], /--radio: unknown radio "lora-sf9"; valid: lora-sf7, lora-sf12, ieee802154, ble, wifi-twt/],
    [['sim', '--radio', ''], /--radio needs a name/],
    [['sim', '--radio', 'ieee802154', '--mtu', '1400'], /--radio ieee802154 carries at most 116 B a frame; the link MTU is 1400/],
    [['sim', '--nodes', 'abc'], /--nodes expects a number/],
    [['sim', '--bogus'], /Unknown option '--bogus'/],
    [['sim', '--loss', '2'], /loss: 2 is not a number in \[0, 0.99\]/],
    [['sim', '--seconds=-1'], /--seconds must be/],
    [['nope'], /unknown command 'nope'/],
  ])('%j is a usage error: exit 2 with a clear message', async (argv, message) => {
    const io = capture();
    expect(await main(argv)).toBe(2);
    expect(io.err.join('')).toMatch(message);
  });
});
