/**
 * The send-time half of `POST /public/guests/access` (docs/guests.md has the guest side; the
 * operation is described in the OpenAPI text of the route). The request path only queues an
 * access request for the address, the same one for every address; the outbox worker turns it
 * into the email with the guest's links when it is about to send, or drops it when the address
 * has no active guest record. So the request does the same work whether or not the address
 * belongs to a guest, and its timing cannot tell.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { guestLinkOf, type GuestLinks } from '../guests/guest-code.js';
import { GUEST_ACCESS_KIND, GUEST_ACCESS_REQUEST_KIND, guestAccessMessage } from '../outbox/messages.js';
import type { OutboxRow } from '../outbox/outbox.repository.js';
import type { OutboxHandlers } from '../outbox/worker.js';
import { formatTimestamp } from '../core/time.js';
import { findActiveRecordsByEmail } from './access.repository.js';
import { pruneWindows } from './throttle.repository.js';

/** Throttle counters are useless once their hour is over; a day's worth is kept for the curious. */
const KEEP_WINDOWS_MS = 86_400_000;

/**
 * What the outbox worker is built with for the guest access emails: access requests resolved as
 * they are sent, and the access throttle's old counters deleted at its housekeeping.
 */
export function accessRequestHandlers(links: GuestLinks): OutboxHandlers {
  return {
    prepare: (db, row) => resolveAccessRequest(db, row, links),
    prune: (db, now) => pruneWindows(db, formatTimestamp(new Date(now - KEEP_WINDOWS_MS))),
  };
}

/**
 * Resolves one queued access request: the row becomes the email listing the guest's active
 * links (kind `guest_access`, stored so that a retry sends the same bytes), or is deleted when
 * the address has no active record (then undefined). Undefined too when the row is no longer an
 * unresolved request (resolved or dropped by someone else meanwhile). Rows of other kinds come
 * back as they are.
 */
export async function resolveAccessRequest(
  db: Kysely<Database>,
  row: OutboxRow,
  links: GuestLinks,
): Promise<OutboxRow | undefined> {
  if (row.kind !== GUEST_ACCESS_REQUEST_KIND) return row;
  const records = await findActiveRecordsByEmail(db, row.recipient);
  if (records.length === 0) {
    await db.deleteFrom('outbox').where('id', '=', row.id).where('kind', '=', GUEST_ACCESS_REQUEST_KIND).execute();
    return undefined;
  }
  const message = guestAccessMessage(
    records.map((r) => ({ organizationName: r.organizationName, link: guestLinkOf(links, r.code) as string })),
  );
  return db
    .updateTable('outbox')
    .set({ kind: GUEST_ACCESS_KIND, subject: message.subject, text_body: message.text, html_body: message.html })
    .where('id', '=', row.id)
    .where('kind', '=', GUEST_ACCESS_REQUEST_KIND)
    .returningAll()
    .executeTakeFirst();
}

/** Resolves every queued access request now (the worker does it one by one as it sends). */
export async function resolvePendingAccessRequests(db: Kysely<Database>, links: GuestLinks): Promise<void> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('kind', '=', GUEST_ACCESS_REQUEST_KIND)
    .orderBy('id')
    .execute();
  for (const row of rows) await resolveAccessRequest(db, row, links);
}
