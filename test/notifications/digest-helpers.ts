/** Shared steps of the digest tests: a guest with a zone, days and open tasks; the job; what it sent. */
import type { TestContext } from '../../support/app.js';
import { createGuest, uniqueEmail } from '../../support/app.js';
import { guestRecordId, seedTask } from '../../support/tasks.js';
import { createDigestJob } from '../../src/notifications/digest.job.js';
import type { Job } from '../../src/notifications/jobs.js';

export interface DigestGuest {
  email: string;
  orgId: string;
  recordId: number;
  code: string;
  taskIds: string[];
}

/**
 * A guest of `orgId` (created through the API with `token`) with the given zone and days, owning
 * `openTasks` open tasks with the given deadlines.
 */
export async function digestGuest(
  ctx: TestContext,
  options: {
    label: string;
    timezone?: string | null;
    days?: string[] | null;
    deadlines?: string[];
    email?: string;
    orgId?: string;
    token?: string;
  },
): Promise<DigestGuest> {
  const orgId = options.orgId ?? ctx.orgId;
  const email = options.email ?? uniqueEmail(options.label);
  const guest = await createGuest(
    ctx,
    { email, timezone: options.timezone ?? null, cadence_days: options.days ?? null },
    options.token ?? ctx.tokens.admin,
    orgId,
  );
  const recordId = await guestRecordId(ctx.db.kysely, orgId, email);
  const taskIds: string[] = [];
  for (const [i, deadline] of (options.deadlines ?? ['2026-11-20 12:00:00']).entries())
    taskIds.push(
      (
        await seedTask(ctx.db.kysely, {
          organizationId: orgId,
          title: `${options.label} task ${i + 1}`,
          deadline,
          guests: [recordId],
        })
      ).id,
    );
  const code = String(guest.link).split('/guest/')[1] ?? '';
  return { email, orgId, recordId, code, taskIds };
}

export function digestJob(ctx: TestContext, options: { hour?: number; owner?: string; leaseMs?: number } = {}): Job {
  return createDigestJob({
    db: ctx.db.kysely,
    links: ctx.links,
    digestHour: options.hour ?? 8,
    leaseMs: options.leaseMs ?? 60_000,
    owner: options.owner ?? 'test-instance',
  });
}

/** Every digest recorded: `email org local_date sent_at`, sorted. */
export async function recordedDigests(ctx: TestContext): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom('digest_sends as d')
    .innerJoin('organization_guests as og', 'og.id', 'd.organization_guest_id')
    .innerJoin('guests as g', 'g.id', 'og.guest_id')
    .innerJoin('organizations as o', 'o.id', 'og.organization_id')
    .select(['g.email', 'o.name', 'd.local_date', 'd.sent_at'])
    .execute();
  return rows.map((r) => `${r.email} ${r.name} ${r.local_date} ${r.sent_at}`).sort();
}

/** The queued digest emails: recipient and subject, sorted. */
export async function queuedDigests(ctx: TestContext): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom('outbox')
    .select(['recipient', 'subject'])
    .where('kind', '=', 'guest_digest')
    .execute();
  return rows.map((r) => `${r.recipient} ${r.subject}`).sort();
}

/** Runs the job every `stepMinutes` from `from` (inclusive) to `to` (exclusive); the messages queued. */
export async function driveClock(job: Job, from: string, to: string, stepMinutes = 15): Promise<number> {
  let queued = 0;
  for (let t = Date.parse(from); t < Date.parse(to); t += stepMinutes * 60_000) queued += await job.run(new Date(t));
  return queued;
}
