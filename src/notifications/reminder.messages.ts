/**
 * The reminder email (docs/notifications.md, Reminders), in the style of the outbox's other
 * messages: plain text and HTML saying the same, the unsubscribe link visible in both, so a
 * reader whose client shows no unsubscribe button can still turn reminders off.
 */
import { escapeHtml } from '../core/html.js';
import type { ComposedMessage } from '../outbox/messages.js';

export const TASK_REMINDER_KIND = 'task_reminder';

export interface TaskReminder {
  organizationName: string;
  title: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  deadline: string;
  /** Past the deadline when the reminder is composed. */
  overdue: boolean;
  /** The guest's link to the task's page. */
  link: string;
  unsubscribeUrl: string;
}

export function taskReminderMessage(reminder: TaskReminder): ComposedMessage {
  const due = `${reminder.deadline} UTC`;
  const state = reminder.overdue ? 'is overdue' : `is due ${due}`;
  // One line whatever the title holds: a subject is a header.
  const subject = `Reminder: ${reminder.title} ${state}`.replace(/\s+/g, ' ');
  const intro = reminder.overdue
    ? `A task ${reminder.organizationName} gave you is past its deadline:`
    : `A task ${reminder.organizationName} gave you is due soon:`;
  const personal =
    'The link is personal: anyone who has it can see and work on your tasks there, so do not forward this email.';
  const text = [
    intro,
    '',
    `  ${reminder.title}`,
    `  Due: ${due}`,
    '',
    'Open it with your guest link:',
    `  ${reminder.link}`,
    '',
    personal,
    '',
    'To stop reminders from this organization, open:',
    `  ${reminder.unsubscribeUrl}`,
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<p><strong>${escapeHtml(reminder.title)}</strong><br>Due: ${escapeHtml(due)}</p>`,
    `<p><a href="${escapeHtml(reminder.link)}">Open it with your guest link</a></p>`,
    `<p>${escapeHtml(personal)}</p>`,
    `<p>To stop reminders from this organization: <a href="${escapeHtml(reminder.unsubscribeUrl)}">${escapeHtml(reminder.unsubscribeUrl)}</a></p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
