/**
 * Realistic guest bodies, the same for a given key and index wherever they are made: the seeded
 * guests, the create requests and the floors all use these, so service and floors store and
 * read rows of the same shape. Email domains are a few dozen company domains under `.example`,
 * answered by the benchmark's own DNS server: after the first request per domain the service's
 * DNS check is a cache hit, as for a real customer whose guests come from a few companies.
 */
import { formatTimestamp } from '../../src/core/time.js';

const FIRST_NAMES = [
  'Anna',
  'Ben',
  'Chloe',
  'David',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Luis',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
];
const LAST_NAMES = [
  'Berg',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'García',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Meyer',
  'Nakamura',
  'Okafor',
];
const COMPANIES = [
  'Northwind Traders',
  'Contoso Logistics',
  'Fabrikam Industries',
  'Tailspin Toys',
  'Wide World Importers',
  'Adventure Works',
  'Litware Consulting',
  'Proseware Labs',
  'Woodgrove Finance',
  'Coho Vineyard',
  'Alpine Ski House',
  'Blue Yonder Airlines',
  'Fourth Coffee',
  'Graphic Design Institute',
  'Humongous Insurance',
  'Lucerne Publishing',
  'Margie Travel',
  'Relecloud',
  'Trey Research',
  'VanArsdel Foods',
  'Wingtip Toys',
  'Southridge Video',
  'Consolidated Messenger',
  'Datum Corporation',
];
const TIMEZONES = [
  'America/Chicago',
  'Europe/Berlin',
  'Asia/Tokyo',
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
];

/** The DNS suffix every guest domain lives under; the benchmark's DNS server answers MX for it. */
export const GUEST_DOMAIN_SUFFIX = 'example';

function slug(company: string): string {
  return company
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}

export interface GuestProfile {
  email: string;
  first_name: string;
  last_name: string;
  company_name: string;
  company_url: string;
  phone_1: string;
  timezone: string;
  associated_members: number[];
}

/** Guest number `i` of the series `key` (`seed…` for seeded guests, a run id for creates). */
export function guestProfile(key: string, i: number, memberIds: number[]): GuestProfile {
  const first = pick(FIRST_NAMES, i);
  const last = pick(LAST_NAMES, Math.floor(i / FIRST_NAMES.length));
  const company = pick(COMPANIES, i * 7);
  const domain = `${slug(company)}.${GUEST_DOMAIN_SUFFIX}`;
  const local = `${first}.${last}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  return {
    email: `${local}.${key}.${i}@${domain}`,
    first_name: first,
    last_name: last,
    company_name: company,
    company_url: `https://www.${domain}`,
    phone_1: `+1-212-555-${String(i % 10_000).padStart(4, '0')}`,
    timezone: pick(TIMEZONES, i),
    associated_members: [pick(memberIds, i)],
  };
}

/**
 * The last name a few guests of a large organization carry, and nothing else in the seeded data
 * contains: the `q` search of the scale cases matches exactly those guests.
 */
export const RARE_LAST_NAME = 'Ekdahl-Lindqvist';
/** The `q` term of the scale cases: a part of {@link RARE_LAST_NAME} (and of those guests' emails). */
export const SEARCH_TERM = 'lindqvist';
/** How many guests of a large organization carry {@link RARE_LAST_NAME}, whatever its size. */
export const RARE_GUESTS = 5;

/** Guests of a large organization with no company: addresses at a mail provider's domain. */
const MAIL_DOMAINS = ['mailbox', 'post', 'inbox', 'webmail'].map((name) => `${name}.${GUEST_DOMAIN_SUFFIX}`);

/** The columns of one imported guest that a large organization's seed writes (the rest stay null). */
export interface ImportedGuest {
  email: string;
  first_name: string | null;
  last_name: string | null;
  phone_1: string | null;
  company_name: string | null;
  company_url: string | null;
  timezone: string | null;
  associated_members: string;
  created_at: string;
  updated_at: string;
}

/** Knuth's multiplicative hash: neighbouring indexes get unrelated picks. */
const mix = (i: number) => Math.imul(i + 1, 2654435761) >>> 0;

/**
 * Guest number `i` of `count` in a large organization, as an import of a real customer's list
 * would leave it: names from the lists in no visible order, some fields missing (1 in 23 without
 * a first name, 1 in 17 without a last name, 1 in 6 without a company, 1 in 4 without a phone,
 * 1 in 8 without a time zone), created over the `spanMs` before `end`, in index order with up to a
 * minute of jitter, a tenth of them updated since. `key` keeps the emails apart from any other
 * organization's. {@link RARE_GUESTS} of them carry {@link RARE_LAST_NAME}.
 */
export function importedGuest(
  key: string,
  i: number,
  count: number,
  memberIds: number[],
  end: number,
  spanMs: number,
): ImportedGuest {
  const m = mix(i);
  const step = Math.max(1, Math.floor(count / RARE_GUESTS));
  const rare = i % step === 7 % step;
  const first = i % 23 === 11 ? null : pick(FIRST_NAMES, m >>> 3);
  const last = rare ? RARE_LAST_NAME : i % 17 === 5 ? null : pick(LAST_NAMES, m >>> 9);
  const company = i % 6 === 2 ? null : pick(COMPANIES, m >>> 15);
  const domain = company ? `${slug(company)}.${GUEST_DOMAIN_SUFFIX}` : pick(MAIL_DOMAINS, m >>> 5);
  const local = [first ?? 'guest', last ?? 'x']
    .join('.')
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const created = end - spanMs + Math.floor((i * spanMs) / Math.max(1, count)) - (m % 60_000);
  const updated = i % 10 === 4 ? Math.min(end, created + (m % 30) * 86_400_000) : created;
  return {
    email: `${local}.${key}${i}@${domain}`,
    first_name: first,
    last_name: last,
    phone_1: i % 4 === 1 ? null : `+1-212-555-${String(i % 10_000).padStart(4, '0')}`,
    company_name: company,
    company_url: company ? `https://www.${domain}` : null,
    timezone: i % 8 === 3 ? null : pick(TIMEZONES, m >>> 21),
    associated_members: JSON.stringify([pick(memberIds, m >>> 1)]),
    created_at: formatTimestamp(new Date(created)),
    updated_at: formatTimestamp(new Date(updated)),
  };
}
