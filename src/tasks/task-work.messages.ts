/**
 * The email a guest owner gets when a task of theirs is opened again (docs/task-work.md, Reopen
 * task): plain text and escaped HTML, with the guest's own link. Task titles and organization
 * names are typed by other people, so every one is escaped in the HTML part.
 */
import { escapeHtml } from '../core/html.js';
import type { ComposedMessage } from '../outbox/messages.js';

export const TASK_REOPENED_KIND = 'task_reopened';

export interface TaskReopenedEmail {
  organizationName: string;
  taskTitle: string;
  guestName: string | null;
  link: string;
}

export function taskReopenedMessage(email: TaskReopenedEmail): ComposedMessage {
  const subject = `A task was reopened: ${email.taskTitle}`;
  const greeting = email.guestName ? `Hello ${email.guestName},` : 'Hello,';
  const intro = `${email.organizationName} opened this task again, so it needs your attention once more:`;
  const outro = 'The link is personal: anyone who has it can see and work on your tasks, so do not forward this email.';
  const text = [
    greeting,
    '',
    intro,
    '',
    `  ${email.taskTitle}`,
    '',
    'Open it here:',
    `  ${email.link}`,
    '',
    outro,
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<p><strong>${escapeHtml(email.taskTitle)}</strong></p>`,
    `<p><a href="${escapeHtml(email.link)}">Open the task</a><br>${escapeHtml(email.link)}</p>`,
    `<p>${escapeHtml(outro)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
