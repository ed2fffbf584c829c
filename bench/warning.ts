// npm run bench:warning — the early warning's trade-off over the regime detector's PreStorm threshold on the default
// storm scenario (150 nodes, 600 s, seeds 1–5), into docs/BENCHMARKS.md (section "warning").
//
// How: each seed runs once with the product's detector (SIM_REGIME_PARAMS). Beside it, every honest node's same
// inputs (|prediction error| and entropy after each tick's cortex step) feed shadow detectors with other parameters,
// each with its own early-warning tracker (systems/earlyWarning.ts, the definitions of `qres sim --json`). The
// shadows do not feed back (heals still follow the product's regimes), so a row other than the product's says what
// that detector would have reported on the same swarm. The "any rise" row (slope > 0, no confirmation) is the
// ceiling of a slope-of-entropy detector on this signal model.
// Deterministic: the same figures on every machine.
import { createSim } from '../src/sim/runner';
import { ROLE_HONEST } from '../components/body';
import * as q16 from '../src/core/fixed/q16';
import { type RegimeParams, regimeInitAt, regimeStepAt, regimeWordsFor } from '../src/core/neuron/regimeDetector';
import { SIM_REGIME_PARAMS } from '../src/core/rules/model';
import { createWarningTracker, type EarlyWarningReport, trackRegime, type WarningTracker, warningReport } from '../systems/earlyWarning';
import { table, writeSection } from '../src/cli/report';

const SEEDS = [1, 2, 3, 4, 5];
const NODES = 150;
const SECONDS = 600;
const write = !process.argv.includes('--no-write');

const P = SIM_REGIME_PARAMS;
const variants: Array<{ label: string; params: RegimeParams }> = [
  { label: 'slope > 0.04, confirm 3', params: { ...P, slopeThreshold: q16.fromFloat(0.04) } },
  { label: `slope > ${q16.toFloat(P.slopeThreshold).toFixed(3)}, confirm ${P.confirm} (shadow of the default)`, params: P },
  { label: 'slope > 0.015, confirm 3', params: { ...P, slopeThreshold: q16.fromFloat(0.015) } },
  { label: 'slope > 0.01, confirm 3', params: { ...P, slopeThreshold: q16.fromFloat(0.01) } },
  { label: 'slope > 0.0075, confirm 3', params: { ...P, slopeThreshold: q16.fromFloat(0.0075) } },
  { label: 'slope > 0.005, confirm 3', params: { ...P, slopeThreshold: q16.fromFloat(0.005) } },
  { label: 'slope > 0.0025, confirm 3', params: { ...P, slopeThreshold: q16.fromFloat(0.0025) } },
  { label: 'slope > 0.001, confirm 3', params: { ...P, slopeThreshold: q16.fromFloat(0.001) } },
  { label: 'slope > 0.005, confirm 1', params: { ...P, slopeThreshold: q16.fromFloat(0.005), confirm: 1 } },
  { label: 'any rise (slope > 0), confirm 1: the ceiling', params: { ...P, slopeThreshold: 0, confirm: 1 } },
];

function merge(into: WarningTracker, t: WarningTracker): void {
  into.onsets += t.onsets;
  into.warned += t.warned;
  into.alarmed += t.alarmed;
  into.flaps += t.flaps;
  into.preEpisodes += t.preEpisodes;
  into.alarms += t.alarms;
  into.falseAlarms += t.falseAlarms;
  into.nodeTicks += t.nodeTicks;
  for (let k = 0; k < t.leads.length; k++) into.leads[k]! += t.leads[k]!;
}

const words = regimeWordsFor(P.window);
const product = createWarningTracker(0, 100);
const totals = variants.map(() => createWarningTracker(0, 100));
const perSeedWarned: number[][] = variants.map(() => []);
const started = performance.now();
for (const seed of SEEDS) {
  const sim = createSim({ nodes: NODES, seed });
  const n = sim.world.n;
  const ticks = Math.round((SECONDS * 1000) / sim.config.tickMs);
  const records = variants.map(() => {
    const r = new Int32Array(words * (n + 1));
    for (let eid = 1; eid <= n; eid++) regimeInitAt(r, words * eid, P.window);
    return r;
  });
  const trackers = variants.map(() => createWarningTracker(n + 1, sim.config.tickMs));
  const { Neuron, Role } = sim.world.components;
  for (let k = 0; k < ticks; k++) {
    sim.step(1);
    const errors = sim.world.scratch.error;
    for (let eid = 1; eid <= n; eid++) {
      if (Role.kind[eid] !== ROLE_HONEST) continue;
      const absError = q16.abs(errors[eid]!);
      const entropy = Neuron.entropy[eid]!;
      for (let v = 0; v < variants.length; v++) {
        const regime = regimeStepAt(records[v]!, words * eid, absError, entropy, variants[v]!.params) & 3;
        trackRegime(trackers[v]!, eid, regime);
      }
    }
  }
  merge(product, sim.world.counters.earlyWarning!);
  trackers.forEach((t, v) => {
    merge(totals[v]!, t);
    perSeedWarned[v]!.push(warningReport(t).warnedPct);
  });
  process.stderr.write(`bench:warning: seed ${seed} done\n`);
}

const row = (label: string, w: EarlyWarningReport, seeds?: number[]) => [
  label,
  String(w.onsets),
  `${w.warnedPct} %${seeds ? ` (${Math.min(...seeds)}–${Math.max(...seeds)})` : ''}`,
  `${w.alarmed ? ((100 * w.alarmed) / w.onsets).toFixed(1) : '0'} %`,
  `${w.leadTicks.p50} / ${w.leadTicks.p95}`,
  String(w.falseAlarmsPerNodeHour),
  `${w.flapsPct} %`,
];
const productReport = warningReport(product);
const rows = [
  row('**product** (sim regimes, SIM_REGIME_PARAMS)', productReport),
  ...variants.map((v, i) => row(v.label, warningReport(totals[i]!), perSeedWarned[i])),
];
const reports = totals.map((t) => warningReport(t));
const meets = (w: EarlyWarningReport) => [w.warnedPct >= 90, w.falseAlarmsPerNodeHour <= 1, w.flapsPct <= 5];
const verdict = variants
  .map((v, i) => {
    const m = meets(reports[i]!);
    return `- ${v.label}: warned ≥ 90 % ${m[0] ? 'met' : 'not met'}, false alarms ≤ 1 ${m[1] ? 'met' : 'not met'}, flaps ≤ 5 % ${m[2] ? 'met' : 'not met'}`;
  })
  .join('\n');
const d = productReport.definitions;
const ceiling = reports[reports.length - 1]!;
const targetsOf = (w: EarlyWarningReport) => meets(w).filter(Boolean).length;
const best = Math.max(...reports.map(targetsOf));
const allThree = variants.filter((_, i) => targetsOf(reports[i]!) === 3).map((v) => v.label);
const defaultTargets = targetsOf(productReport);
const conclusion = [
  allThree.length
    ? `All three targets are met by: ${allThree.join('; ')}.`
    : `No threshold meets all three targets: warning ≥ 90 % of onsets ≥ 4 ticks ahead takes a slope threshold (≤ 0.005) low enough that PreStorm also fires on many rises of entropy that no Storm follows within 2 s (false alarms far above 1 per node-hour); the thresholds that keep false alarms ≤ 1 per node-hour (≥ 0.015) warn of at most ~16 % of onsets. The default meets ${defaultTargets} of 3 (false alarms, flaps), the best row ${best} of 3, so the default tuning is left as it is.`,
  `The signal model itself allows warning: even the ceiling (PreStorm on any rise of the entropy average, no confirmation) leaves ${(100 - ceiling.warnedPct).toFixed(1)} % of ${ceiling.onsets} onsets (${ceiling.onsets - ceiling.warned}) without any PreStorm 4..${d.windowTicks} ticks before the onset (their entropy average starts rising within the last 3 ticks, as when the zone's edge sweeps a node in one tick); for the other ~99 % a 4-tick lead is possible in the signal, so the shortfall is the detector's selectivity (a 3-point slope of the entropy EMA), not the signal model. The ceiling's false-alarm figure is low only because its alarms run into each other (lead p50 ${ceiling.leadTicks.p50} ticks): it fires almost all the time.`,
].join('\n\n');

const text = `## Early warning: PreStorm threshold trade-off (\`npm run bench:warning\`)

Default storm scenario, ${NODES} nodes, ${SECONDS} s, seeds ${SEEDS.join(', ')}, honest nodes; totals over the seeds (deterministic).
Definitions (those of \`qres sim --json\` → \`earlyWarning\`, systems/earlyWarning.ts): an onset is an entry into Storm
after ≥ ${d.onsetMinCalmTicks} ticks out of Storm; re-entries within ${d.flapWithinS} s of leaving Storm are flaps (share of
onsets). Warned: a PreStorm tick ${d.leadMinTicks}..${d.windowTicks} ticks before the onset. An alarm is a group of PreStorm
ticks (gaps < ${d.falseAlarmHorizonS} s); lead = onset − the alarm's first tick (p50 / p95 ticks, 100 ms each, over alarmed
onsets); an alarm with no Storm within ${d.falseAlarmHorizonS} s of its last PreStorm tick is a false alarm (per node-hour).
The first row is the product's own report; the other rows are shadow detectors fed the same per-node inputs
(|error|, entropy) every tick, without feedback on the swarm (see bench/warning.ts). Warned % in brackets: range over seeds.

${table(['detector', 'onsets', 'warned ≥ 4 ticks', 'any warning', 'lead p50 / p95', 'false alarms / node-h', 'flaps'], rows)}

Targets (≥ 90 % warned ≥ 4 ticks, ≤ 1 false alarm per node-hour, flaps ≤ 5 %):
${verdict}

${conclusion}
`;
process.stdout.write(`${text}\n`);
process.stderr.write(`bench:warning: ${Math.round(performance.now() - started)} ms\n`);
if (write) {
  writeSection('warning', text);
  process.stderr.write('bench:warning: wrote docs/BENCHMARKS.md (section "warning")\n');
}
