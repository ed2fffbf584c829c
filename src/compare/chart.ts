// The comparison chart as hand-built SVG text (in the manner of src/cli/ablation/chart.ts): one panel per link
// setting, the clean runs' smoothed prediction RMSE against sim time, one line per protocol (mean over seeds),
// with the storm changes marked. Fixed decimals everywhere, so the same figures give the same bytes.
import { STORM_PERIOD_S } from './harness';
import { PROTOCOL_LABELS, type Protocol } from './plan';
import type { CompareSummary } from './summary';

const WIDTH = 960;
const PANEL_H = 300;
const PLOT = { left: 70, right: 600, top: 50, bottom: 250 };
const COLOURS: Record<Protocol, string> = {
  qres: '#d62728',
  'fedavg-f32': '#1f77b4',
  'fedavg-gene': '#17becf',
  gossip: '#2ca02c',
  dpsgd: '#9467bd',
  local: '#7f7f7f',
};
const DASHES: Record<Protocol, string> = { qres: '', 'fedavg-f32': '', 'fedavg-gene': '6 3', gossip: '2 3', dpsgd: '8 3 2 3', local: '1 2' };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fx = (v: number): string => v.toFixed(1);

export function compareChartSvg(summary: CompareSummary): string {
  const { plan } = summary;
  const height = 40 + plan.links.length * PANEL_H;
  const all = summary.rows.flatMap((r) => r.series.slice(2)); // the first seconds start from an untrained model
  const yMax = Math.max(0.05, Math.ceil(Math.max(...all, 0) * 20) / 20);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Prediction RMSE on each node's own signal, clean runs (${SMOOTH_LABEL})</text>`,
  );
  plan.links.forEach(({ name, link }, p) => {
    const top = 30 + p * PANEL_H;
    const T = (y: number) => top + y;
    const xOf = (s: number) => PLOT.left + (s / Math.max(1, plan.seconds)) * (PLOT.right - PLOT.left);
    const yOf = (v: number) => T(PLOT.bottom) - (Math.min(v, yMax) / yMax) * (PLOT.bottom - PLOT.top);
    out.push(`<g data-link="${escapeXml(name)}">`);
    out.push(
      `<text x="${PLOT.left}" y="${fx(T(PLOT.top - 14))}" font-weight="bold">${escapeXml(link.label)}: mean of seeds ${plan.seeds.join(', ')}, ${plan.nodes} nodes</text>`,
    );
    for (let k = 0; k <= 4; k++) {
      const v = (yMax * k) / 4;
      const y = fx(yOf(v));
      out.push(`<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#e5e5e5"/>`);
      out.push(`<text x="${PLOT.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${v.toFixed(3)}</text>`);
    }
    for (let s = STORM_PERIOD_S; s < plan.seconds; s += STORM_PERIOD_S) {
      const x = fx(xOf(s));
      out.push(`<line x1="${x}" y1="${fx(T(PLOT.top))}" x2="${x}" y2="${fx(T(PLOT.bottom))}" stroke="#999999" stroke-dasharray="3 3"/>`);
    }
    const step = plan.seconds > 600 ? 120 : 60;
    for (let s = 0; s <= plan.seconds; s += step) {
      const x = fx(xOf(s));
      out.push(`<line x1="${x}" y1="${fx(T(PLOT.bottom))}" x2="${x}" y2="${fx(T(PLOT.bottom + 5))}" stroke="#333333"/>`);
      out.push(`<text x="${x}" y="${fx(T(PLOT.bottom + 18))}" text-anchor="middle">${s} s</text>`);
    }
    out.push(`<line x1="${PLOT.left}" y1="${fx(T(PLOT.bottom))}" x2="${PLOT.right}" y2="${fx(T(PLOT.bottom))}" stroke="#333333"/>`);
    out.push(`<line x1="${PLOT.left}" y1="${fx(T(PLOT.top))}" x2="${PLOT.left}" y2="${fx(T(PLOT.bottom))}" stroke="#333333"/>`);
    const rows = summary.rows.filter((r) => r.link === name);
    rows.forEach((row, i) => {
      const colour = COLOURS[row.protocol];
      const dash = DASHES[row.protocol] ? ` stroke-dasharray="${DASHES[row.protocol]}"` : '';
      const points = row.series.map((v, s) => `${fx(xOf(s + 1))},${fx(yOf(v))}`).join(' ');
      out.push(`<g data-protocol="${row.protocol}">`);
      out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5"${dash} points="${points}"/>`);
      const ly = T(PLOT.top + 10 + i * 22);
      out.push(`<line x1="${PLOT.right + 20}" y1="${fx(ly)}" x2="${PLOT.right + 50}" y2="${fx(ly)}" stroke="${colour}" stroke-width="2"${dash}/>`);
      out.push(`<text x="${PLOT.right + 56}" y="${fx(ly)}" dominant-baseline="middle">${escapeXml(PROTOCOL_LABELS[row.protocol])}</text>`);
      out.push('</g>');
    });
    out.push(`<text x="${PLOT.right + 20}" y="${fx(T(PLOT.bottom))}" fill="#555555" font-size="11">dashed grey: the storm changes</text>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const SMOOTH_LABEL = '5-s trailing window';
