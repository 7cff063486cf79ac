/** The API's timestamp format: UTC, `YYYY-MM-DD HH:MM:SS`. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function now(): string {
  return formatTimestamp(new Date());
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** True for a `YYYY-MM-DD HH:MM:SS` string naming a real moment (no 31 February, no hour 24). */
export function isValidTimestamp(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** The clock hour `date` falls in (fixed-window counters): its start, and the seconds left in it. */
export function hourWindow(date: Date): { start: string; secondsLeft: number } {
  const start = new Date(date);
  start.setUTCMinutes(0, 0, 0);
  return {
    start: formatTimestamp(start),
    secondsLeft: Math.max(1, Math.ceil((start.getTime() + 3_600_000 - date.getTime()) / 1000)),
  };
}
