/**
 * Digest emails on the guest's days (docs/notifications.md, Digest emails), driven by a fake clock:
 * across two weeks with both daylight-saving changes of autumn 2026 (Europe/Berlin on 25 October,
 * America/New_York on 1 November) exactly the expected (guest, organization, local day) digests go
 * out, each at 08:00 local time; and who gets none. The expected lists are written out by hand.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { seedTask } from '../../support/tasks.js';
import { now } from '../../src/core/time.js';
import {
  digestGuest,
  digestJob,
  driveClock,
  queuedDigests,
  recordedDigests,
  type DigestGuest,
} from './digest-helpers.js';

const ALL_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

describe('digests across two weeks and two daylight-saving changes', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  const names = new Map<string, string>();
  const label = (guest: DigestGuest, name: string) => names.set(guest.email, name);

  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
    // Acme's own zone is Berlin's: guests with no zone follow it. Other has none (UTC).
    await ctx.admin.setOrganizationTimezone(ctx.orgId, 'Europe/Berlin');
    const inOther = { orgId: other.orgId, token: other.tokens.admin };

    const ny = await digestGuest(ctx, {
      label: 'ny',
      timezone: 'America/New_York',
      days: ['Sunday', 'Monday', 'Wednesday', 'Friday'],
      // Overdue before the run starts: still listed, still open.
      deadlines: ['2026-10-01 12:00:00'],
    });
    label(ny, 'ny');
    // The same person is a guest of Other too: one digest per organization.
    await digestGuest(ctx, {
      label: 'ny',
      email: ny.email,
      timezone: 'America/New_York',
      days: ['Monday'],
      ...inOther,
    });
    label(
      await digestGuest(ctx, { label: 'berlin', timezone: 'Europe/Berlin', days: ['Saturday', 'Sunday', 'Monday'] }),
      'berlin',
    );
    label(await digestGuest(ctx, { label: 'orgzone', timezone: null, days: ['Thursday'] }), 'orgzone');
    label(await digestGuest(ctx, { label: 'utc', timezone: 'UTC', days: ['Tuesday', 'Thursday'] }), 'utc');

    // None of these gets anything.
    const idle = await digestGuest(ctx, { label: 'idle', timezone: 'UTC', days: ALL_DAYS, deadlines: [] });
    await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, guests: [idle.recordId], completedAt: now() });
    label(idle, 'idle');
    const optOut = await digestGuest(ctx, { label: 'optout', timezone: 'UTC', days: ALL_DAYS });
    const preference = await ctx.app.inject({
      method: 'POST',
      url: `/api/guest/${optOut.code}/preferences`,
      payload: { slug: 'daily_digest', value: false },
    });
    assert.equal(preference.statusCode, 200, preference.body);
    label(optOut, 'optout');
    const disabled = await digestGuest(ctx, { label: 'disabled', timezone: 'UTC', days: ALL_DAYS });
    await ctx.db.kysely
      .updateTable('organization_guests')
      .set({ disabled_at: now() })
      .where('id', '=', disabled.recordId)
      .execute();
    label(disabled, 'disabled');
    const removed = await digestGuest(ctx, { label: 'removed', timezone: 'UTC', days: ALL_DAYS });
    await ctx.db.kysely
      .updateTable('organization_guests')
      .set({ deleted_at: now() })
      .where('id', '=', removed.recordId)
      .execute();
    label(removed, 'removed');
    const deleted = await digestGuest(ctx, { label: 'deleted', timezone: 'UTC', days: ALL_DAYS });
    await ctx.db.kysely.updateTable('guests').set({ deleted_at: now() }).where('email', '=', deleted.email).execute();
    label(deleted, 'deleted');
    label(await digestGuest(ctx, { label: 'nodays', timezone: 'UTC', days: null }), 'nodays');
    // Their own part is done; the task waits for the other owner: nothing open for them.
    const done = await digestGuest(ctx, { label: 'done', timezone: 'UTC', days: ALL_DAYS, deadlines: [] });
    const partner = await digestGuest(ctx, { label: 'partner', timezone: 'UTC', days: null, deadlines: [] });
    const shared = await seedTask(ctx.db.kysely, {
      organizationId: ctx.orgId,
      everyoneMustComplete: true,
      guests: [done.recordId, partner.recordId],
    });
    await ctx.db.kysely
      .updateTable('task_guests')
      .set({ completed_at: now() })
      .where('task_id', '=', shared.id)
      .where('organization_guest_id', '=', done.recordId)
      .execute();
    label(done, 'done');
    // A zone that is no zone (written before zones were checked) falls back to the organization's.
    const oldZone = await digestGuest(ctx, { label: 'oldzone', timezone: null, days: ['Thursday'] });
    await ctx.db.kysely
      .updateTable('organization_guests')
      .set({ timezone: 'Mars/Olympus' })
      .where('id', '=', oldZone.recordId)
      .execute();
    label(oldZone, 'oldzone');
  });

  after(() => ctx.close());

  it('sends exactly the expected digests, at 08:00 local time on each side of both changes', async () => {
    // From 04:00 UTC: the first local day of every zone here, before its 08:00.
    const queued = await driveClock(digestJob(ctx), '2026-10-22T04:00:00Z', '2026-11-04T04:00:00Z');
    const got = (await recordedDigests(ctx)).map((line) => {
      const [email = '', ...rest] = line.split(' ');
      return [names.get(email) ?? email, ...rest].join(' ');
    });
    const expected = [
      // Berlin: CEST (UTC+2) until 25 October 01:00 UTC, then CET (UTC+1).
      'berlin Acme 2026-10-24 2026-10-24 06:00:00',
      'berlin Acme 2026-10-25 2026-10-25 07:00:00',
      'berlin Acme 2026-10-26 2026-10-26 07:00:00',
      'berlin Acme 2026-10-31 2026-10-31 07:00:00',
      'berlin Acme 2026-11-01 2026-11-01 07:00:00',
      'berlin Acme 2026-11-02 2026-11-02 07:00:00',
      // New York: EDT (UTC-4) until 1 November 06:00 UTC, then EST (UTC-5).
      'ny Acme 2026-10-23 2026-10-23 12:00:00',
      'ny Acme 2026-10-25 2026-10-25 12:00:00',
      'ny Acme 2026-10-26 2026-10-26 12:00:00',
      'ny Acme 2026-10-28 2026-10-28 12:00:00',
      'ny Acme 2026-10-30 2026-10-30 12:00:00',
      'ny Acme 2026-11-01 2026-11-01 13:00:00',
      'ny Acme 2026-11-02 2026-11-02 13:00:00',
      'ny Other 2026-10-26 2026-10-26 12:00:00',
      'ny Other 2026-11-02 2026-11-02 13:00:00',
      // No zone of their own, or one that is no zone: Acme's (Berlin).
      'oldzone Acme 2026-10-22 2026-10-22 06:00:00',
      'oldzone Acme 2026-10-29 2026-10-29 07:00:00',
      'orgzone Acme 2026-10-22 2026-10-22 06:00:00',
      'orgzone Acme 2026-10-29 2026-10-29 07:00:00',
      'utc Acme 2026-10-22 2026-10-22 08:00:00',
      'utc Acme 2026-10-27 2026-10-27 08:00:00',
      'utc Acme 2026-10-29 2026-10-29 08:00:00',
      'utc Acme 2026-11-03 2026-11-03 08:00:00',
    ];
    assert.deepEqual(got, expected);
    assert.equal(queued, expected.length);
    // One email per digest, to the guest, named for the organization.
    const emails = await queuedDigests(ctx);
    assert.equal(emails.length, expected.length);
    for (const name of ['berlin', 'ny', 'oldzone', 'orgzone', 'utc']) {
      const email = [...names].find(([, n]) => n === name)?.[0];
      const mine = emails.filter((e) => e.startsWith(`${email} `));
      assert.equal(mine.length, expected.filter((e) => e.startsWith(`${name} `)).length, name);
    }
    assert.equal(emails.filter((e) => e.endsWith(' Your open tasks at Other')).length, 2);
  });
});

describe('digests on the days the clocks change, at an hour that is skipped or repeated', () => {
  let ctx: TestContext;
  before(async () => ({ ctx } = await buildTestAppWithOther()));
  after(() => ctx.close());

  it('02:00 on the spring-forward day (no such hour) sends at 03:00; 01:00 on the fall-back day (twice) sends once', async () => {
    const guest = await digestGuest(ctx, { label: 'dst', timezone: 'America/New_York', days: ['Sunday'] });
    // 8 March 2026: 02:00 EST (07:00 UTC) becomes 03:00 EDT.
    assert.equal(await driveClock(digestJob(ctx, { hour: 2 }), '2026-03-08T04:00:00Z', '2026-03-09T04:00:00Z'), 1);
    assert.deepEqual(await recordedDigests(ctx), [`${guest.email} Acme 2026-03-08 2026-03-08 07:00:00`]);
    // 1 November 2026: 01:00-02:00 comes twice, at 05:00 UTC (EDT) and 06:00 UTC (EST). (By then the
    // March record has been deleted as old.)
    assert.equal(await driveClock(digestJob(ctx, { hour: 1 }), '2026-11-01T03:00:00Z', '2026-11-02T04:00:00Z'), 1);
    assert.deepEqual(await recordedDigests(ctx), [`${guest.email} Acme 2026-11-01 2026-11-01 05:00:00`]);
  });
});
