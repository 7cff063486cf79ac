/** Shared by the reminder and unsubscribe tests: a job on the test app, guests with tasks, the queued reminders. */
import assert from 'node:assert/strict';
import { formatTimestamp } from '../../src/core/time.js';
import { remindersJob } from '../../src/notifications/reminders.js';
import { call, createGuest, type TestContext } from '../../support/app.js';
import { codeOf } from '../guest-portal/portal-helpers.js';
import { tasksUrl, type TaskData } from '../tasks/task-helpers.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The job with the defaults (24 h lead, 7 days overdue) unless told otherwise. */
export function jobOf(ctx: TestContext, options: { leadHours?: number; maxOverdueDays?: number } = {}) {
  return remindersJob({
    db: ctx.db.kysely,
    links: ctx.links,
    leadHours: options.leadHours ?? 24,
    maxOverdueDays: options.maxOverdueDays ?? 7,
  });
}

let slot = 0;
/**
 * A deadline of its own for each test: 60 days apart, so the window of one test's runs (a week
 * overdue to a day ahead) never reaches another test's tasks.
 */
export function freshDeadline(): Date {
  slot += 1;
  return new Date(Date.UTC(2031, 0, 1, 9, 0, 0) + slot * 60 * DAY);
}

/** A guest of the test organization with their code. */
export async function guest(ctx: TestContext) {
  const created = await createGuest(ctx);
  return { email: created.email, code: codeOf(created.link) };
}

/** A task owned by these guests, due at `deadline`. */
export async function taskFor(
  ctx: TestContext,
  deadline: Date,
  emails: string[],
  body: Record<string, unknown> = {},
): Promise<TaskData & { reminders_enabled: boolean }> {
  const response = await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
    title: 'Send the signed contract',
    deadline: formatTimestamp(deadline),
    owners: { guests: emails },
    ...body,
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ data: TaskData & { reminders_enabled: boolean } }>().data;
}

/** The reminders queued for this address, oldest first. */
export async function remindersTo(ctx: TestContext, email: string) {
  return ctx.db.kysely
    .selectFrom('outbox')
    .select(['id', 'recipient', 'subject', 'text_body', 'html_body', 'headers'])
    .where('kind', '=', 'task_reminder')
    .where('recipient', '=', email)
    .orderBy('id')
    .execute();
}

/** The URL of a queued message's List-Unsubscribe header. */
export function unsubscribeUrlOf(headersJson: string | null): string {
  const headers = JSON.parse(headersJson ?? '{}') as Record<string, string>;
  assert.equal(headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
  const match = /^<(https?:\/\/[^>]+)>$/.exec(headers['List-Unsubscribe'] ?? '');
  assert.ok(match?.[1], `a List-Unsubscribe header: ${headersJson}`);
  return match[1];
}

/** The guest's preferences through the guest API, slug -> value. */
export async function preferencesOf(ctx: TestContext, code: string): Promise<Record<string, unknown>> {
  const response = await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}/preferences` });
  assert.equal(response.statusCode, 200, response.body);
  const list = response.json<{ data: Array<{ slug: string; value: unknown }> }>().data;
  return Object.fromEntries(list.map((p) => [p.slug, p.value]));
}
