// The ablation chart as hand-built SVG text: worst-case drift against attacker fraction, one line per
// aggregator, a 5 % reference line and a legend. The y axis is logarithmic because drifts span from
// hundredths of a percent (robust methods) to hundreds (the mean under sign flip); values under the floor
// are drawn on it. Every coordinate is printed with fixed decimals, so the same figures give the same bytes.
import { BREAKDOWN_DRIFT, worstCell, type AblationSummary } from './summary';

const WIDTH = 800;
const HEIGHT = 460;
const PLOT = { left: 80, right: 580, top: 56, bottom: 390 };
/** Lowest percentage on the log axis. */
const FLOOR_PCT = 0.01;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '', '6 3', '2 3', '8 3 2 3', '', '6 3'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fx = (v: number): string => v.toFixed(1);

function pctLabel(pct: number): string {
  return pct >= 1 ? `${pct.toFixed(0)} %` : `${pct} %`;
}

export function ablationChartSvg(summary: AblationSummary): string {
  const { aggregators, fractions } = summary.plan;
  const maxPct = Math.max(FLOOR_PCT, ...summary.worst.map((c) => c.worstDrift * 100));
  const topDecade = Math.max(2, Math.ceil(Math.log10(maxPct))); // at least 100 %
  const bottomDecade = Math.log10(FLOOR_PCT);
  const fMin = fractions[0] ?? 0;
  const fMax = fractions[fractions.length - 1] ?? 0;
  const xOf = (f: number): number => (fMax > fMin ? PLOT.left + ((f - fMin) / (fMax - fMin)) * (PLOT.right - PLOT.left) : (PLOT.left + PLOT.right) / 2);
  const yOf = (pct: number): number => {
    const d = Math.log10(Math.max(FLOOR_PCT, pct));
    return PLOT.bottom - ((d - bottomDecade) / (topDecade - bottomDecade)) * (PLOT.bottom - PLOT.top);
  };

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(`<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">Worst-case consensus drift vs attacker fraction</text>`);
  out.push(
    `<text x="${WIDTH / 2}" y="42" text-anchor="middle" fill="#555555">worst over ${summary.plan.attacks.length} attacks and ${summary.plan.seeds} seed(s); ${summary.plan.nodes} nodes, ${summary.plan.seconds} s of sim time</text>`,
  );

  // Grid and y axis: one line per decade.
  for (let d = Math.ceil(bottomDecade); d <= topDecade; d++) {
    const pct = 10 ** d;
    const y = fx(yOf(pct));
    out.push(`<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${PLOT.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${pctLabel(Number(pct.toPrecision(1)))}</text>`);
  }
  // X axis ticks: one per swept fraction.
  for (const f of fractions) {
    const x = fx(xOf(f));
    out.push(`<line x1="${x}" y1="${PLOT.bottom}" x2="${x}" y2="${PLOT.bottom + 5}" stroke="#333333"/>`);
    out.push(`<text x="${x}" y="${PLOT.bottom + 20}" text-anchor="middle">${Number((f * 100).toFixed(2))} %</text>`);
  }
  out.push(`<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#333333"/>`);
  out.push(`<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="#333333"/>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 44}" text-anchor="middle">attacker fraction</text>`);
  out.push(
    `<text x="20" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" transform="rotate(-90 20 ${(PLOT.top + PLOT.bottom) / 2})">worst-case drift (%, log scale)</text>`,
  );

  // The breakdown threshold.
  const yRef = fx(yOf(BREAKDOWN_DRIFT * 100));
  out.push(`<line x1="${PLOT.left}" y1="${yRef}" x2="${PLOT.right}" y2="${yRef}" stroke="#000000" stroke-dasharray="4 4"/>`);
  // Labelled at the left end, where the lines are at their lowest (no attackers at fraction 0).
  out.push(`<text x="${PLOT.left + 6}" y="${fx(yOf(BREAKDOWN_DRIFT * 100) - 5)}">${BREAKDOWN_DRIFT * 100} % breakdown</text>`);

  // One line per aggregator, with a marker per point; a legend entry beside the plot.
  aggregators.forEach((aggregator, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const dash = DASHES[i % DASHES.length]!;
    const points = fractions.map((f) => {
      const pct = (worstCell(summary, aggregator, f)?.worstDrift ?? 0) * 100;
      return [xOf(f), yOf(pct)] as const;
    });
    const name = escapeXml(aggregator);
    const dashAttr = dash ? ` stroke-dasharray="${dash}"` : '';
    out.push(`<g data-aggregator="${name}">`);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dashAttr} points="${points.map(([x, y]) => `${fx(x)},${fx(y)}`).join(' ')}"/>`);
    for (const [x, y] of points) out.push(`<circle cx="${fx(x)}" cy="${fx(y)}" r="3" fill="${colour}"/>`);
    const ly = PLOT.top + 10 + i * 22;
    out.push(`<line x1="${PLOT.right + 24}" y1="${ly}" x2="${PLOT.right + 54}" y2="${ly}" stroke="${colour}" stroke-width="2"${dashAttr}/>`);
    out.push(`<text x="${PLOT.right + 62}" y="${ly}" dominant-baseline="middle">${name}</text>`);
    out.push('</g>');
  });
  out.push(`<text x="${PLOT.right + 24}" y="${PLOT.bottom}" fill="#555555" font-size="11">drift ≤ ${FLOOR_PCT} % is drawn on the floor</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Drift over time for the worst attack (summary.overTime): one line per aggregator, the worst over seeds at each
 * time point, on a linear axis (what matters here is whether a line levels off or keeps rising), with the 5 %
 * line. Empty string when the sweep had no attacked fraction.
 */
export function ablationTimeChartSvg(summary: AblationSummary): string {
  const o = summary.overTime;
  if (!o) return '';
  const tMax = o.times[o.times.length - 1] ?? 1;
  const maxPct = Math.max(BREAKDOWN_DRIFT * 100, ...o.lines.flatMap((l) => l.worstDrift.map((d) => d * 100)));
  // A round top: the next multiple of 1, 2 or 5 × 10^k above the largest value.
  const mag = 10 ** Math.floor(Math.log10(maxPct));
  const top = [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= maxPct * 1.05) ?? 10 * mag;
  const step = top / 5;
  const xOf = (t: number): number => PLOT.left + (t / tMax) * (PLOT.right - PLOT.left);
  const yOf = (pct: number): number => PLOT.bottom - (pct / top) * (PLOT.bottom - PLOT.top);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">Worst-case drift over time: ${escapeXml(o.attack)} at ${Number((o.fraction * 100).toFixed(2))} % attackers</text>`,
  );
  out.push(
    `<text x="${WIDTH / 2}" y="42" text-anchor="middle" fill="#555555">worst over ${summary.plan.seeds} seed(s) at each time; ${summary.plan.nodes} nodes, ${summary.plan.seconds} s of sim time</text>`,
  );
  for (let k = 0; k <= 5; k++) {
    const pct = step * k;
    const y = fx(yOf(pct));
    out.push(`<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${PLOT.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${Number(pct.toPrecision(3))} %</text>`);
  }
  for (const t of [0, ...o.times]) {
    const x = fx(xOf(t));
    out.push(`<line x1="${x}" y1="${PLOT.bottom}" x2="${x}" y2="${PLOT.bottom + 5}" stroke="#333333"/>`);
  }
  for (const t of [0, o.times[Math.floor(o.times.length / 2) - 1] ?? tMax, tMax]) {
    out.push(`<text x="${fx(xOf(t))}" y="${PLOT.bottom + 20}" text-anchor="middle">${Number(t.toFixed(1))} s</text>`);
  }
  out.push(`<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#333333"/>`);
  out.push(`<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="#333333"/>`);
  out.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 44}" text-anchor="middle">sim time</text>`);
  out.push(
    `<text x="20" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" transform="rotate(-90 20 ${(PLOT.top + PLOT.bottom) / 2})">worst-case drift (%)</text>`,
  );
  const yRef = fx(yOf(BREAKDOWN_DRIFT * 100));
  out.push(`<line x1="${PLOT.left}" y1="${yRef}" x2="${PLOT.right}" y2="${yRef}" stroke="#000000" stroke-dasharray="4 4"/>`);
  out.push(`<text x="${PLOT.left + 6}" y="${fx(yOf(BREAKDOWN_DRIFT * 100) - 5)}">${BREAKDOWN_DRIFT * 100} % target</text>`);
  o.lines.forEach(({ aggregator, worstDrift }, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const dash = DASHES[i % DASHES.length]!;
    // From the start (no drift at time 0: both runs start from the same state).
    const points = [[xOf(0), yOf(0)] as const, ...worstDrift.map((d, k) => [xOf(o.times[k]!), yOf(d * 100)] as const)];
    const name = escapeXml(aggregator);
    const dashAttr = dash ? ` stroke-dasharray="${dash}"` : '';
    out.push(`<g data-aggregator="${name}">`);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dashAttr} points="${points.map(([x, y]) => `${fx(x)},${fx(y)}`).join(' ')}"/>`);
    for (const [x, y] of points.slice(1)) out.push(`<circle cx="${fx(x)}" cy="${fx(y)}" r="3" fill="${colour}"/>`);
    const ly = PLOT.top + 10 + i * 22;
    out.push(`<line x1="${PLOT.right + 24}" y1="${ly}" x2="${PLOT.right + 54}" y2="${ly}" stroke="${colour}" stroke-width="2"${dashAttr}/>`);
    out.push(`<text x="${PLOT.right + 62}" y="${ly}" dominant-baseline="middle">${name}</text>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
