// A progress bar on stderr for long runs. It draws only on a TTY (or when forced), at most 10 times a
// second, and only once the run has lasted a second, so short runs and pipes stay clean.

export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  const enabled = stream.isTTY === true || process.env.QRES_PROGRESS === '1';
  const draw = (done: number): void => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const elapsed = (Date.now() - started) / 1000;
    const eta = frac > 0 ? elapsed / frac - elapsed : 0;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    stream.write(`\r${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${elapsed.toFixed(1)}s elapsed, ~${eta.toFixed(1)}s left `);
    drawn = true;
  };
  return {
    update(done) {
      if (!enabled) return;
      const now = Date.now();
      if (now - started < 1000 || now - lastDraw < 100) return;
      lastDraw = now;
      draw(done);
    },
    finish() {
      if (!enabled || !drawn) return;
      draw(total);
      stream.write('\n');
    },
  };
}
