/**
 * Operator actions behind the command-line tool and the first run: organizations, members and
 * tokens. Inputs are validated here, so the CLI and any later caller get the same rules.
 */
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/types.js';
import { normalizeEmail, parseEmailAddress } from '../email/parse.js';
import { AppError, ErrorBag, validationFailed } from '../core/errors.js';
import { newHexId, randomSecret, sha256 } from '../core/secrets.js';
import { formatTimestamp, now } from '../core/time.js';
import {
  findMemberByEmail,
  findUserByEmail,
  insertUser,
  addMembership,
  type Member,
} from '../members/member.repository.js';
import { findGlobalGuest } from '../guests/guest.repository.js';
import { insertToken, revokeToken } from '../auth/token.repository.js';
import { findOrganization, insertOrganization, setOrganizationTimezone } from './organization.repository.js';
import { isTimeZone } from '../core/validation.js';
import { MAX_NAME } from '../core/limits.js';
import { announceAuthChange } from '../auth/auth-changes.js';

export const ROLES: readonly Role[] = ['admin', 'standard', 'light'];
/** Tokens start with a recognizable prefix so that secret scanners can spot a leaked one. */
export const TOKEN_PREFIX = 'gst_';

/** A name that must be given, trimmed; or the field's failure. */
function requiredName(value: string | undefined, field: string): { name?: string; error?: string } {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return { error: `The ${field} field is required.` };
  if (trimmed.length > MAX_NAME) return { error: `The ${field} may not be greater than ${MAX_NAME} characters.` };
  return { name: trimmed };
}

/** A name that may be left out (null), trimmed; with the field's failure when it is too long. */
function optionalName(value: string | undefined, field: string): { name: string | null; error?: string } {
  const trimmed = value?.trim() ?? '';
  const name = trimmed === '' ? null : trimmed;
  return trimmed.length > MAX_NAME
    ? { name, error: `The ${field} may not be greater than ${MAX_NAME} characters.` }
    : { name };
}

/** A new personal access token and the hash that is stored of it. */
export function newPersonalToken(): { token: string; tokenHash: string } {
  const token = `${TOKEN_PREFIX}${randomSecret(32)}`;
  return { token, tokenHash: sha256(token) };
}

export function createAdminService(db: Kysely<Database>) {
  return {
    async createOrganization(input: { name: string | undefined }): Promise<{ id: string; name: string }> {
      const { name, error } = requiredName(input.name, 'name');
      if (error !== undefined) throw validationFailed({ name: [error] });
      const org = { id: newHexId(), name: name as string };
      await insertOrganization(db, { ...org, createdAt: now() });
      return org;
    },

    /** Adds a member (creating the user if new) or changes the role of an existing one. */
    async addMember(input: {
      organizationId: string;
      email: string | undefined;
      role: string | undefined;
      firstName?: string;
      lastName?: string;
    }): Promise<Member> {
      const bag = new ErrorBag();
      const parsed = parseEmailAddress(input.email?.trim() ?? '');
      if (!parsed.ok) bag.add('email', parsed.message);
      if (!ROLES.includes(input.role as Role)) bag.add('role', `The role must be one of ${ROLES.join(', ')}.`);
      const first = optionalName(input.firstName, 'first_name');
      if (first.error !== undefined) bag.add('first_name', first.error);
      const last = optionalName(input.lastName, 'last_name');
      if (last.error !== undefined) bag.add('last_name', last.error);
      bag.throwIfAny();
      const firstName = first.name;
      const lastName = last.name;
      const email = (parsed as { email: string }).email;
      if (!(await findOrganization(db, input.organizationId)))
        throw new AppError('RESOURCE_NOT_FOUND', `No organization ${input.organizationId}.`);
      const added = await db.transaction().execute(async (trx) => {
        const guest = await findGlobalGuest(trx, email);
        if (guest) {
          const record = await trx
            .selectFrom('organization_guests')
            .select('id')
            .where('guest_id', '=', guest.id)
            .where('organization_id', '=', input.organizationId)
            .where('deleted_at', 'is', null)
            .executeTakeFirst();
          if (record)
            throw new AppError('CONFLICT', `${email} is a guest of this organization; convert the guest instead.`);
        }
        const at = now();
        const existing = await findUserByEmail(trx, email);
        const userId = existing?.id ?? (await insertUser(trx, { email, firstName, lastName, createdAt: at }));
        await addMembership(
          trx,
          {
            organizationId: input.organizationId,
            userId,
            role: input.role as Role,
            createdAt: at,
            firstName,
            lastName,
          },
          'change-role',
        );
        const member = await findMemberByEmail(trx, input.organizationId, email);
        if (!member) throw new Error('membership vanished inside its transaction');
        return member;
      });
      // A new membership or a changed role: remembered token answers of the user go (src/auth/auth-changes.ts).
      await announceAuthChange(db, { userId: added.id });
      return added;
    },

    /** Creates a token for the user with this email. The token is returned once; only its hash is kept. */
    async createToken(input: { email: string | undefined; name?: string; expiresInDays?: number }) {
      const email = normalizeEmail(input.email ?? '');
      const user = await findUserByEmail(db, email);
      if (!user)
        throw new AppError(
          'RESOURCE_NOT_FOUND',
          `No user with email ${email || '(none given)'}; add them as a member first.`,
        );
      const days = input.expiresInDays;
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
        throw new AppError('VALIDATION_FAILED', 'The expires-in must be a whole number of days from 1 to 3650.', {
          errors: { expires_in: ['The expires-in must be a whole number of days from 1 to 3650.'] },
        });
      }
      const { token, tokenHash } = newPersonalToken();
      const createdAt = now();
      const expiresAt = days === undefined ? null : formatTimestamp(new Date(Date.now() + days * 86_400_000));
      const id = await insertToken(db, {
        userId: user.id,
        name: input.name?.trim() || null,
        tokenHash,
        createdAt,
        expiresAt,
      });
      return { id, token, expires_at: expiresAt };
    },

    async revokeToken(id: number): Promise<{ id: number; revoked: true }> {
      if (!Number.isSafeInteger(id) || id < 1 || !(await revokeToken(db, id, now()))) {
        throw new AppError('RESOURCE_NOT_FOUND', `No token with id ${id}.`);
      }
      await announceAuthChange(db, { tokenId: id });
      return { id, revoked: true };
    },

    /**
     * The organization's time zone (docs/notifications.md, Digest emails): the digest hour of its
     * guests who set no zone of their own. An IANA name; `UTC` for none.
     */
    async setOrganizationTimezone(
      organizationId: string,
      zone: string | undefined,
    ): Promise<{ id: string; timezone: string }> {
      const name = zone?.trim() ?? '';
      if (!isTimeZone(name))
        throw validationFailed({
          zone: [`The zone must be an IANA time zone name such as Europe/Berlin or UTC, got "${name}".`],
        });
      if (!(await setOrganizationTimezone(db, organizationId, name)))
        throw new AppError('RESOURCE_NOT_FOUND', `No organization ${organizationId}.`);
      return { id: organizationId, timezone: name };
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
