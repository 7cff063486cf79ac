/**
 * The field rules that need more than a schema: the email (syntax, DNS, not a member of this
 * organization) and associated members (members of this organization). Each returns its own
 * failures and is given the schema's: a field that already failed is not checked again, so every
 * failing field is reported once, all in one answer.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { parseEmailAddress } from '../email/parse.js';
import type { EmailDomainChecker } from '../email/dns-check.js';
import { ErrorBag, type FieldErrors } from '../core/errors.js';
import { existingMemberIds, findMemberByEmail } from '../members/member.repository.js';
import { type ReadonlyFieldErrors } from '../core/validation.js';
import { MAX_ID } from '../core/limits.js';

export interface EmailRules {
  db: Kysely<Database>;
  emailChecker: Pick<EmailDomainChecker, 'checkDomain'>;
  /** Where the members are looked up; the database (one statement per check) when not given. */
  members?: MemberLookups;
}

/**
 * How the rules learn who the organization's members are. The same rules run on either: the
 * database, asked per check, or what an import's batch read for all its rows at once.
 */
export interface MemberLookups {
  /** Whether `email` (normalized) is the email of a member of the organization. */
  isMemberEmail(organizationId: string, email: string): Promise<boolean>;
  /** Which of `ids` are members of the organization. */
  memberIdsAmong(organizationId: string, ids: number[]): Promise<Set<number>>;
}

/** The members as the database has them now, one statement per question. */
export function membersInDatabase(db: Kysely<Database>): MemberLookups {
  return {
    isMemberEmail: async (organizationId, email) => (await findMemberByEmail(db, organizationId, email)) !== undefined,
    memberIdsAmong: (organizationId, ids) => existingMemberIds(db, organizationId, ids),
  };
}

/** A new guest's email, normalized, or the field's failure (none when the schema refused it already). */
export type CheckedEmail = { email: string; error?: undefined } | { email?: undefined; error?: string };

/** Checks a new guest's email: the normalized address, or why it fails. */
export async function checkNewGuestEmail(
  rules: EmailRules,
  organizationId: string,
  input: unknown,
  failed: ReadonlyFieldErrors,
  field = 'email',
): Promise<CheckedEmail> {
  if (Object.hasOwn(failed, field)) return {};
  if (typeof input !== 'string' || input === '') return { error: `The ${field} field is required.` };
  const parsed = parseEmailAddress(input);
  if (!parsed.ok) return { error: parsed.message };
  const [verdict, member] = await Promise.all([
    rules.emailChecker.checkDomain(parsed.domain),
    (rules.members ?? membersInDatabase(rules.db)).isMemberEmail(organizationId, parsed.email),
  ]);
  if (!verdict.ok) return { error: verdict.message };
  if (member)
    return { error: `The ${field} belongs to a member of this organization; a member cannot also be a guest.` };
  return { email: parsed.email };
}

/** Checks that every associated member id is a member of the organization: the failures, if any. */
export async function checkAssociatedMembers(
  db: Kysely<Database>,
  organizationId: string,
  input: unknown,
  failed: ReadonlyFieldErrors,
  members: MemberLookups = membersInDatabase(db),
): Promise<FieldErrors> {
  const bag = new ErrorBag();
  if (!Array.isArray(input) || input.length === 0) return bag.errors;
  // Elements the schema refused (not an integer, out of range) are reported already.
  if (Object.keys(failed).some((field) => field === 'associated_members' || field.startsWith('associated_members.')))
    return bag.errors;
  const ids = input.filter((v): v is number => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= MAX_ID);
  if (ids.length !== input.length) return bag.errors;
  const known = await members.memberIdsAmong(organizationId, ids);
  ids.forEach((id, index) => {
    if (!known.has(id))
      bag.add(
        `associated_members.${index}`,
        `The selected associated_members.${index} is not a member of this organization.`,
      );
  });
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (duplicates.length > 0) bag.add('associated_members', 'The associated_members field has a duplicate value.');
  return bag.errors;
}
