/**
 * Where a guest opened their link from: country and city, recorded with the access (docs/guests.md,
 * The guest object; docs/guest-side.md, Get guest page).
 *
 * Two sources, in this order:
 * 1. Headers set by a trusted proxy or CDN, read only when the connection comes from a proxy that
 *    TRUST_PROXY trusts (otherwise any client could claim any place). Country, first present of: `CF-IPCountry`, `CloudFront-Viewer-Country`,
 *    `X-Country-Code`, `X-Geo-Country`. City, first present of: `CF-IPCity`, `CloudFront-Viewer-City`,
 *    `X-City`, `X-Geo-City`.
 * 2. A MaxMind-format database (GEOIP_DATABASE, a GeoIP2/GeoLite2 City or Country .mmdb file),
 *    looked up by the client address (`request.ip`, which itself honours TRUST_PROXY). It fills
 *    what the headers did not give; its city is used only when its country agrees.
 */
import net from 'node:net';
import type { CityResponse, Reader } from 'maxmind';
import { ConfigError } from '../config.js';

/** A place as recorded on the guest's record; null where unknown. */
export interface GeoLocation {
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null;
  city: string | null;
}

/** What the locator needs of a request. */
export interface GeoRequest {
  /** The client address (`request.ip`: the forwarded one when the proxy is trusted). */
  ip: string;
  /** The address the connection comes from: whose headers these are. */
  peer: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/** Finds where a request comes from, per this instance's configuration. */
export interface GeoLocator {
  locate(request: GeoRequest): GeoLocation;
}

/** Trusted proxies' country headers, in order of preference (lower case, as Node gives them). */
export const COUNTRY_HEADERS = [
  'cf-ipcountry',
  'cloudfront-viewer-country',
  'x-country-code',
  'x-geo-country',
] as const;
/** Trusted proxies' city headers, in order of preference. */
export const CITY_HEADERS = ['cf-ipcity', 'cloudfront-viewer-city', 'x-city', 'x-geo-city'] as const;

/** The longest city name kept. */
export const MAX_CITY = 100;
// Codes proxies send when they do not know the country (XX: Cloudflare, ZZ: common "unknown").
const UNKNOWN_COUNTRIES = new Set(['XX', 'ZZ']);
const CITY = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} .,'’()-]*$/u;

/** A 2-letter country code, upper-cased; null for anything else (including the "unknown" codes). */
export function normalizeCountry(value: string | undefined): string | null {
  const code = value?.trim().toUpperCase();
  if (code === undefined || !/^[A-Z]{2}$/.test(code) || UNKNOWN_COUNTRIES.has(code)) return null;
  return code;
}

/**
 * A city name as short plain text, or null. Headers reach Node as Latin-1: UTF-8 bytes are read
 * back as UTF-8, and a percent-encoded value (some CDNs send it so) is decoded first.
 */
export function normalizeCity(value: string | undefined): string | null {
  if (value === undefined) return null;
  let text = value;
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  // eslint-disable-next-line no-control-regex -- any byte above ASCII means the header carried UTF-8
  if (/[^\u0000-\u007F]/.test(text) && [...text].every((c) => c.charCodeAt(0) <= 0xff)) {
    const decoded = Buffer.from(text, 'latin1').toString('utf8');
    if (!decoded.includes('\uFFFD')) text = decoded;
  }
  text = text.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (text.length === 0 || text.length > MAX_CITY || !CITY.test(text)) return null;
  return text;
}

function firstHeader(headers: GeoRequest['headers'], names: readonly string[]): string | undefined {
  for (const name of names) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value.trim() !== '') return value;
  }
  return undefined;
}

/** The location a trusted proxy's headers name; nulls where a header is absent or invalid. */
export function locationFromHeaders(headers: GeoRequest['headers']): GeoLocation {
  return {
    country: normalizeCountry(firstHeader(headers, COUNTRY_HEADERS)),
    city: normalizeCity(firstHeader(headers, CITY_HEADERS)),
  };
}

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) as `192.0.2.1`; other addresses unchanged. */
export function plainAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped?.[1] ?? ip;
}

/**
 * Whether TRUST_PROXY trusts the connection's peer, as Fastify does for X-Forwarded-For: `true`
 * trusts any, a hop count of 1 or more trusts the peer, a list trusts its addresses and networks.
 */
export function peerTrust(trustProxy: boolean | number | string[]): (peer: string | undefined) => boolean {
  if (typeof trustProxy === 'boolean') return () => trustProxy;
  if (typeof trustProxy === 'number') return () => trustProxy >= 1;
  const list = new net.BlockList();
  for (const entry of trustProxy) {
    const [address = '', bits] = entry.split('/');
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (peer) => {
    if (peer === undefined) return false;
    const address = plainAddress(peer);
    const family = net.isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The location the database gives for `ip`; nulls when the address is unknown to it. */
export function locationFromDatabase(reader: Reader<CityResponse>, ip: string): GeoLocation {
  const address = plainAddress(ip);
  if (net.isIP(address) === 0) return { country: null, city: null };
  let record: CityResponse | null;
  try {
    record = reader.get(address);
  } catch {
    // An IPv6 address against an IPv4-only database: unknown, not a failure of the page.
    return { country: null, city: null };
  }
  const city = record?.city?.names;
  return {
    country: normalizeCountry(record?.country?.iso_code ?? record?.registered_country?.iso_code),
    city: normalizeCity(city?.en ?? (city ? Object.values(city)[0] : undefined)),
  };
}

/**
 * The locator for this configuration. The database is read once, here, at start: a configured
 * file that is missing or not a MaxMind database stops the start with a ConfigError naming
 * GEOIP_DATABASE, rather than running without the locations the operator asked for.
 */
export async function createGeoLocator(options: {
  trustProxy: boolean | number | string[];
  databasePath: string | undefined;
}): Promise<GeoLocator> {
  const trusted = peerTrust(options.trustProxy);
  let reader: Reader<CityResponse> | undefined;
  if (options.databasePath !== undefined) {
    try {
      // Loaded only when a database is configured: an instance without one never pays for it.
      const { default: maxmind } = await import('maxmind');
      reader = await maxmind.open<CityResponse>(options.databasePath);
    } catch (error) {
      throw new ConfigError(
        'GEOIP_DATABASE',
        `cannot be read as a MaxMind (.mmdb) database: ${options.databasePath}: ${(error as Error).message}`,
      );
    }
  }
  return {
    locate(request) {
      const fromHeaders = trusted(request.peer) ? locationFromHeaders(request.headers) : { country: null, city: null };
      if (!reader || (fromHeaders.country !== null && fromHeaders.city !== null)) return fromHeaders;
      const fromDatabase = locationFromDatabase(reader, request.ip);
      const country = fromHeaders.country ?? fromDatabase.country;
      const citySameCountry = fromDatabase.country === country ? fromDatabase.city : null;
      return { country, city: fromHeaders.city ?? citySameCountry };
    },
  };
}
