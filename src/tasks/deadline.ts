/**
 * Deadlines as clients send them (docs/tasks.md, Create task): the service's own
 * `YYYY-MM-DD HH:MM:SS`, taken as UTC, or ISO 8601 with a zone, which Tallyfy's clients and most
 * date libraries write. Either is stored and answered as `YYYY-MM-DD HH:MM:SS` UTC.
 */
import { formatTimestamp, isValidTimestamp } from '../core/time.js';

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export const DEADLINE_MESSAGE =
  'The deadline must be a date and time: `YYYY-MM-DD HH:MM:SS` (UTC) or ISO 8601 with a time zone.';

/** The deadline in UTC, `YYYY-MM-DD HH:MM:SS`; undefined when it names no real moment. */
export function parseDeadline(value: string): string | undefined {
  if (isValidTimestamp(value)) return value;
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [, date, hourMinute, seconds = '00', zone = 'Z'] = m;
  // The written wall time must itself be real (no 31 February, no hour 24) before the zone moves it.
  if (!isValidTimestamp(`${date} ${hourMinute}:${seconds}`)) return undefined;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (offset !== 'Z' && (hours > 23 || minutes > 59)) return undefined;
  const ms = Date.parse(`${date}T${hourMinute}:${seconds}${offset}`);
  if (Number.isNaN(ms)) return undefined;
  const utc = formatTimestamp(new Date(ms));
  // Years outside 0000-9999 do not fit the stored format.
  return isValidTimestamp(utc) ? utc : undefined;
}
