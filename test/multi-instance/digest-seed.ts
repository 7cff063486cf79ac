/**
 * Many guests due a digest at any moment (days: all seven; with DIGEST_HOUR=0 every hour is past
 * it), written straight into the database in chunks, for the tests of digest runs in server processes.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/types.js';
import { parseKey } from '../../src/core/secrets.js';
import { now } from '../../src/core/time.js';
import { GuestCodes } from '../../src/guests/guest-code.js';
import { createAdminService } from '../../src/organizations/admin.service.js';
import { TEST_GUEST_CODE_KEY } from '../../support/process.js';

const ALL_DAYS = JSON.stringify(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
const CHUNK = 250;

/** An organization with `count` guests, each owning one open task; their record ids. */
export async function seedDueGuests(db: Kysely<Database>, count: number): Promise<number[]> {
  const codes = new GuestCodes(parseKey(TEST_GUEST_CODE_KEY) as Buffer);
  const org = await createAdminService(db).createOrganization({ name: 'Digest Co' });
  const at = now();
  const taskId = 'd'.repeat(32);
  await db
    .insertInto('tasks')
    .values({
      id: taskId,
      organization_id: org.id,
      title: 'Send the signed contract',
      summary: null,
      deadline: '2030-01-01 12:00:00',
      task_type: 'task',
      everyone_must_complete: 1,
      created_by: null,
      created_at: at,
      updated_at: at,
      completed_at: null,
      completed_by_user_id: null,
      completed_by_guest_id: null,
      is_approved: null,
    })
    .execute();
  const ids: number[] = [];
  for (let start = 0; start < count; start += CHUNK) {
    const size = Math.min(CHUNK, count - start);
    const guests = await db
      .insertInto('guests')
      .values(
        Array.from({ length: size }, (_, i) => ({
          email: `due${start + i}@digest.test`,
          created_at: at,
          deleted_at: null,
        })),
      )
      .returning('id')
      .execute();
    const records = await db
      .insertInto('organization_guests')
      .values(
        guests.map((guest) => ({
          organization_id: org.id,
          guest_id: guest.id,
          timezone: 'UTC',
          cadence_days: ALL_DAYS,
          ...codes.fresh(),
          created_at: at,
          updated_at: at,
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('task_guests')
      .values(records.map((r) => ({ task_id: taskId, organization_guest_id: r.id, completed_at: null })))
      .execute();
    ids.push(...records.map((r) => r.id));
  }
  return ids;
}

/** How many digests are recorded, and how many digest emails are queued (and to how many addresses). */
export async function digestCounts(
  db: Kysely<Database>,
): Promise<{ recorded: number; emails: number; recipients: number }> {
  const [recorded, emails] = await Promise.all([
    db
      .selectFrom('digest_sends')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.count('recipient').distinct().as('recipients')])
      .where('kind', '=', 'guest_digest')
      .executeTakeFirstOrThrow(),
  ]);
  return { recorded: Number(recorded.n), emails: Number(emails.n), recipients: Number(emails.recipients) };
}
