/**
 * The digest email (docs/notifications.md, Digest emails): the guest's open tasks in one
 * organization, overdue ones first and marked, each with its due time in the guest's zone and the
 * guest's link to it; the guest page; and the unsubscribe link. Plain text and HTML say the same.
 */
import { escapeHtml } from '../core/html.js';
import type { ComposedMessage } from '../outbox/messages.js';
import { localTime } from './zones.js';

export const GUEST_DIGEST_KIND = 'guest_digest';

export interface DigestTask {
  title: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  deadline: string;
  /** The guest's link to the task. */
  link: string;
}

export interface Digest {
  organizationName: string;
  /** The guest's zone: due times are shown in it. */
  zone: string;
  /** When the digest is made: tasks due before it are overdue. */
  at: Date;
  /** Open tasks, earliest deadline first (so the overdue ones come first). */
  tasks: DigestTask[];
  /** Open tasks in all, when more than `tasks` lists. */
  total: number;
  /** The guest page. */
  pageLink: string;
  unsubscribeLink: string;
}

function dueText(deadline: string, zone: string): string {
  const local = localTime(new Date(`${deadline.replace(' ', 'T')}Z`), zone);
  return `${local.date} ${local.time} (${zone})`;
}

/** Subject and both parts of one digest. */
export function digestMessage(digest: Digest): ComposedMessage {
  // One line whatever the name holds: a subject is a header.
  const subject = `Your open tasks at ${digest.organizationName}`.replace(/\s+/g, ' ');
  const now = digest.at.toISOString().slice(0, 19).replace('T', ' ');
  const items = digest.tasks.map((task) => ({
    ...task,
    overdue: task.deadline < now,
    due: dueText(task.deadline, digest.zone),
  }));
  const count = digest.total === 1 ? 'one open task' : `${digest.total} open tasks`;
  const intro = `You have ${count} at ${digest.organizationName}.`;
  const more =
    digest.total > digest.tasks.length
      ? `And ${digest.total - digest.tasks.length} more: see them all on your guest page.`
      : undefined;
  const personal =
    'The links are personal: anyone who has them can see and work on your tasks, so do not forward this email.';
  const stop = 'To stop these emails, open this link:';

  const text = [
    'Hello,',
    '',
    intro,
    '',
    ...items.flatMap((t) => [
      `${t.overdue ? '[OVERDUE] ' : ''}${t.title.replace(/\s+/g, ' ')}`,
      `  Due: ${t.due}`,
      `  ${t.link}`,
      '',
    ]),
    ...(more ? [more, ''] : []),
    'Your guest page:',
    `  ${digest.pageLink}`,
    '',
    personal,
    '',
    stop,
    `  ${digest.unsubscribeLink}`,
    '',
  ].join('\n');

  const list = items
    .map(
      (t) =>
        `<li>${t.overdue ? '<strong>Overdue:</strong> ' : ''}<a href="${escapeHtml(t.link)}">${escapeHtml(t.title)}</a><br>Due: ${escapeHtml(t.due)}</li>`,
    )
    .join('\n');
  const html = [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    '<p>Hello,</p>',
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>\n${list}\n</ul>`,
    ...(more ? [`<p>${escapeHtml(more)}</p>`] : []),
    `<p><a href="${escapeHtml(digest.pageLink)}">Your guest page</a></p>`,
    `<p>${escapeHtml(personal)}</p>`,
    `<p><a href="${escapeHtml(digest.unsubscribeLink)}">Stop these emails</a></p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
