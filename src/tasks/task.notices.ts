/**
 * The assignment email (docs/tasks.md, Create task): each guest newly made an owner of a task is
 * told its title, deadline and their guest link, queued in the transaction that made them owner,
 * so the email exists exactly when the assignment does.
 */
import { findRecordsByIds, type GuestRecord } from '../guests/guest.repository.js';
import { guestLinkOf, type GuestLinks } from '../guests/guest-code.js';
import { newMessageId, outboxInsert } from '../outbox/outbox.repository.js';
import type { WriteBatch } from '../db/write-batch.js';
import { TASK_ASSIGNED_KIND, taskAssignedMessage } from '../outbox/messages.js';

/** What the transaction has read already, so queueAssignments does not read it again. */
export interface KnownToAssign {
  /** Guest records this transaction wrote or read (the guests it joined), by record id. */
  records?: ReadonlyMap<number, GuestRecord>;
  /** The organization's name, as this transaction read it. */
  organizationName?: string | undefined;
}

/**
 * Queues one email per guest record in `guestIds`, in `batch` (sent when its caller runs it).
 * Answers the number queued (a guest whose link does not open gets none) and the email of every
 * record in `guestIds`, as read in the batch's transaction (or as `known` has them from it).
 */
export async function queueAssignments(
  batch: WriteBatch,
  links: GuestLinks,
  organizationId: string,
  task: { title: string; deadline: string },
  guestIds: number[],
  known: KnownToAssign = {},
): Promise<{ queued: number; emails: Map<number, string> }> {
  const emails = new Map<number, string>();
  if (guestIds.length === 0) return { queued: 0, emails };
  const unread = guestIds.filter((id) => !known.records?.has(id));
  const trx = batch.db;
  const [read, organization] = await Promise.all([
    findRecordsByIds(trx, unread),
    known.organizationName === undefined
      ? trx.selectFrom('organizations').select('name').where('id', '=', organizationId).executeTakeFirst()
      : { name: known.organizationName },
  ]);
  const readById = new Map(read.map((record) => [record.id, record]));
  const records = guestIds.flatMap((id) => {
    const record = known.records?.get(id) ?? readById.get(id);
    return record ? [record] : [];
  });
  let queued = 0;
  for (const record of records) {
    emails.set(record.id, record.email);
    // A disabled guest's link does not open until they are enabled (with a new link): nothing to send.
    if (record.deleted_at !== null || record.disabled_at !== null) continue;
    const link = guestLinkOf(links, record);
    if (link === null) continue;
    const message = taskAssignedMessage({
      organizationName: organization?.name ?? 'An organization',
      title: task.title,
      deadline: task.deadline,
      link,
    });
    batch.add(
      outboxInsert(
        trx,
        { kind: TASK_ASSIGNED_KIND, recipient: record.email, ...message },
        newMessageId(links.publicBaseUrl),
      ),
    );
    queued += 1;
  }
  return { queued, emails };
}
