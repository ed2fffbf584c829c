// docs/COMPARISON.md from a comparison summary. No timestamps and no timings: the same flags on the same machine
// give the same bytes (wall time goes to stderr). Tables use the CLI's markdown helpers (src/cli/report.ts).
import { machineLine, table } from '../cli/report';
import { pct } from '../cli/ablation/markdown';
import { FEDAVG_FRACTION, FEDAVG_ROUND_S } from './fedavg';
import { GOSSIP_PERIOD_S } from './gossipLearning';
import { DPSGD_ROUND_S } from './dpsgd';
import { MIN_SEGMENT_S, SMOOTH_S, WITHIN } from './metrics';
import { STORM_PERIOD_S } from './harness';
import { TX_QUEUE_FRAMES } from '../sim/linkModel';
import { ATTACK_FRACTION, PROTOCOL_LABELS, RUNS_PER_JOB, type Protocol } from './plan';
import type { CompareSummary, Row, Stat } from './summary';

const s1 = (x: number) => x.toFixed(1);
const r3 = (x: number) => x.toFixed(3);
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const both = (s: Stat, f: (x: number) => string) => `${f(s.mean)} / ${f(s.worst)}`;
const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function linkTable(rows: Row[]): string {
  return table(
    ['protocol', 'to 10 % of best after start, s', 'after each storm, s', 'RMSE', 'bytes / node / day', 'frames lost', 'dropped or expired'],
    rows.map((r) => [
      PROTOCOL_LABELS[r.protocol],
      both(r.recoveryStartS, s1),
      both(r.recoveryStormS, s1),
      both(r.rmse, r3),
      both(r.bytesPerNodePerDay, int),
      both(r.framesLost, int),
      both(r.framesDropped, int),
    ]),
  );
}

function attackTable(rows: Row[]): string {
  return table(
    ['protocol', 'RMSE, ALIE', 'drift, ALIE (%)', 'RMSE, sign flip', 'drift, sign flip (%)', 'outage: RMSE change', 'outage: nodes cut off'],
    rows.map((r) => [
      PROTOCOL_LABELS[r.protocol],
      both(r.attacks.alie.rmse, r3),
      both(r.attacks.alie.drift, pct),
      both(r.attacks['sign-flip'].rmse, r3),
      both(r.attacks['sign-flip'].drift, pct),
      `${signedPct(r.outageRise.mean)} / ${signedPct(r.outageRise.worst)}`,
      both(r.outageSeparated, s1),
    ]),
  );
}

/** Sentences computed from the figures (no hand-written result). */
function findings(s: CompareSummary): string[] {
  const out: string[] = [];
  for (const { name, link } of s.plan.links) {
    const rows = s.rows.filter((r) => r.link === name);
    const get = (p: Protocol) => rows.find((r) => r.protocol === p);
    const q = get('qres');
    if (!q) continue;
    const parts: string[] = [];
    for (const p of ['fedavg-f32', 'fedavg-gene', 'gossip', 'dpsgd', 'local'] as const) {
      const o = get(p);
      if (!o) continue;
      const bytes = q.bytesPerNodePerDay.mean / Math.max(1, o.bytesPerNodePerDay.mean);
      const time = o.recoveryStormS.mean / Math.max(1e-9, q.recoveryStormS.mean);
      const sends =
        o.bytesPerNodePerDay.mean === 0
          ? `${int(q.bytesPerNodePerDay.mean)} B per node per day where it sends none`
          : bytes >= 1
            ? `${bytes.toFixed(1)}× the bytes`
            : `${(100 * (1 - bytes)).toFixed(0)} % fewer bytes`;
      parts.push(
        `against ${PROTOCOL_LABELS[p]}, QRES sends ${sends}, ` +
          `its clean RMSE is ${signedPct(q.rmse.mean / o.rmse.mean - 1)} relative, and it settles after a storm ` +
          `${time >= 1 ? `${time.toFixed(1)}× as fast` : `${(1 / time).toFixed(1)}× as slow`} (mean ${s1(q.recoveryStormS.mean)} s vs ${s1(o.recoveryStormS.mean)} s)`,
      );
    }
    out.push(`- **${link.label}:** ${parts.join('; ')}.`);
    // Structural notes, from the link settings and the figures.
    const air = (bytes: number) => (bytes * 8) / link.bitrateBps;
    const offS = link.dutyCycle >= 1 ? 0 : (air(link.mtu) * (1 - link.dutyCycle)) / link.dutyCycle;
    if (offS > TX_QUEUE_FRAMES * air(link.mtu) && get('fedavg-f32')) {
      out.push(
        `  - At a ${link.dutyCycle * 100} % duty cycle a radio must stay silent ${offS.toFixed(1)} s after a full frame, longer than its ` +
          `transmit queue holds a frame (${TX_QUEUE_FRAMES} frames of airtime, ${(TX_QUEUE_FRAMES * air(link.mtu)).toFixed(2)} s), so the second ` +
          "frame of every two-frame message is dropped: FedAvg's float32 rows (46 B + headers) never arrive whole, no client installs a " +
          'global model, and that row is in effect local learning with a gateway beacon that fails.',
      );
    }
    const cut = rows.filter((r) => r.protocol !== 'local' && !r.protocol.startsWith('fedavg'));
    if (cut.length && cut.every((r) => r.outageSeparated.worst === 0)) {
      out.push(
        '  - The radio graph has no cut vertex here (no single node disconnects it), so the decentralised rows lose their highest-degree node instead, and the swarm routes around it.',
      );
    }
  }
  return out;
}

export function compareMarkdown(s: CompareSummary, command: string, chartPath: string): string {
  const p = s.plan;
  const lines: string[] = [
    '# QRES against FedAvg, gossip learning and D-PSGD on the same radio',
    '',
    'Generated by `qres compare`; do not edit by hand. Every row runs on the same devices, sensor field, noise zone and',
    'link model (loss, MTU fragmentation, bitrate, duty cycle, transmit queue) as `qres sim`; only the protocol',
    `differs. Each cell is **mean / worst** over seeds ${p.seeds.join(', ')} (worst = the largest value, for every figure here).`,
    '',
  ];
  for (const { name, link } of p.links) {
    const rows = s.rows.filter((r) => r.link === name);
    lines.push(`## ${link.label}`, '', linkTable(rows), '', `With ${ATTACK_FRACTION * 100} % attackers, and a 60-s radio outage:`, '', attackTable(rows), '');
  }
  lines.push(`![RMSE against sim time, per protocol](${chartPath})`, '', '## What the numbers say', '', ...findings(s), '');
  lines.push(
    '## What this does not measure',
    '',
    '- QRES runs with its defaults: silent consensus (a node broadcasts its model only with news) and pairwise radio ' +
      'authentication on every message (a 4-byte MIC per radio neighbour on a broadcast), which every baseline carries too. ' +
      'On the duty-cycled LoRa setting those MIC vectors make a consensus broadcast two or more frames, and the duty cycle ' +
      "drops all but the first: QRES's consensus, like FedAvg's rounds and D-PSGD's, gets (almost) nothing through there, so " +
      'its drift under attack reads 0 there for the same reason as theirs (`--radio-auth group`, one MIC per message, lets ' +
      'part of it through: 0.14 % under ALIE in one 300-s run). `qres compare` has no chatty or group-keyed QRES row.',
    '- The task is each node predicting its own signal. A model shared across the swarm helps little there (see the local-only ' +
      'row): the comparison measures what each protocol costs and how it fails, more than what it gains.',
    "- The outage fails one radio for 60 s. The radio graph of these swarms is 2-connected, so no node's loss cuts any " +
      'other off; a sparser swarm (fewer nodes, shorter range) would show what a real cut vertex costs.',
    "- FedAvg's gateway is modelled as one more radio on the same link model (one hop from everyone, same loss, bitrate " +
      'and duty cycle); a LoRaWAN network server, its downlink slots and its confirmed uplinks are not.',
    '',
    '## How it was made',
    '',
    'Generated by this command (rerun it to reproduce this file byte for byte on the same machine):',
    '',
    '```sh',
    command,
    '```',
    '',
    `- **Machine:** ${machineLine()}. Wall time goes to stderr, not into this file.`,
    `- **Runs:** ${p.links.length} link settings × ${p.seeds.length} seeds × ${p.protocols.length} protocols × ${RUNS_PER_JOB} runs ` +
      `(clean; ${ATTACK_FRACTION * 100} % attackers silent, the drift reference; ALIE; sign flip; outage) = ${s.runs} runs of ` +
      `${p.nodes} nodes for ${p.seconds} s of sim time.`,
    '- **QRES** is the real simulator (`createSim`) with its defaults (trimmed mean, reputation, own-data filter, cure gossip, ' +
      'attackers also poison cures). Its outage is injected by wrapping the link model from outside the tick (`src/compare/qres.ts`).',
    "- **Every baseline node** runs the same predictor (8 lags + bias, Q16) and the rulebook's NLMS step (μ = 0.02) on every " +
      "sample of its recent window; it has no regime detector, no mutation and no cures: those are QRES's. Baselines are in " +
      "`src/compare/`, on the simulator's own world, field systems and link model.",
    `- **FedAvg** (McMahan et al. 2017): a gateway one hop from every node on the same link model; rounds of ${FEDAVG_ROUND_S} s; ` +
      `C = ${FEDAVG_FRACTION} of the clients selected per round by a public hash; the global model broadcast at the round start is ` +
      'installed by every client that hears it; selected clients upload their model and sample count in the second half of the ' +
      'round; the server takes the n_k-weighted mean of what arrived. Rows as float32 (9 + 1 + 36 = 46 B: two 51-B frames) ' +
      "or as the 32-byte gene (9 + 1 + 32 = 42 B: one frame). Bytes per node per day include the gateway's broadcasts.",
    `- **Gossip learning** (Ormándi, Hegedűs & Jelasity 2013): every ${GOSSIP_PERIOD_S} s each node sends its model (gene + age) ` +
      "to one random radio neighbour; the receiver's new model is the mean of the received and the last received model " +
      '(merge, then update: the NLMS steps that follow).',
    `- **D-PSGD** (Lian et al. 2017): each node broadcasts its model once per ${DPSGD_ROUND_S}-s round; at the round's end ` +
      "x_i ← Σ_j W_ij x_j + (local NLMS steps since sending), W Metropolis–Hastings over the radio graph, a lost model's " +
      'weight returned to the node itself.',
    '- **Local NLMS only** sends nothing: every node learns its own signal alone with the same learner. It is the yardstick ' +
      "for what sharing models adds to a node's prediction of its own signal.",
    `- **Time to within 10 %:** the honest nodes' prediction RMSE on their own signal (the error before each learning step, ` +
      `as \`qres sim\` counts it), over a ${SMOOTH_S}-s trailing window; the storm changes frequency at every orbit of the noise ` +
      `zone (${STORM_PERIOD_S.toFixed(1)} s), so the run is cut into segments at those instants (a last segment shorter than ` +
      `${MIN_SEGMENT_S} s is not scored), and each segment scores the seconds from its start until the RMSE is within ` +
      `${Math.round((WITHIN - 1) * 100)} % of that segment's best. "After each storm" is the mean over the storm segments of a run. ` +
      'The swarm-wide RMSE also moves as the zone passes denser or sparser parts of the shell, so a short time can mean the ' +
      'segment started near its best, not that the swarm learnt fast: read it with the RMSE column and the chart.',
    `- **Attacks:** ${ATTACK_FRACTION * 100} % of the nodes (the same nodes, chosen by the seed, in every protocol). QRES's attackers ` +
      "craft from what they heard; FedAvg's selected attackers from the honest uploads of the round (omniscient, as ALIE " +
      "assumes); gossip attackers from their honest neighbours' current models; D-PSGD attackers from the honest models they " +
      'heard last round. ALIE uses z from (n, f); sign flip sends −μ (QRES: its own rule). **Drift** = ‖honest mean model − ' +
      'reference‖ / ‖reference‖ at the end, the reference being the same seed with the attackers silent (`src/sim/drift.ts`); ' +
      "QRES's model is its consensus model, a baseline's the model each node predicts with.",
    `- **Outage:** the FedAvg gateway, or for the others the radio graph's cut vertex that separates the most nodes (the ` +
      `highest-degree node if there is none), is off the air from ${p.failAtS} s for ${p.failForS} s; the figure is the honest ` +
      'RMSE over the outage and the 30 s after it against the same seconds of the clean run.',
    '',
  );
  return `${lines.join('\n')}\n`;
}
