/**
 * Local time in a guest's zone (docs/notifications.md, Digest emails): the date, hour and weekday
 * an instant falls on, read with Intl.DateTimeFormat in that zone. No offset arithmetic anywhere,
 * so a daylight-saving change can neither skip nor repeat a local date: every instant has exactly
 * one local date, and the dates follow one another whatever the clocks do.
 */
import { isTimeZone } from '../core/validation.js';
import type { Weekday } from '../guests/guest.schemas.js';

export interface LocalTime {
  /** `YYYY-MM-DD`. */
  date: string;
  /** 0-23. */
  hour: number;
  /** `HH:MM`. */
  time: string;
  weekday: Weekday;
}

/** One formatter per zone: building one costs far more than using it. Bounded by the zones in use. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 1000;

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'long',
    });
    if (formatters.size < MAX_FORMATTERS) formatters.set(zone, formatter);
  }
  return formatter;
}

/**
 * The zone a guest's digest follows: their own, else the organization's, else UTC. A stored name
 * that is not a zone (zones are checked when written, but old rows may hold anything) is passed over.
 */
export function effectiveZone(guestZone: string | null, organizationZone: string | null): string {
  if (guestZone !== null && isTimeZone(guestZone)) return guestZone;
  if (organizationZone !== null && isTimeZone(organizationZone)) return organizationZone;
  return 'UTC';
}

/** The local date, hour and weekday of `at` in `zone` (a valid IANA name: see effectiveZone). */
export function localTime(at: Date, zone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(at)) parts[part.type] = part.value;
  const hour = Number(parts.hour);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour,
    time: `${String(hour).padStart(2, '0')}:${parts.minute}`,
    weekday: parts.weekday as Weekday,
  };
}
