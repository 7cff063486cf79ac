/** The caller's own account. A user disabled in every organization they belong to is refused here too. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { AppError, assertThat, notFound, validationFailed } from '../core/errors.js';
import { newPersonalToken } from '../organizations/admin.service.js';
import { insertToken } from '../auth/token.repository.js';
import { formatTimestamp, now } from '../core/time.js';
import { findMemberById } from '../members/member.repository.js';
import { fullName, memberRowToMember } from '../members/member.mapper.js';
import type { Member } from '../members/member.schemas.js';
import * as repo from './account.repository.js';
import { MAX_LIVE_TOKENS } from '../core/limits.js';
import { announceAuthChange } from '../auth/auth-changes.js';

function organizationOut(row: repo.OrganizationRow) {
  return {
    id: row.id,
    name: row.name,
    description: null,
    timezone: row.timezone,
    created_at: row.created_at,
    created_on: row.created_at,
    users_count: row.users_count,
    guests_count: row.guests_count,
    user_role: row.role,
  };
}

type TokenRow = {
  id: number;
  name: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
};
const tokenOut = (row: TokenRow, currentId: number) => ({ ...row, current: row.id === currentId });

export function createAccountService(deps: { db: Kysely<Database> }) {
  const { db } = deps;

  /** The organization-free routes hold a disable too: a user disabled everywhere is turned away. */
  async function assertUsable(userId: number): Promise<void> {
    const counts = await repo.membershipCounts(db, userId);
    if (counts.total > 0 && counts.enabled === 0) {
      throw new AppError(
        'UNAUTHENTICATED',
        'Your membership of every organization you belong to is disabled; your tokens do not work.',
      );
    }
  }

  return {
    async me(userId: number) {
      const [user] = await Promise.all([repo.findUser(db, userId), assertUsable(userId)]);
      assertThat(user, () => new AppError('UNAUTHENTICATED', "Unauthenticated: the token's user no longer exists."));
      return {
        id: user.id,
        email: user.email,
        username: null,
        first_name: user.first_name,
        last_name: user.last_name,
        full_name: fullName(user.first_name, user.last_name),
        profile_pic: null,
        timezone: null,
        created_at: user.created_at,
        last_login_at: null,
      };
    },

    async organizations(userId: number, query: { q?: string | undefined; perPage: number; page: number }) {
      const [result] = await Promise.all([
        repo.listOrganizationsOf(db, userId, {
          q: query.q,
          limit: query.perPage,
          offset: (query.page - 1) * query.perPage,
        }),
        assertUsable(userId),
      ]);
      return { organizations: result.rows.map(organizationOut), total: result.total };
    },

    async organization(userId: number, organizationId: string) {
      const row = await repo.findOrganizationOf(db, userId, organizationId);
      assertThat(row, () => notFound('organization'));
      return organizationOut(row);
    },

    async membership(userId: number, organizationId: string): Promise<Member> {
      const member = await findMemberById(db, organizationId, userId);
      assertThat(member, () => notFound('member'));
      return memberRowToMember(member);
    },

    async guestSummaries(organizationId: string) {
      const rows = await repo.listGuestSummaries(db, organizationId);
      return rows.map((r) => ({
        id: r.guest_id,
        email: r.email,
        first_name: r.first_name,
        last_name: r.last_name,
        created_at: r.created_at,
        last_accessed_at: r.last_accessed_at,
        last_known_ip: r.last_known_ip,
        last_known_country: r.last_known_country,
        details: { company_name: r.company_name, status: r.status, disabled_at: r.disabled_at },
      }));
    },

    async tokens(userId: number, currentTokenId: number) {
      const [rows] = await Promise.all([repo.listTokensOf(db, userId), assertUsable(userId)]);
      return rows.map((row) => tokenOut(row, currentTokenId));
    },

    async createToken(userId: number, body: { name?: string | null; expires_in_days?: number | null }) {
      await assertUsable(userId);
      const createdAt = now();
      if ((await repo.countLiveTokensOf(db, userId, createdAt)) >= MAX_LIVE_TOKENS) {
        throw validationFailed({
          body: [`You have ${MAX_LIVE_TOKENS} working tokens, the most allowed; revoke one first.`],
        });
      }
      const days = body.expires_in_days ?? null;
      const expiresAt = days === null ? null : formatTimestamp(new Date(Date.now() + days * 86_400_000));
      const { token, tokenHash } = newPersonalToken();
      const name = body.name ?? null;
      const id = await insertToken(db, { userId, name, tokenHash, createdAt, expiresAt });
      return { id, name, token, created_at: createdAt, expires_at: expiresAt };
    },

    async revokeToken(userId: number, tokenId: number, currentTokenId: number) {
      await assertUsable(userId);
      const row = await repo.revokeOwnToken(db, userId, tokenId, now());
      assertThat(row, () => notFound('token'));
      // Refused from the next request on, on every instance (src/auth/auth-changes.ts).
      await announceAuthChange(db, { tokenId });
      return tokenOut(row, currentTokenId);
    },
  };
}
