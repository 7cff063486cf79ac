/**
 * Deadline reminders (docs/notifications.md, Reminders): a run at `at` reminds each open guest
 * owner of each open task due within the lead time (or overdue, for a limited number of days) at
 * most once a day, through the outbox. The scheduler calls `run` periodically; whether a reminder
 * is due is decided from stored state only, so any instance may run it and a missed run is made
 * up by the next one.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { formatTimestamp } from '../core/time.js';
import { guestLinkOf, type GuestLinks } from '../guests/guest-code.js';
import { enqueue, newMessageId } from '../outbox/outbox.repository.js';
import { notifyOutbox } from '../outbox/outbox-signal.js';
import { TASK_REMINDER_KIND, taskReminderMessage } from './reminder.messages.js';
import { claimReminders, dueReminders, remindersOff, type DueReminder } from './reminders.repository.js';
import type { Job } from './jobs.js';
import { listUnsubscribeHeaders, unsubscribeUrl } from './unsubscribe.js';

export interface RemindersDeps {
  db: Kysely<Database>;
  links: GuestLinks;
  /** Hours before the deadline when the first reminder goes out (REMINDER_LEAD_HOURS). */
  leadHours: number;
  /** Days after the deadline when overdue reminders stop (REMINDER_MAX_OVERDUE_DAYS). */
  maxOverdueDays: number;
  /** Guest owners read and claimed per statement. */
  pageSize?: number;
}

const HOUR_MS = 3_600_000;
/** At most one reminder of a task per guest per day. */
const REMIND_EVERY_MS = 24 * HOUR_MS;

export function remindersJob(deps: RemindersDeps): Job {
  const { db, links } = deps;
  const pageSize = deps.pageSize ?? 200;

  /** Claims the page's reminders and queues their emails, in one transaction: both or neither. */
  async function sendPage(page: DueReminder[], at: Date): Promise<number> {
    const sentAt = formatTimestamp(at);
    const lastSentBy = formatTimestamp(new Date(at.getTime() - REMIND_EVERY_MS));
    // A guest whose link does not open (no code) has nothing to follow: not reminded.
    const withLinks = page.flatMap((row) => {
      const link = guestLinkOf(links, row);
      return link === null ? [] : [{ row, link }];
    });
    return db.transaction().execute(async (trx) => {
      const claimed = await claimReminders(
        trx,
        withLinks.map(({ row }) => row),
        sentAt,
        lastSentBy,
      );
      const won = new Set(claimed.map((c) => `${c.task_id}:${c.organization_guest_id}`));
      const off = await remindersOff(
        trx,
        claimed.map((c) => c.organization_guest_id),
      );
      let queued = 0;
      for (const { row, link } of withLinks) {
        if (!won.has(`${row.task_id}:${row.organization_guest_id}`) || off.has(row.organization_guest_id)) continue;
        const unsubscribe = unsubscribeUrl(links, row.organization_guest_id, 'task_reminders');
        const message = taskReminderMessage({
          organizationName: row.organization_name,
          title: row.title,
          deadline: row.deadline,
          overdue: row.deadline < sentAt,
          link: `${link}/tasks/${row.task_id}`,
          unsubscribeUrl: unsubscribe,
        });
        await enqueue(
          trx,
          {
            kind: TASK_REMINDER_KIND,
            recipient: row.email,
            ...message,
            headers: listUnsubscribeHeaders(unsubscribe),
          },
          newMessageId(links.publicBaseUrl),
        );
        queued += 1;
      }
      return queued;
    });
  }

  return {
    name: 'reminders',
    async run(at: Date): Promise<number> {
      const window = {
        dueBy: formatTimestamp(new Date(at.getTime() + deps.leadHours * HOUR_MS)),
        notBefore: formatTimestamp(new Date(at.getTime() - deps.maxOverdueDays * 24 * HOUR_MS)),
        lastSentBy: formatTimestamp(new Date(at.getTime() - REMIND_EVERY_MS)),
      };
      let queued = 0;
      let after: { taskId: string; organizationGuestId: number } | undefined;
      for (;;) {
        const page = await dueReminders(db, window, after, pageSize);
        const last = page.at(-1);
        if (!last) break;
        queued += await sendPage(page, at);
        if (page.length < pageSize) break;
        after = { taskId: last.task_id, organizationGuestId: last.organization_guest_id };
      }
      if (queued > 0) notifyOutbox(db);
      return queued;
    },
  };
}
