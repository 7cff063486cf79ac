/**
 * Operator actions behind the command-line tool and the first run: organizations, members and
 * tokens. Inputs are validated here, so the CLI and any later caller get the same rules.
 */
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/types.js';
import { normalizeEmail, parseEmailAddress } from '../email/parse.js';
import { AppError, ErrorBag } from '../core/errors.js';
import { MAX_NAME } from '../core/limits.js';
import { newOrganizationId, randomSecret, sha256 } from '../core/secrets.js';
import { formatTimestamp, now } from '../core/time.js';
import { findMemberByEmail, findUserByEmail, insertUser, addMembership, type Member } from '../members/member.repository.js';
import { findGlobalGuest } from '../guests/guest.repository.js';
import { insertToken, revokeToken } from '../auth/token.repository.js';
import { findOrganization, insertOrganization } from './organization.repository.js';

export const ROLES: readonly Role[] = ['admin', 'standard', 'light'];
/** Tokens start with a recognizable prefix so that secret scanners can spot a leaked one. */
export const TOKEN_PREFIX = 'gst_';

function requiredName(value: string | undefined, field: string, bag: ErrorBag): string | undefined {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') bag.add(field, `The ${field} field is required.`);
  else if (trimmed.length > MAX_NAME) bag.add(field, `The ${field} may not be greater than ${MAX_NAME} characters.`);
  else return trimmed;
  return undefined;
}

function optionalName(value: string | undefined, field: string, bag: ErrorBag): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > MAX_NAME) bag.add(field, `The ${field} may not be greater than ${MAX_NAME} characters.`);
  return trimmed === '' ? null : trimmed;
}

/** A new personal access token and the hash that is stored of it. */
export function newPersonalToken(): { token: string; tokenHash: string } {
  const token = `${TOKEN_PREFIX}${randomSecret(32)}`;
  return { token, tokenHash: sha256(token) };
}

export function createAdminService(db: Kysely<Database>) {
  return {
    async createOrganization(input: { name: string | undefined }): Promise<{ id: string; name: string }> {
      const bag = new ErrorBag();
      const name = requiredName(input.name, 'name', bag);
      bag.throwIfAny();
      const org = { id: newOrganizationId(), name: name as string };
      await insertOrganization(db, { ...org, createdAt: now() });
      return org;
    },

    /** Adds a member (creating the user if new) or changes the role of an existing one. */
    async addMember(input: { organizationId: string; email: string | undefined; role: string | undefined; firstName?: string; lastName?: string }): Promise<Member> {
      const bag = new ErrorBag();
      const parsed = parseEmailAddress(input.email?.trim() ?? '');
      if (!parsed.ok) bag.add('email', parsed.message);
      if (!ROLES.includes(input.role as Role)) bag.add('role', `The role must be one of ${ROLES.join(', ')}.`);
      const firstName = optionalName(input.firstName, 'first_name', bag);
      const lastName = optionalName(input.lastName, 'last_name', bag);
      bag.throwIfAny();
      const email = (parsed as { email: string }).email;
      if (!(await findOrganization(db, input.organizationId))) throw new AppError('RESOURCE_NOT_FOUND', `No organization ${input.organizationId}.`);
      return db.transaction().execute(async (trx) => {
        const guest = await findGlobalGuest(trx, email);
        if (guest) {
          const record = await trx.selectFrom('organization_guests').select('id').where('guest_id', '=', guest.id)
            .where('organization_id', '=', input.organizationId).where('deleted_at', 'is', null).executeTakeFirst();
          if (record) throw new AppError('CONFLICT', `${email} is a guest of this organization; convert the guest instead.`);
        }
        const at = now();
        const existing = await findUserByEmail(trx, email);
        const userId = existing?.id ?? (await insertUser(trx, { email, firstName, lastName, createdAt: at }));
        await addMembership(trx, { organizationId: input.organizationId, userId, role: input.role as Role, createdAt: at, firstName, lastName }, 'change-role');
        const member = await findMemberByEmail(trx, input.organizationId, email);
        if (!member) throw new Error('membership vanished inside its transaction');
        return member;
      });
    },

    /** Creates a token for the user with this email. The token is returned once; only its hash is kept. */
    async createToken(input: { email: string | undefined; name?: string; expiresInDays?: number }) {
      const email = normalizeEmail(input.email ?? '');
      const user = await findUserByEmail(db, email);
      if (!user) throw new AppError('RESOURCE_NOT_FOUND', `No user with email ${email || '(none given)'}; add them as a member first.`);
      const days = input.expiresInDays;
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
        throw new AppError('VALIDATION_FAILED', 'The expires-in must be a whole number of days from 1 to 3650.', { errors: { expires_in: ['The expires-in must be a whole number of days from 1 to 3650.'] } });
      }
      const { token, tokenHash } = newPersonalToken();
      const createdAt = now();
      const expiresAt = days === undefined ? null : formatTimestamp(new Date(Date.now() + days * 86_400_000));
      const id = await insertToken(db, { userId: user.id, name: input.name?.trim() || null, tokenHash, createdAt, expiresAt });
      return { id, token, expires_at: expiresAt };
    },

    async revokeToken(id: number): Promise<{ id: number; revoked: true }> {
      if (!Number.isSafeInteger(id) || id < 1 || !(await revokeToken(db, id, now()))) {
        throw new AppError('RESOURCE_NOT_FOUND', `No token with id ${id}.`);
      }
      return { id, revoked: true };
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
