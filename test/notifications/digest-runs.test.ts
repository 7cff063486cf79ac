/**
 * Digest runs (docs/notifications.md, Digest emails; Scheduled jobs): the day after the last open
 * task is completed there is no digest; runs repeated or racing at one moment send once; a run
 * held by a dead instance waits for its lease, then resumes after its cursor.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, type TestContext } from '../../support/app.js';
import { digestGuest, digestJob, recordedDigests } from './digest-helpers.js';

const ALL_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

describe('digest runs', () => {
  let ctx: TestContext;
  before(async () => ({ ctx } = await buildTestAppWithOther()));
  after(() => ctx.close());

  it('stop the day after the last open task is completed', async () => {
    const guest = await digestGuest(ctx, { label: 'finisher', timezone: 'UTC', days: ALL_DAYS });
    const job = digestJob(ctx);
    assert.equal(await job.run(new Date('2026-06-01T09:00:00Z')), 1);
    await ctx.db.kysely
      .updateTable('tasks')
      .set({ completed_at: '2026-06-01 10:00:00' })
      .where('id', '=', guest.taskIds[0] as string)
      .execute();
    await ctx.db.kysely.updateTable('task_guests').set({ completed_at: '2026-06-01 10:00:00' }).execute();
    assert.equal(await job.run(new Date('2026-06-02T09:00:00Z')), 0);
    assert.deepEqual(await recordedDigests(ctx), [`${guest.email} Acme 2026-06-01 2026-06-01 09:00:00`]);
  });

  it('send once however often or by however many instances they run at one moment', async () => {
    const guests = await Promise.all(
      Array.from({ length: 5 }, (_, i) => digestGuest(ctx, { label: `racer${i}`, timezone: 'UTC', days: ALL_DAYS })),
    );
    const at = new Date('2026-07-01T09:00:00Z');
    const jobs = ['a', 'b', 'c'].map((owner) => digestJob(ctx, { owner }));
    const queued = await Promise.all(jobs.map((job) => job.run(at)));
    assert.equal(
      queued.reduce((a, b) => a + b, 0),
      guests.length,
    );
    assert.equal(await digestJob(ctx, { owner: 'd' }).run(at), 0);
    assert.equal(await jobs[0]?.run(new Date('2026-07-01T20:00:00Z')), 0);
    const sent = await ctx.db.kysely
      .selectFrom('digest_sends')
      .select('organization_guest_id')
      .where('local_date', '=', '2026-07-01')
      .execute();
    assert.deepEqual(
      sent.map((s) => s.organization_guest_id).sort((a, b) => a - b),
      guests.map((g) => g.recordId).sort((a, b) => a - b),
    );
  });
});

describe('digest records', () => {
  let ctx: TestContext;
  before(async () => ({ ctx } = await buildTestAppWithOther()));
  after(() => ctx.close());

  it('are deleted after 30 days, at most once an hour', async () => {
    const guest = await digestGuest(ctx, { label: 'old', timezone: 'UTC', days: ['Monday'] });
    const row = (local_date: string) => ({
      organization_guest_id: guest.recordId,
      local_date,
      sent_at: `${local_date} 08:00:00`,
    });
    await ctx.db.kysely
      .insertInto('digest_sends')
      .values([row('2026-08-01'), row('2026-08-02'), row('2026-08-20')])
      .execute();
    const dates = async () =>
      (await ctx.db.kysely.selectFrom('digest_sends').select('local_date').orderBy('local_date').execute()).map(
        (r) => r.local_date,
      );
    const job = digestJob(ctx);
    // Tuesday 1 September: nothing due; records before 2 August go.
    assert.equal(await job.run(new Date('2026-09-01T23:30:00Z')), 0);
    assert.deepEqual(await dates(), ['2026-08-02', '2026-08-20']);
    // After midnight 2 August is past the 30 days too, but the next deletion waits for the hour.
    await job.run(new Date('2026-09-02T00:15:00Z'));
    assert.deepEqual(await dates(), ['2026-08-02', '2026-08-20']);
    await job.run(new Date('2026-09-02T00:45:00Z'));
    assert.deepEqual(await dates(), ['2026-08-20']);
  });
});

describe('a digest run cut short', () => {
  let ctx: TestContext;
  before(async () => ({ ctx } = await buildTestAppWithOther()));
  after(() => ctx.close());

  it('waits while the lease of the dead instance runs, then resumes after its cursor', async () => {
    const guests = await Promise.all(
      Array.from({ length: 4 }, (_, i) => digestGuest(ctx, { label: `resume${i}`, timezone: 'UTC', days: ALL_DAYS })),
    );
    const ids = guests.map((g) => g.recordId).sort((a, b) => a - b);
    // An instance died holding the job, having done every record up to the second of these.
    await ctx.db.kysely
      .insertInto('job_runs')
      .values({
        name: 'digests',
        locked_by: 'dead',
        locked_until: '2026-08-01 09:05:00',
        cursor: String(ids[1]),
        last_finished_at: null,
      })
      .execute();
    const job = digestJob(ctx, { owner: 'next' });
    assert.equal(await job.run(new Date('2026-08-01T09:00:00Z')), 0, 'the lease still runs');
    assert.equal(await job.run(new Date('2026-08-01T09:06:00Z')), 2, 'resumes after the cursor');
    const run = await ctx.db.kysely
      .selectFrom('job_runs')
      .selectAll()
      .where('name', '=', 'digests')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...run, last_finished_at: run.last_finished_at?.slice(0, 15) },
      {
        name: 'digests',
        locked_by: null,
        locked_until: null,
        cursor: null,
        last_finished_at: '2026-08-01 09:0',
      },
    );
    // The next run starts from the beginning and finds the two records before the cursor.
    assert.equal(await job.run(new Date('2026-08-01T09:20:00Z')), 2);
    const sent = await ctx.db.kysely
      .selectFrom('digest_sends')
      .select('organization_guest_id')
      .where('local_date', '=', '2026-08-01')
      .execute();
    assert.deepEqual(
      sent.map((s) => s.organization_guest_id).sort((a, b) => a - b),
      ids,
    );
  });
});
