/**
 * The text of the emails the service sends. Each builder returns the subject and both parts; the
 * outbox stores them as they are, so a retried send is byte for byte the same message.
 */
import { escapeHtml } from '../core/html.js';

/** One organization a guest belongs to, with the guest's link there. */
export interface GuestAccessLink {
  organizationName: string;
  link: string;
}

export interface ComposedMessage {
  subject: string;
  text: string;
  html: string;
}

export const GUEST_ACCESS_KIND = 'guest_access';
/**
 * A queued `POST /public/guests/access` for an address, not yet looked up: the worker turns it
 * into a `guest_access` email or drops it (src/public/access.resolve.ts). Its subject and bodies
 * are empty until then.
 */
export const GUEST_ACCESS_REQUEST_KIND = 'guest_access_request';
export const GUEST_ACCESS_SUBJECT = 'Your guest links';

/**
 * The answer to `POST /public/guests/access`: every organization the guest is an active guest of,
 * each with its link. Only the guest's own mailbox ever sees it, so listing them is no leak.
 */
export function guestAccessMessage(links: GuestAccessLink[]): ComposedMessage {
  const one = links.length === 1;
  const intro = one
    ? 'Someone (hopefully you) asked for your guest link. Here it is:'
    : `Someone (hopefully you) asked for your guest links. You are a guest of ${links.length} organizations:`;
  const outro = [
    'Each link is personal: anyone who has it can see and work on your tasks there, so do not forward this email.',
    'If you did not ask for this, you can ignore this email; nothing has changed.',
  ];
  const text = [
    'Hello,',
    '',
    intro,
    '',
    ...links.flatMap((l) => [`${l.organizationName}`, `  ${l.link}`, '']),
    ...outro,
    '',
  ].join('\n');
  const items = links
    .map(
      (l) =>
        `<li><strong>${escapeHtml(l.organizationName)}</strong><br><a href="${escapeHtml(l.link)}">${escapeHtml(l.link)}</a></li>`,
    )
    .join('\n');
  const html = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>' + escapeHtml(GUEST_ACCESS_SUBJECT) + '</title></head><body>',
    '<p>Hello,</p>',
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>\n${items}\n</ul>`,
    ...outro.map((line) => `<p>${escapeHtml(line)}</p>`),
    '</body></html>',
    '',
  ].join('\n');
  return { subject: GUEST_ACCESS_SUBJECT, text, html };
}

export const TASK_ASSIGNED_KIND = 'task_assigned';

/** What a guest is told when made an owner of a task (docs/tasks.md, Create task). */
export interface TaskAssignment {
  organizationName: string;
  title: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  deadline: string;
  link: string;
}

/** A guest was made an owner of a task: its title, deadline and the guest's link to it. */
export function taskAssignedMessage(task: TaskAssignment): ComposedMessage {
  // One line whatever the title holds: a subject is a header.
  const subject = `New task from ${task.organizationName}: ${task.title}`.replace(/\s+/g, ' ');
  const lines = [
    `${task.organizationName} has given you a task:`,
    '',
    `  ${task.title}`,
    `  Due: ${task.deadline} UTC`,
    '',
    'Open it with your guest link:',
    `  ${task.link}`,
    '',
    'The link is personal: anyone who has it can see and work on your tasks there, so do not forward this email.',
    '',
  ];
  const html = [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p>${escapeHtml(task.organizationName)} has given you a task:</p>`,
    `<p><strong>${escapeHtml(task.title)}</strong><br>Due: ${escapeHtml(task.deadline)} UTC</p>`,
    `<p><a href="${escapeHtml(task.link)}">Open it with your guest link</a></p>`,
    '<p>The link is personal: anyone who has it can see and work on your tasks there, so do not forward this email.</p>',
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text: lines.join('\n'), html };
}
