// Logging a broker outage without flooding the log (issue 13 item 5): mqtt.js retries every 0.5 s and reports
// every failed attempt. The node logs the outage once when it starts, then at a backing-off interval (1, 2, 4 …
// 60 s) while it lasts, and once more when the connection is back, with how long it took.

export const OUTAGE_FIRST_REPORT_MS = 1000;
export const OUTAGE_MAX_REPORT_MS = 60_000;

export class OutageLog {
  private downSince: number | null = null;
  private nextReportAt = 0;
  private interval = OUTAGE_FIRST_REPORT_MS;
  /** Failed attempts (errors, disconnects) in the current outage. */
  attempts = 0;
  /** Outages so far, and log lines written about them (for tests and /status). */
  outages = 0;
  lines = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly url: string,
    private readonly now: () => number = Date.now,
    private readonly maxIntervalMs = OUTAGE_MAX_REPORT_MS,
  ) {}

  get down(): boolean {
    return this.downSince !== null;
  }

  /** Milliseconds since the outage began (0 when connected). */
  get downForMs(): number {
    return this.downSince === null ? 0 : this.now() - this.downSince;
  }

  private write(line: string): void {
    this.lines++;
    this.log(line);
  }

  /** A failed attempt or a lost connection; `reason` is one short phrase (e.g. "connect ECONNREFUSED"). */
  failure(reason: string): void {
    const t = this.now();
    if (this.downSince === null) {
      this.downSince = t;
      this.attempts = 1;
      this.outages++;
      this.interval = OUTAGE_FIRST_REPORT_MS;
      this.nextReportAt = t + this.interval;
      this.write(`broker ${this.url} unreachable (${reason}); running and retrying, reports back off to every ${this.maxIntervalMs / 1000} s`);
      return;
    }
    this.attempts++;
    if (t < this.nextReportAt) return;
    this.write(`broker ${this.url} still unreachable after ${((t - this.downSince) / 1000).toFixed(0)} s (${this.attempts} attempts; last: ${reason})`);
    this.interval = Math.min(this.interval * 2, this.maxIntervalMs);
    this.nextReportAt = t + this.interval;
  }

  /** Connected: ends an outage (logging its length) if there was one. */
  connected(what: string): void {
    if (this.downSince === null) return void this.write(what);
    const s = ((this.now() - this.downSince) / 1000).toFixed(1);
    this.write(`${what}, after an outage of ${s} s (${this.attempts} failed attempts)`);
    this.downSince = null;
    this.attempts = 0;
  }
}
