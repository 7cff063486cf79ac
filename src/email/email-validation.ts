/**
 * Email address validation: syntax ({@link parseEmailAddress}, parse.ts) and DNS checks
 * ({@link EmailDomainChecker}, dns-check.ts), plus {@link validateEmailAddress} which
 * runs both.
 */
import type { EmailDomainChecker } from './dns-check.js';
import { parseEmailAddress } from './parse.js';

export {
  DNS_CACHE_MAX_ENTRIES,
  DNS_MESSAGES,
  EmailDomainChecker,
  UNVERIFIED_CACHE_TTL_MS,
  type DnsCheckConfig,
  type DnsCheckMode,
  type DnsLogger,
  type DomainVerdict,
} from './dns-check.js';
export {
  INVALID_EMAIL_MESSAGE,
  MAX_ADDRESS_OCTETS,
  MAX_LOCAL_PART_OCTETS,
  normalizeEmail,
  parseEmailAddress,
  toAsciiDomain,
  type ParsedEmailAddress,
} from './parse.js';

export type EmailValidationResult =
  | { ok: true; email: string; domain: string; unverified?: boolean }
  | { ok: false; message: string };

/**
 * Parses `input` and, when `checker` is given, checks its domain in the DNS.
 * Returns the normalised address (`normalizeEmail`, parse.ts). Never throws or rejects.
 */
export async function validateEmailAddress(
  input: string,
  checker?: EmailDomainChecker,
): Promise<EmailValidationResult> {
  const parsed = parseEmailAddress(input);
  if (!parsed.ok || !checker) return parsed;
  const verdict = await checker.checkDomain(parsed.domain);
  if (!verdict.ok) return verdict;
  return verdict.unverified ? { ...parsed, unverified: true } : parsed;
}
