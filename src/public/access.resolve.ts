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
import { findActiveRecordsByEmail } from './access.repository.js';

/**
 * Resolves one queued access request: the row becomes the email listing the guest's active
 * links (kind `guest_access`, stored so that a retry sends the same bytes), or is deleted when
 * the address has no active record (then undefined). Undefined too when the row is no longer an
 * unresolved request (resolved or dropped by someone else meanwhile). Rows of other kinds come
 * back as they are.
 */
export async function resolveAccessRequest(db: Kysely<Database>, row: OutboxRow, links: GuestLinks): Promise<OutboxRow | undefined> {
  if (row.kind !== GUEST_ACCESS_REQUEST_KIND) return row;
  const records = await findActiveRecordsByEmail(db, row.recipient);
  if (records.length === 0) {
    await db.deleteFrom('outbox').where('id', '=', row.id).where('kind', '=', GUEST_ACCESS_REQUEST_KIND).execute();
    return undefined;
  }
  const message = guestAccessMessage(records.map((r) => ({ organizationName: r.organizationName, link: guestLinkOf(links, r.code) as string })));
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
  const rows = await db.selectFrom('outbox').selectAll().where('kind', '=', GUEST_ACCESS_REQUEST_KIND).orderBy('id').execute();
  for (const row of rows) await resolveAccessRequest(db, row, links);
}
