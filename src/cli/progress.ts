/**
 * The import's progress on stderr (README, "Command line"): on a terminal, one bar redrawn in
 * place with the rate (rows/s) and the time left; otherwise (a log, a pipe) a plain line at most
 * every PLAIN_EVERY_MS and one at the end. Hand-written: a few lines, where a progress-bar library
 * would bring its own terminal handling for one bar. Silent with `--json`.
 */
const PLAIN_EVERY_MS = 2_000;
const BAR_WIDTH = 30;
const REDRAW_EVERY_MS = 100;

interface Out {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

export function createProgressReporter(out: Out, silent: boolean) {
  let total = 0;
  let startedAt = 0;
  let startRows = 0;
  let lastWrite = 0;
  let drawn = false;
  let done = 0;

  function line(): string {
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = seconds > 0 ? (done - startRows) / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const share = total > 0 ? done / total : 1;
    return `${(share * 100).toFixed(1)}% ${done}/${total} rows, ${Math.round(rate)} rows/s, ETA ${duration(eta)}`;
  }

  function draw(force: boolean): void {
    if (silent || startedAt === 0) return;
    const at = Date.now();
    if (out.isTTY) {
      if (!force && at - lastWrite < REDRAW_EVERY_MS) return;
      const filled = Math.round((total > 0 ? done / total : 1) * BAR_WIDTH);
      out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${line()}\x1b[K`);
      drawn = true;
    } else {
      if (!force && at - lastWrite < PLAIN_EVERY_MS) return;
      out.write(`import: ${line()}\n`);
    }
    lastWrite = at;
  }

  return {
    /** The file's data rows, and those done by earlier runs (not counted in the rate). */
    start(rows: number, rowsDone: number): void {
      total = rows;
      done = rowsDone;
      startRows = rowsDone;
      startedAt = Date.now();
      draw(true);
    },
    update(rowsDone: number): void {
      done = rowsDone;
      draw(false);
    },
    /** The last state, and the terminal's line left clean for what follows. */
    end(): void {
      if (startedAt === 0) return;
      draw(true);
      if (drawn) out.write('\n');
      startedAt = 0;
      drawn = false;
    },
  };
}
