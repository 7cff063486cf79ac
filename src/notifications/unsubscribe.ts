/**
 * Unsubscribe links (docs/notifications.md, Unsubscribe): every digest and reminder names a URL
 * that turns that kind of email off for the guest in that organization, by RFC 8058 one-click POST
 * (`List-Unsubscribe` + `List-Unsubscribe-Post`) or from a page. The URL holds no stored secret:
 * it is the guest record's id and the topic with a MAC under the guest code key, so it keeps
 * working after the guest's link is reset and opens nothing but the switch it names.
 */
import type { GuestCodes, GuestLinks } from '../guests/guest-code.js';

/** The kinds of email a guest can turn off this way: each is the guest preference it switches off. */
export const EMAIL_TOPICS = ['daily_digest', 'task_reminders'] as const;
export type EmailTopic = (typeof EMAIL_TOPICS)[number];

const PURPOSE = 'unsubscribe';
const TOKEN = /^([1-9][0-9]{0,15})\.([a-z_]{1,32})\.([A-Za-z0-9_-]{22})$/;

/** True when `token` has the shape of a token (its MAC unchecked): anything else is answered without a look-up. */
export function isWellFormedUnsubscribeToken(token: unknown): boolean {
  return typeof token === 'string' && TOKEN.test(token);
}

/** `<record id>.<topic>.<mac>`: what the unsubscribe URL ends with. */
export function unsubscribeToken(codes: GuestCodes, organizationGuestId: number, topic: EmailTopic): string {
  const data = `${organizationGuestId}.${topic}`;
  return `${data}.${codes.mac(PURPOSE, data)}`;
}

/** The guest record and topic a token names, or undefined when it is malformed or its MAC does not match. */
export function readUnsubscribeToken(
  codes: GuestCodes,
  token: string,
): { organizationGuestId: number; topic: EmailTopic } | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const [, id, topic, mac] = match as unknown as [string, string, string, string];
  if (!(EMAIL_TOPICS as readonly string[]).includes(topic)) return undefined;
  if (!codes.macMatches(PURPOSE, `${id}.${topic}`, mac)) return undefined;
  const organizationGuestId = Number(id);
  if (!Number.isSafeInteger(organizationGuestId)) return undefined;
  return { organizationGuestId, topic: topic as EmailTopic };
}

/** The absolute unsubscribe URL for one guest record and topic. */
export function unsubscribeUrl(links: GuestLinks, organizationGuestId: number, topic: EmailTopic): string {
  return `${links.publicBaseUrl}/unsubscribe/${unsubscribeToken(links.codes, organizationGuestId, topic)}`;
}

/** The RFC 8058 one-click headers for a message whose unsubscribe URL is `url`. */
export function listUnsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
