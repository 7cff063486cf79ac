/**
 * Deadline reminders (docs/notifications.md, Reminders): the job run with a fake clock. Who gets
 * one, how often, when they stop, and the per-task switch of the task API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, type TestContext } from '../../support/app.js';
import { remindersJob } from '../../src/notifications/reminders.js';
import { disableInDatabase } from '../guest-portal/portal-helpers.js';
import { tasksUrl } from '../tasks/task-helpers.js';
import { DAY, HOUR, freshDeadline, guest, jobOf, remindersTo, taskFor } from './reminders-helpers.js';

describe('reminders', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const at = (deadline: Date, offsetMs: number) => new Date(deadline.getTime() + offsetMs);

  it('one when the deadline is within the lead time, none before; at most one a day; overdue ones daily', async () => {
    const job = jobOf(ctx);
    const deadline = freshDeadline();
    const { email } = await guest(ctx);
    const task = await taskFor(ctx, deadline, [email]);
    assert.equal(task.reminders_enabled, true);

    assert.equal(await job.run(at(deadline, -25 * HOUR)), 0);
    assert.equal((await remindersTo(ctx, email)).length, 0);

    const first = at(deadline, -23 * HOUR);
    assert.equal(await job.run(first), 1);
    assert.equal(await job.run(first), 0, 'the same run again');
    assert.equal(await job.run(at(first, HOUR)), 0, 'an hour later');
    assert.equal(await job.run(at(first, 23 * HOUR)), 0, '23 hours later');
    let sent = await remindersTo(ctx, email);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.subject, `Reminder: Send the signed contract is due ${task.deadline} UTC`);

    // 24 hours after the first: the task is an hour overdue.
    assert.equal(await job.run(at(first, DAY)), 1);
    sent = await remindersTo(ctx, email);
    assert.equal(sent.length, 2);
    assert.equal(sent[1]?.subject, 'Reminder: Send the signed contract is overdue');
    const state = await ctx.db.kysely.selectFrom('task_reminders').selectAll().where('task_id', '=', task.id).execute();
    assert.equal(state.length, 1);
    assert.equal(Number(state[0]?.count), 2);
  });

  it('follows the lead time it is given', async () => {
    const deadline = freshDeadline();
    const { email } = await guest(ctx);
    await taskFor(ctx, deadline, [email]);
    assert.equal(await jobOf(ctx, { leadHours: 2 }).run(at(deadline, -3 * HOUR)), 0);
    assert.equal(await jobOf(ctx, { leadHours: 2 }).run(at(deadline, -2 * HOUR)), 1);
  });

  it('stops once the task is past its deadline by more than the overdue days', async () => {
    const job = jobOf(ctx, { maxOverdueDays: 7 });
    const deadline = freshDeadline();
    const { email } = await guest(ctx);
    await taskFor(ctx, deadline, [email]);
    const counts: number[] = [];
    for (let day = 0; day < 10; day++) counts.push(await job.run(at(deadline, day * DAY + HOUR)));
    assert.deepEqual(counts, [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    assert.equal((await remindersTo(ctx, email)).length, 7);

    // With no overdue days, an overdue task is not reminded at all.
    const later = freshDeadline();
    const other = await guest(ctx);
    await taskFor(ctx, later, [other.email]);
    assert.equal(await jobOf(ctx, { maxOverdueDays: 0 }).run(at(later, HOUR)), 0);
    assert.equal(await jobOf(ctx, { maxOverdueDays: 0 }).run(at(later, -HOUR)), 1);
  });

  it("none once the guest's own part is completed, none once the task is", async () => {
    const job = jobOf(ctx);
    const deadline = freshDeadline();
    const a = await guest(ctx);
    const b = await guest(ctx);
    const task = await taskFor(ctx, deadline, [a.email, b.email], { everyone_must_complete: true });
    const done = await ctx.app.inject({
      method: 'POST',
      url: `/api/guest/${a.code}/tasks/${task.id}/complete`,
      payload: {},
    });
    assert.equal(done.statusCode, 201, done.body);
    assert.equal(await job.run(at(deadline, -HOUR)), 1);
    assert.equal((await remindersTo(ctx, a.email)).length, 0);
    assert.equal((await remindersTo(ctx, b.email)).length, 1);

    // A member who is not an owner (the admin is: the creator) completes it for everyone.
    const completed = await call(ctx, ctx.tokens.standard, 'POST', `/api/organizations/${ctx.orgId}/completed-tasks`, {
      task_id: task.id,
    });
    assert.equal(completed.statusCode, 201, completed.body);
    assert.equal(completed.json().data.status, 'completed');
    assert.equal(await job.run(at(deadline, DAY)), 0);
    assert.equal((await remindersTo(ctx, b.email)).length, 1);
  });

  it('none while the task has reminders off (Update task); again once they are on', async () => {
    const job = jobOf(ctx);
    const deadline = freshDeadline();
    const { email } = await guest(ctx);
    const task = await taskFor(ctx, deadline, [email]);
    const off = await call(ctx, ctx.tokens.standard, 'PUT', tasksUrl(ctx.orgId, task.id), { reminders_enabled: false });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().data.reminders_enabled, false);
    assert.equal(await job.run(at(deadline, -HOUR)), 0);
    assert.equal((await remindersTo(ctx, email)).length, 0);

    const on = await call(ctx, ctx.tokens.standard, 'PUT', tasksUrl(ctx.orgId, task.id), { reminders_enabled: true });
    assert.equal(on.json().data.reminders_enabled, true);
    assert.equal(await job.run(at(deadline, -HOUR)), 1);
  });

  it('none for a disabled guest or a removed one', async () => {
    const job = jobOf(ctx);
    const deadline = freshDeadline();
    const disabled = await guest(ctx);
    const removed = await guest(ctx);
    const active = await guest(ctx);
    await taskFor(ctx, deadline, [disabled.email, removed.email, active.email]);
    await disableInDatabase(ctx, disabled.code);
    const removal = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/guests/${removed.email}`,
    );
    assert.equal(removal.statusCode, 200, removal.body);
    assert.equal(await job.run(at(deadline, -HOUR)), 1);
    assert.equal((await remindersTo(ctx, active.email)).length, 1);
    assert.equal((await remindersTo(ctx, disabled.email)).length, 0);
    assert.equal((await remindersTo(ctx, removed.email)).length, 0);
  });

  it('runs at once (two instances, say) queue each reminder once', async () => {
    const deadline = freshDeadline();
    const guests = [await guest(ctx), await guest(ctx), await guest(ctx)];
    await taskFor(
      ctx,
      deadline,
      guests.map((g) => g.email),
    );
    const runAt = at(deadline, -HOUR);
    const counts = await Promise.all([1, 2, 3, 4].map(() => jobOf(ctx).run(runAt)));
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      3,
      `queued per run: ${counts.join(', ')}`,
    );
    for (const g of guests) assert.equal((await remindersTo(ctx, g.email)).length, 1);
  });

  it('reads every guest owner in pages, each reminded once', async () => {
    const job = jobOf(ctx);
    const paged = remindersJob({
      db: ctx.db.kysely,
      links: ctx.links,
      leadHours: 24,
      maxOverdueDays: 7,
      pageSize: 2,
    });
    const deadline = freshDeadline();
    const guests = [await guest(ctx), await guest(ctx), await guest(ctx)];
    await taskFor(
      ctx,
      deadline,
      guests.map((g) => g.email),
    );
    await taskFor(
      ctx,
      deadline,
      guests.slice(0, 2).map((g) => g.email),
    );
    assert.equal(await paged.run(at(deadline, -HOUR)), 5);
    assert.equal(await job.run(at(deadline, -HOUR)), 0);
    for (const g of guests) assert.equal((await remindersTo(ctx, g.email)).length, g === guests[2] ? 1 : 2);
  });
});

describe('the per-task reminders switch', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('is true by default, can be created false, is kept by a clone, and must be a boolean', async () => {
    const deadline = freshDeadline();
    const on = await taskFor(ctx, deadline, []);
    assert.equal(on.reminders_enabled, true);
    const off = await taskFor(ctx, deadline, [], { reminders_enabled: false });
    assert.equal(off.reminders_enabled, false);
    const got = await call(ctx, ctx.tokens.light, 'GET', tasksUrl(ctx.orgId, off.id));
    assert.equal(got.json().data.reminders_enabled, false);
    const clone = await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId, off.id, '/clone'));
    assert.equal(clone.statusCode, 201, clone.body);
    assert.equal(clone.json().data.reminders_enabled, false);
    // An update without the key leaves it as it is.
    const renamed = await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, off.id), { title: 'Renamed' });
    assert.equal(renamed.json().data.reminders_enabled, false);
    const bad = await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, off.id), { reminders_enabled: 'no' });
    assert.equal(bad.statusCode, 422, bad.body);
    assert.ok(bad.json().errors.reminders_enabled, bad.body);
  });
});
