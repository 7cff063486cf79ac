/**
 * The assignment email (docs/tasks.md, Create task): each guest newly made an owner of a task is
 * told its title, deadline and their guest link, queued in the transaction that made them owner,
 * so the email exists exactly when the assignment does.
 */
import { findRecordsByIds, type GuestRecord } from '../guests/guest.repository.js';
import { guestLinkOf, type GuestLinks, type SealedCodeColumns } from '../guests/guest-code.js';
import { newMessageId, outboxInsert, type OutgoingMessage } from '../outbox/outbox.repository.js';
import type { WriteBatch } from '../db/write-batch.js';
import { organizationName } from './task.repository.js';
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
    known.organizationName ?? organizationName(trx, organizationId),
  ]);
  const readById = new Map(read.map((record) => [record.id, record]));
  const records = guestIds.flatMap((id) => {
    const record = known.records?.get(id) ?? readById.get(id);
    return record ? [record] : [];
  });
  let queued = 0;
  for (const record of records) {
    emails.set(record.id, record.email);
    const email = assignmentEmail(links, organization, task, record);
    if (email === null) continue;
    batch.add(outboxInsert(trx, email, newMessageId(links.publicBaseUrl)));
    queued += 1;
  }
  return { queued, emails };
}

/**
 * The assignment email of one guest record, or null when there is none to send: a disabled or
 * removed guest's link does not open (until they are enabled, with a new link).
 */
export function assignmentEmail(
  links: GuestLinks,
  organizationName: string | undefined,
  task: { title: string; deadline: string },
  record: SealedCodeColumns & Pick<GuestRecord, 'email' | 'deleted_at' | 'disabled_at'>,
): OutgoingMessage | null {
  if (record.deleted_at !== null || record.disabled_at !== null) return null;
  const link = guestLinkOf(links, record);
  if (link === null) return null;
  const message = taskAssignedMessage({
    organizationName: organizationName ?? 'An organization',
    title: task.title,
    deadline: task.deadline,
    link,
  });
  return { kind: TASK_ASSIGNED_KIND, recipient: record.email, ...message };
}
