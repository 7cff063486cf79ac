/**
 * Realistic guest bodies, the same for a given key and index wherever they are made: the seeded
 * guests, the create requests and the floors all use these, so service and floors store and
 * read rows of the same shape. Email domains are a few dozen company domains under `.example`,
 * answered by the benchmark's own DNS server: after the first request per domain the service's
 * DNS check is a cache hit, as for a real customer whose guests come from a few companies.
 */

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
