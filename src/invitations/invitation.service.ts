/**
 * Member invitations: invite (or send again), withdraw, and the invitee's side of the link. The
 * code in the link is the credential; only its SHA-256 is stored, and a resend replaces it, so an
 * older link stops working. Every change and the email it causes are one transaction.
 */
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/types.js';
import { insertToken } from '../auth/token.repository.js';
import { parseEmailAddress } from '../email/parse.js';
import { findRecordByEmail } from '../guests/guest.repository.js';
import { AppError, assertThat, validationFailed } from '../core/errors.js';
import { randomSecret, sha256 } from '../core/secrets.js';
import { formatTimestamp, now } from '../core/time.js';
import { findMemberByEmail, findMemberById } from '../members/member.repository.js';
import { invitationToMember, memberRowToMember } from '../members/member.mapper.js';
import type { Member } from '../members/member.schemas.js';
import { newPersonalToken } from '../organizations/admin.service.js';
import { notifyOutbox } from '../outbox/outbox-signal.js';
import { enqueue, newMessageId } from '../outbox/outbox.repository.js';
import { MEMBER_INVITATION_KIND, invitationMessage, personName } from './invitation.messages.js';
import * as repo from '../members/invitation.repository.js';
import type { InviteBody, InvitationView } from './invitation.schemas.js';
import { removeRecord } from '../guests/guest.records.js';
import { type Actor } from '../core/actor.js';
import { type UncheckedFields, collectFieldErrors, type ReadonlyFieldErrors } from '../core/validation.js';
import { announceAuthChange } from '../auth/auth-changes.js';

export interface InvitationServiceDeps {
  db: Kysely<Database>;
  publicBaseUrl: string;
  /** Days a link works after each send. */
  expiryDays: number;
}

/** Who invites: the actor and their role in the organization. */
export interface Inviter extends Actor {
  role: Role;
}

/** The one answer for a code that opens nothing (unknown, malformed, withdrawn, accepted): no hint which. */
export function invitationNotFound(): AppError {
  return new AppError(
    'RESOURCE_NOT_FOUND',
    'This invitation link does not work. Ask the organization for a new invitation.',
  );
}

export function invitationExpired(): AppError {
  return new AppError(
    'INVITATION_EXPIRED',
    'This invitation has expired. Ask the person who invited you to send it again.',
  );
}

/** Codes are `randomSecret(24)`: 32 URL-safe base64 characters. Anything else is not looked up. */
const CODE = /^[A-Za-z0-9_-]{32}$/;
export function isWellFormedCode(code: unknown): code is string {
  return typeof code === 'string' && CODE.test(code);
}

function noInvitation(): AppError {
  return new AppError('RESOURCE_NOT_FOUND', 'This user has no open invitation to this organization.');
}

export interface AcceptedInvitation {
  member: Member;
  organization: { id: string; name: string };
  token: { id: number; token: string; expires_at: string | null };
}

export function createInvitationService(deps: InvitationServiceDeps) {
  const { db } = deps;
  const expiresFrom = (at: Date) => formatTimestamp(new Date(at.getTime() + deps.expiryDays * 86_400_000));

  /** A new code for the invitation and its email, queued in `trx`. */
  async function send(
    trx: Kysely<Database>,
    organizationId: string,
    invitation: { email: string; role: Role; message: string | null; invitedBy: number | null },
    code: string,
    expiresAt: string,
  ) {
    const org = await trx
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', organizationId)
      .executeTakeFirstOrThrow();
    const inviter =
      invitation.invitedBy === null
        ? undefined
        : await trx
            .selectFrom('users')
            .select(['email', 'first_name', 'last_name'])
            .where('id', '=', invitation.invitedBy)
            .executeTakeFirst();
    const message = invitationMessage({
      organizationName: org.name,
      inviterName: personName(inviter?.first_name ?? null, inviter?.last_name ?? null, inviter?.email ?? null),
      role: invitation.role,
      message: invitation.message,
      link: `${deps.publicBaseUrl}/invitations/${code}`,
      expiresAt,
    });
    await enqueue(
      trx,
      { kind: MEMBER_INVITATION_KIND, recipient: invitation.email, ...message },
      newMessageId(deps.publicBaseUrl),
    );
  }

  /** Sends a pending invitation again, as it was asked for, with a new code and a new period. */
  async function resendIn(
    trx: Kysely<Database>,
    organizationId: string,
    invitation: repo.PendingInvitation,
  ): Promise<Member> {
    const code = randomSecret(24);
    const at = new Date();
    const expiresAt = expiresFrom(at);
    const renewed = await repo.renewInvitation(trx, invitation.id, {
      codeHash: sha256(code),
      at: formatTimestamp(at),
      expiresAt,
    });
    assertThat(renewed, noInvitation);
    await send(trx, organizationId, invitation, code, expiresAt);
    return invitationToMember(invitation);
  }

  function mayResend(inviter: Inviter, invitation: repo.PendingInvitation): void {
    // Sending again restarts the period of an invitation that may have lapsed: for an
    // administrator's place that is an administrator's decision, as the first invitation was.
    if (invitation.role === 'admin' && inviter.role !== 'admin') {
      throw new AppError('FORBIDDEN', 'Only an administrator may send an invitation as administrator again.');
    }
  }

  /** Runs `work` in a transaction, then wakes the outbox worker once it has committed. */
  async function withEmail<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    notifyOutbox(db);
    return result;
  }

  /** The invitation a code opens, checked: 404 unless pending, 410 when expired. */
  async function openByCode(q: Kysely<Database>, code: string, at: string): Promise<repo.InvitationByCode> {
    const invitation = isWellFormedCode(code) ? await repo.findInvitationByCodeHash(q, sha256(code)) : undefined;
    assertThat(invitation && invitation.accepted_at === null && invitation.revoked_at === null, invitationNotFound);
    assertThat(invitation.expires_at > at, invitationExpired);
    return invitation;
  }

  return {
    /**
     * Invites the address, or, when an invitation to it is pending (expired or not), sends that one
     * again unchanged: Tallyfy's Python SDK "resends" by posting the invite again with placeholder
     * names, which must not overwrite what the inviter first gave.
     */
    async invite(
      inviter: Inviter,
      input: UncheckedFields<InviteBody>,
      schemaFailures: ReadonlyFieldErrors,
    ): Promise<Member> {
      const parsed = typeof input.email === 'string' ? parseEmailAddress(input.email) : undefined;
      const bag = collectFieldErrors(schemaFailures);
      if (parsed && !parsed.ok && !bag.has('email')) bag.add('email', parsed.message);
      bag.throwIfAny();
      // No failure of the schema or of the address: the body is what the schema describes.
      const body = input as InviteBody;
      const email = (parsed as { email: string }).email;
      const role: Role = (body.role as Role | null | undefined) ?? 'light';
      if (role === 'admin' && inviter.role !== 'admin')
        throw new AppError('FORBIDDEN', 'Only an administrator may invite an administrator.');
      const { organizationId } = inviter;
      return withEmail(async (trx) => {
        if (await findMemberByEmail(trx, organizationId, email)) {
          throw validationFailed({ email: [`${email} is already a member of this organization.`] });
        }
        if (await repo.isActiveGuest(trx, organizationId, email)) {
          throw validationFailed({
            email: [
              `${email} is a guest of this organization: convert the guest instead, with POST /organizations/${organizationId}/guests/${email}/to/member.`,
            ],
          });
        }
        let pending = await repo.findPendingInvitation(trx, organizationId, { email });
        if (!pending) {
          const code = randomSecret(24);
          const at = new Date();
          const invitation = {
            organizationId,
            email,
            role,
            codeHash: sha256(code),
            invitedBy: inviter.userId,
            at: formatTimestamp(at),
            expiresAt: expiresFrom(at),
            firstName: body.first_name ?? null,
            lastName: body.last_name ?? null,
            message: body.message ?? null,
          };
          const userId = await repo.ensureUser(trx, {
            email,
            firstName: invitation.firstName,
            lastName: invitation.lastName,
            at: invitation.at,
          });
          if ((await repo.insertInvitation(trx, { ...invitation, userId })) !== undefined) {
            await send(
              trx,
              organizationId,
              { email, role, message: invitation.message, invitedBy: inviter.userId },
              code,
              invitation.expiresAt,
            );
            const created = await repo.findPendingInvitation(trx, organizationId, { email });
            if (!created) throw new Error('invitation vanished inside its transaction');
            return invitationToMember(created);
          }
          // A concurrent invite of the same address won the unique index: this one is a resend of it.
          pending = await repo.findPendingInvitation(trx, organizationId, { email });
          if (!pending) throw new AppError('CONFLICT', 'The invitation changed at the same time; retry the request.');
        }
        mayResend(inviter, pending);
        return resendIn(trx, organizationId, pending);
      });
    },

    /** Sends the user's pending invitation again (expired or not). */
    async resend(inviter: Inviter, userId: number): Promise<Member> {
      return withEmail(async (trx) => {
        const pending = await repo.findPendingInvitation(trx, inviter.organizationId, { userId });
        assertThat(pending, noInvitation);
        if (await findMemberById(trx, inviter.organizationId, userId)) {
          throw new AppError(
            'CONFLICT',
            'This user is a member of the organization already; there is nothing to send.',
          );
        }
        mayResend(inviter, pending);
        return resendIn(trx, inviter.organizationId, pending);
      });
    },

    /** Withdraws the user's pending invitation: the link stops working at once. */
    async withdraw(inviter: Inviter, userId: number): Promise<Member> {
      return db.transaction().execute(async (trx) => {
        const pending = await repo.findPendingInvitation(trx, inviter.organizationId, { userId });
        assertThat(pending, noInvitation);
        assertThat(
          await repo.withdrawInvitation(trx, inviter.organizationId, userId, inviter.userId, now()),
          noInvitation,
        );
        return invitationToMember(pending);
      });
    },

    /** What the accept link shows. */
    async view(code: string): Promise<InvitationView> {
      const invitation = await openByCode(db, code, now());
      const userHasName = invitation.user_first_name !== null || invitation.user_last_name !== null;
      return {
        organization: { id: invitation.organization_id, name: invitation.organization_name },
        email: invitation.email,
        first_name: userHasName ? invitation.user_first_name : invitation.first_name,
        last_name: userHasName ? invitation.user_last_name : invitation.last_name,
        role: invitation.role,
        message: invitation.message,
        invited_by:
          invitation.invited_by === null || invitation.inviter_email === null
            ? null
            : {
                id: invitation.invited_by,
                name: personName(invitation.inviter_first_name, invitation.inviter_last_name, invitation.inviter_email),
              },
        expires_at: invitation.expires_at,
      };
    },

    /**
     * Accepts: the membership with the invited role, a token, and the end of the person's guest
     * record here if they are one (as a guest turned member). One transaction; of two concurrent
     * accepts one succeeds and the other finds the link used (404).
     */
    async accept(
      code: string,
      names: { firstName: string | null; lastName: string | null },
    ): Promise<AcceptedInvitation> {
      const accepted = await db.transaction().execute(async (trx) => {
        const at = now();
        const invitation = await openByCode(trx, code, at);
        assertThat(await repo.markAccepted(trx, invitation.id, at), invitationNotFound);
        const { organization_id: organizationId, user_id: userId } = invitation;
        if (await findMemberById(trx, organizationId, userId)) {
          throw new AppError('CONFLICT', 'You are a member of this organization already.');
        }
        // The organization knows the member by the names its inviter gave, else those given on accepting.
        const given = names.firstName !== null || names.lastName !== null;
        const invitedNames = { firstName: invitation.first_name, lastName: invitation.last_name };
        const memberNames = invitedNames.firstName !== null || invitedNames.lastName !== null ? invitedNames : names;
        await repo.insertInvitedMembership(trx, {
          organizationId,
          userId,
          role: invitation.role,
          invitedBy: invitation.invited_by,
          at,
          ...memberNames,
        });
        const guest = await findRecordByEmail(trx, organizationId, invitation.email);
        if (guest && guest.deleted_at === null) await removeRecord(trx, guest, at);
        await repo.nameUserIfUnnamed(
          trx,
          userId,
          given ? names : { firstName: invitation.first_name, lastName: invitation.last_name },
        );
        const { token, tokenHash } = newPersonalToken();
        const tokenId = await insertToken(trx, {
          userId,
          name: `Invitation to ${invitation.organization_name}`,
          tokenHash,
          createdAt: at,
          expiresAt: null,
        });
        const member = await findMemberById(trx, organizationId, userId);
        if (!member) throw new Error('membership vanished inside its transaction');
        return {
          member: memberRowToMember(member),
          organization: { id: organizationId, name: invitation.organization_name },
          token: { id: tokenId, token, expires_at: null },
        };
      });
      // A token of theirs remembered as "not a member here" is one now.
      await announceAuthChange(db, { userId: accepted.member.id });
      return accepted;
    },
  };
}
