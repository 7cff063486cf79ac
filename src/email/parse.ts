/**
 * Email address syntax validation.
 *
 * The real RFC 5321 / RFC 5322 / RFC 6531 parse is done by `@hapi/address`;
 * this module adds the one normalisation of an address ({@link normalizeEmail}:
 * trim, Unicode NFC, lowercase, domain in ASCII) and a few extra guards that the
 * library does not apply:
 *
 * - the 254-octet address limit is counted in UTF-8 octets (the library counts
 *   UTF-16 code units, which under-counts non-ASCII addresses);
 * - invisible characters (Unicode categories C* and Z*: controls, zero-width
 *   and non-breaking spaces, unassigned code points) are rejected — the
 *   library accepts them in a Unicode local part;
 * - the domain must convert to an ASCII (A-label) name of at most 253 octets
 *   with `domainToASCII`, so that it can actually be looked up in the DNS, and
 *   the normalised address (with that ASCII domain) must fit in 254 octets too.
 */
import { analyzeEmail, type EmailOptions } from '@hapi/address';
import { domainToASCII, domainToUnicode } from 'node:url';
import { RecentMap } from '../core/recent-map.js';

/** Laravel-style message returned for every syntactically invalid address. */
export const INVALID_EMAIL_MESSAGE = 'The email must be a valid email address.';

/** The longest local part, in octets (docs/guests.md, Fields, `email`). */
export const MAX_LOCAL_PART_OCTETS = 64;
/** The longest address: a 256-octet mail path minus its angle brackets (docs/guests.md, Fields, `email`). */
export const MAX_ADDRESS_OCTETS = 254;
/** Maximum length of a domain name in its textual ASCII form (the DNS limit). */
export const MAX_ASCII_DOMAIN_OCTETS = 253;

export type ParsedEmailAddress = { ok: true; email: string; domain: string } | { ok: false; message: string };

const HAPI_OPTIONS: EmailOptions = {
  allowUnicode: true,
  minDomainSegments: 2,
  // `tlds` is deliberately omitted: in @hapi/address 5 an absent `tlds`
  // option means "no TLD list check" (the IANA list only applies in Joi), so
  // reserved test TLDs such as `example.test` are accepted.
};

// Control, format (zero-width), surrogate, private-use, unassigned and all
// space separators. Ordinary ASCII space is covered by \p{Zs}.
const INVISIBLE_RX = /[\p{C}\p{Z}]/u;

const LABEL_RX = /^[a-z0-9_-]+$/;

/** UTF-8 octets of `value`, counted without encoding it (a lone surrogate counts as U+FFFD's 3). */
function octets(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

function invalid(): ParsedEmailAddress {
  return { ok: false, message: INVALID_EMAIL_MESSAGE };
}

/**
 * Converts a (possibly internationalised) domain name to its ASCII form for
 * DNS lookups. Returns `null` when the name cannot be converted or is not a
 * plausible host name (empty label, label over 63 octets, name over 253,
 * characters other than letters, digits, `-` and `_`, or a numeric TLD).
 * A single trailing dot (fully-qualified form) is accepted and removed.
 */
export function toAsciiDomain(domain: string): string | null {
  if (typeof domain !== 'string') return null;
  let name = domain.trim();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '') return null;
  const ascii = domainToASCII(name).toLowerCase();
  if (ascii === '' || ascii.length > MAX_ASCII_DOMAIN_OCTETS) return null;
  const labels = ascii.split('.');
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || !LABEL_RX.test(label)) return null;
    // An A-label must decode: Node 20 refuses `xn--a` in domainToASCII, Node 24 passes it through
    // unchanged, so the decoding is checked here for both.
    if (label.startsWith('xn--') && !decodesAsALabel(label)) return null;
  }
  // domainToASCII follows the WHATWG URL host parser, which turns IPv4-ish
  // input such as `0x7f.1` into `127.0.0.1`; an all-numeric TLD is never a
  // mail domain.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return null;
  return ascii;
}

/** True when `label` (`xn--…`) is valid Punycode that decodes to a name with non-ASCII letters. */
function decodesAsALabel(label: string): boolean {
  const unicode = domainToUnicode(label);
  return unicode !== '' && unicode !== label && !unicode.startsWith('xn--');
}

/** Trim, NFC, lowercase (the whole address, as the service always matched it), NFC again. */
function foldCase(input: string): string {
  return input.trim().normalize('NFC').toLowerCase().normalize('NFC');
}

/**
 * An address already in its one form, which every step of {@link normalizeEmail} leaves as it is:
 * lower-case ASCII with no space at either end (trimming, NFC and lower-casing change nothing), and
 * a domain of dot-separated letters, digits and inner hyphens, at most 63 characters a label,
 * with no `%` for the URL host parser to decode, no trailing dot to drop, and a last label that
 * starts with a letter (nothing read as an IPv4 number). Such a domain is its own ASCII form, or no
 * domain at all (an `xn--` label that does not decode, a name over 253 characters), and the
 * address is kept as it is either way. Most addresses are in this form; it spares them the
 * conversions (a microsecond an address).
 */
const PLAIN_NORMAL_FORM =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The one form of an email address that the service stores, compares and answers with: trimmed,
 * the local part in Unicode NFC and lower case, the domain in its IDNA ASCII form (lower case,
 * punycode A-labels, no trailing dot). `x@BÜCHER.example`, `x@bu\u0308cher.example` and
 * `x@xn--bcher-kva.example` are all `x@xn--bcher-kva.example`.
 *
 * Every place an address enters (bodies, paths, the command line, the migration of stored rows)
 * goes through this function, directly or through {@link parseEmailAddress}, so two spellings
 * of one address can never be two people. It never throws and does not validate: a string that
 * is not an address (no `@`, a domain with no ASCII form) comes back trimmed and case-folded
 * only, so a look-up by it finds nothing.
 */
export function normalizeEmail(input: string): string {
  if (PLAIN_NORMAL_FORM.test(input)) return input;
  const folded = foldCase(input);
  const at = folded.lastIndexOf('@');
  if (at < 0) return folded;
  const domain = toAsciiDomain(folded.slice(at + 1));
  return domain === null ? folded : `${folded.slice(0, at)}@${domain}`;
}

/**
 * Parses and normalises an email address.
 *
 * On success `email` is the address in the service's one form ({@link normalizeEmail}: local
 * part NFC and lower case, domain in IDNA ASCII, e.g. `user@xn--bcher-kva.example`) and `domain`
 * is that ASCII domain, ready for a DNS lookup. Domains need at least two labels; TLDs are not
 * checked against the IANA list; IP-address literals and quoted local parts are rejected.
 *
 * Never throws; a non-string input is reported as invalid.
 */
export function parseEmailAddress(input: string): ParsedEmailAddress {
  if (typeof input !== 'string') return invalid();
  if (input.length > PARSED_INPUT_CHARS) return parse(input);
  let parsed = parsedLately.get(input);
  if (parsed === undefined) {
    parsed = Object.freeze(parse(input));
    parsedLately.set(input, parsed);
  }
  return parsed;
}

/**
 * Addresses parsed lately, by their input: one request parses its address more than once (the
 * body's checks, the DNS check of its domain, the write), and a bulk create or an import each of
 * its thousand items at every step, at about 8 µs a parse. The answers are frozen: callers share them.
 */
/** Two bulk requests' items, or two import batches' rows, fit. */
const PARSED_ADDRESSES = 4096;
const parsedLately = new RecentMap<string, ParsedEmailAddress>(PARSED_ADDRESSES);
/** Longer inputs are parsed every time, so what the memory holds stays small (an address is at most 254 octets). */
const PARSED_INPUT_CHARS = 512;

function parse(input: string): ParsedEmailAddress {
  const folded = foldCase(input);
  if (folded === '' || INVISIBLE_RX.test(folded)) return invalid();

  // The library checks these too, but counts the whole address in UTF-16
  // code units; RFC 5321/6531 limits are in (UTF-8) octets.
  if (octets(folded) > MAX_ADDRESS_OCTETS) return invalid();

  const at = folded.lastIndexOf('@');
  if (at > 0 && octets(folded.slice(0, at)) > MAX_LOCAL_PART_OCTETS) return invalid();

  let analysis;
  try {
    analysis = analyzeEmail(folded, HAPI_OPTIONS);
  } catch {
    return invalid();
  }
  if (analysis !== null) return invalid();

  // analyzeEmail guarantees exactly one '@' from here on.
  const domain = toAsciiDomain(folded.slice(at + 1));
  if (domain === null) return invalid();
  // normalizeEmail(input), from the parts it would compute again.
  const email = `${folded.slice(0, at)}@${domain}`;
  // The stored form must be a valid address too: punycode can make a domain longer.
  if (octets(email) > MAX_ADDRESS_OCTETS) return invalid();

  return { ok: true, email, domain };
}
