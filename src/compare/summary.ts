// Mean and worst over seeds of every figure, per link setting and protocol.
import { max, mean } from './metrics';
import { ATTACKS, type ComparePlan, type JobResult, type Protocol } from './plan';

export interface Stat {
  mean: number;
  worst: number;
}

export interface Row {
  link: string;
  protocol: Protocol;
  /** Seconds to within 10 % of the best RMSE after start, and after the storms (mean over the storms of a run). */
  recoveryStartS: Stat;
  recoveryStormS: Stat;
  rmse: Stat;
  bytesPerNodePerDay: Stat;
  framesLost: Stat;
  framesDropped: Stat;
  attacks: Record<(typeof ATTACKS)[number], { rmse: Stat; drift: Stat }>;
  /** RMSE rise (fraction) over the outage and 30 s after, against the clean run. */
  outageRise: Stat;
  /** Nodes the failed node cut off from the others (mean / most over seeds). */
  outageSeparated: Stat;
  /** Mean over seeds of the clean runs' smoothed RMSE, per second. */
  series: number[];
}

export interface CompareSummary {
  plan: ComparePlan;
  rows: Row[];
  runs: number;
}

/** Larger is worse for every figure here. */
const stat = (xs: number[]): Stat => ({ mean: mean(xs), worst: max(xs) });

export function summarize(plan: ComparePlan, results: readonly JobResult[], runs: number): CompareSummary {
  const rows: Row[] = [];
  plan.links.forEach(({ name }, link) => {
    for (const protocol of plan.protocols) {
      const rs = results.filter((r) => r.job.link === link && r.job.protocol === protocol);
      const attacks = {} as Row['attacks'];
      for (const a of ATTACKS) {
        attacks[a] = { rmse: stat(rs.map((r) => r.attacks[a].rmse)), drift: stat(rs.map((r) => r.attacks[a].drift)) };
      }
      rows.push({
        link: name,
        protocol,
        recoveryStartS: stat(rs.map((r) => r.recovery[0] ?? 0)),
        recoveryStormS: stat(rs.map((r) => mean(r.recovery.slice(1)))),
        rmse: stat(rs.map((r) => r.rmse)),
        bytesPerNodePerDay: stat(rs.map((r) => r.bytesPerNodePerDay)),
        framesLost: stat(rs.map((r) => r.framesLost)),
        framesDropped: stat(rs.map((r) => r.framesDropped)),
        attacks,
        outageRise: stat(rs.map((r) => r.outage.rise)),
        outageSeparated: stat(rs.map((r) => r.outage.separated)),
        series: (rs[0]?.series ?? []).map((_, s) => mean(rs.map((r) => r.series[s] ?? 0))),
      });
    }
  });
  return { plan, rows, runs };
}
