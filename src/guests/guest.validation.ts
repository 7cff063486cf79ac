/**
 * The field rules that need more than a schema: the email (syntax, DNS, not a member of this
 * organization) and associated members (members of this organization). Schema failures arrive in
 * `bag` first; a field that already failed is not checked again, so every failing field is
 * reported once, all in one answer.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { parseEmailAddress } from '../email/parse.js';
import type { EmailDomainChecker } from '../email/dns-check.js';
import { ErrorBag } from '../core/errors.js';
import { MAX_ID } from '../core/limits.js';
import { existingMemberIds, findMemberByEmail } from '../members/member.repository.js';

export interface EmailRules {
  db: Kysely<Database>;
  emailChecker: Pick<EmailDomainChecker, 'checkDomain'>;
}

/** Checks a new guest's email; returns the normalized address, or undefined when it failed. */
export async function checkNewGuestEmail(
  rules: EmailRules,
  organizationId: string,
  input: unknown,
  bag: ErrorBag,
  field = 'email',
): Promise<string | undefined> {
  if (bag.has(field)) return undefined;
  if (typeof input !== 'string' || input === '') {
    bag.add(field, `The ${field} field is required.`);
    return undefined;
  }
  const parsed = parseEmailAddress(input);
  if (!parsed.ok) {
    bag.add(field, parsed.message);
    return undefined;
  }
  const [verdict, member] = await Promise.all([
    rules.emailChecker.checkDomain(parsed.domain),
    findMemberByEmail(rules.db, organizationId, parsed.email),
  ]);
  if (!verdict.ok) {
    bag.add(field, verdict.message);
    return undefined;
  }
  if (member) {
    bag.add(field, `The ${field} belongs to a member of this organization; a member cannot also be a guest.`);
    return undefined;
  }
  return parsed.email;
}

/** Checks that every associated member id is a member of the organization. */
export async function checkAssociatedMembers(
  db: Kysely<Database>,
  organizationId: string,
  input: unknown,
  bag: ErrorBag,
): Promise<void> {
  if (!Array.isArray(input) || input.length === 0) return;
  // Elements the schema refused (not an integer, out of range) are reported already.
  if (Object.keys(bag.errors).some((field) => field === 'associated_members' || field.startsWith('associated_members.'))) return;
  const ids = input.filter((v): v is number => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= MAX_ID);
  if (ids.length !== input.length) return;
  const known = await existingMemberIds(db, organizationId, ids);
  ids.forEach((id, index) => {
    if (!known.has(id)) bag.add(`associated_members.${index}`, `The selected associated_members.${index} is not a member of this organization.`);
  });
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (duplicates.length > 0) bag.add('associated_members', 'The associated_members field has a duplicate value.');
}
