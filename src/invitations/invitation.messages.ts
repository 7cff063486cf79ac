/**
 * The invitation email. Everything in it that people typed (organization name, the inviter's and
 * invitee's names, the personal message) is escaped in the HTML part; the subject is one line
 * whatever the names contain.
 */
import type { Role } from '../db/types.js';
import { escapeHtml } from '../core/html.js';
import type { ComposedMessage } from '../outbox/messages.js';
import { fullName } from '../members/member.mapper.js';

export const MEMBER_INVITATION_KIND = 'member_invitation';

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  admin: 'administrator',
  standard: 'standard member',
  light: 'light member',
};

export interface InvitationEmail {
  organizationName: string;
  /** The inviter's full name, or their email when they have no name. */
  inviterName: string;
  role: Role;
  message: string | null;
  link: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  expiresAt: string;
}

/** Line breaks and runs of white space as one space: a header value is one line. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

export function personName(first: string | null, last: string | null, email: string | null): string {
  return fullName(first, last) ?? email ?? 'Someone';
}

export function invitationMessage(invite: InvitationEmail): ComposedMessage {
  const subject = oneLine(`${invite.inviterName} invited you to ${invite.organizationName}`);
  const role = ROLE_NAMES[invite.role];
  const expires = `${invite.expiresAt} UTC`;
  const text = [
    'Hello,',
    '',
    `${invite.inviterName} invited you to join ${invite.organizationName} as a ${role}.`,
    ...(invite.message ? ['', 'Their message:', '', ...invite.message.split(/\r?\n/).map((line) => `> ${line}`)] : []),
    '',
    'To accept, open this link:',
    '',
    `  ${invite.link}`,
    '',
    `The link works until ${expires}. It is personal: do not forward this email.`,
    'If you did not expect this invitation, you can ignore this email.',
    '',
  ].join('\n');
  const message = invite.message
    ? `<p>Their message:</p>\n<blockquote style="white-space:pre-wrap">${escapeHtml(invite.message)}</blockquote>`
    : '';
  const link = escapeHtml(invite.link);
  const html = [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    '<p>Hello,</p>',
    `<p>${escapeHtml(invite.inviterName)} invited you to join <strong>${escapeHtml(invite.organizationName)}</strong> as a ${escapeHtml(role)}.</p>`,
    message,
    `<p><a href="${link}">Accept the invitation</a></p>`,
    `<p>Or copy this link into your browser: ${link}</p>`,
    `<p>The link works until ${escapeHtml(expires)}. It is personal: do not forward this email.</p>`,
    '<p>If you did not expect this invitation, you can ignore this email.</p>',
    '</body></html>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
  return { subject, text, html };
}
