/**
 * Create guest on PostgreSQL in one statement, for the common case: an email that no member of the
 * organization has, that is no guest of the organization yet (active or removed), and that is
 * either unknown or an active guest of other organizations; and an active guest of the
 * organization, whose record it answers as it is (the idempotent 200). The statement checks what the general
 * path checks (the email is no member's; every associated member is a member of the
 * organization; the invite cap has room) and writes what it writes (the global guest when new,
 * the organization's record, the invite's count), all or nothing, in autocommit: one round trip
 * instead of BEGIN, the checks, the inserts and COMMIT.
 *
 * Whenever the statement does not join the guest it writes nothing and says so; the service then
 * answers through the general path, which gives every other case its own answer (docs/guests.md,
 * Create guest: the 422s, the 429, the existing guest's 200, a removed guest's re-join).
 *
 * How the statement stays all or nothing (its parts all see one snapshot, and every
 * data-modifying part runs even when nothing reads it):
 * - each insert selects from the part before it, so a failed check leaves each of them no row;
 * - the global guest row, when it exists, is locked first (FOR UPDATE), the order every join and
 *   removal takes (see lockGlobalGuest in guest.repository.ts), then the guest, the record and the
 *   invite's count are written in the general path's order, so the two paths never deadlock;
 * - what the snapshot cannot see, a concurrent request's commit, ends in a constraint error that
 *   undoes the whole statement: a unique violation (the same email or record created at the same
 *   time), or, when the cap filled meanwhile, the count's update writing NULL into its NOT NULL
 *   column (PostgreSQL has no RAISE outside PL/pgSQL; a CASE with no ELSE is one that planning
 *   cannot fold into an error up front). Both send the request to the general path.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { randomId } from '../core/ids.js';
import { hourWindow } from '../core/time.js';
import { keepPostgresPlan } from '../db/database.js';
import { namedParameters } from '../db/named-parameters.js';
import { jsonRowSelection, jsonRowsReader } from '../db/prepared.js';
import type { Database, NewOrganizationGuest } from '../db/types.js';
import { RECORD_COLUMNS, RECORD_READ_COLUMNS, type GuestRecord } from './guest.repository.js';

/** A new record's values without its guest (the statement finds or makes the guest); null where not given. */
export type JoinValues = Omit<NewOrganizationGuest, 'guest_id'>;

export interface JoinAtOnce {
  email: string;
  values: JoinValues;
  /** The associated members' ids, each once (the general path answers duplicates). */
  memberIds: number[];
  /** New guests per organization per hour; 0 = no cap. */
  cap: number;
}

// The statement's parameters, numbered as the text names them first.
const parameters = namedParameters();
const $ = parameters.$;

const INTEGER_COLUMNS = new Set(['disabled_by', 'reactivated_by']);
const valueColumns = RECORD_COLUMNS.filter((c) => c !== 'organization_id' && c !== 'guest_id');
const org = $('organization_id', 'text');
const email = $('email', 'text');

/** What the statement answers, in the order of its row's JSON array: the record, and whether it is new. */
const ANSWER = [...RECORD_READ_COLUMNS, 'created'];

const SQL = `with
checked as (
  select 1 as ok
  where not exists (
      select 1 from memberships m join users u on u.id = m.user_id
      where m.organization_id = ${org} and u.email = ${email})
    and not exists (
      select 1 from unnest(${$('member_ids', 'integer[]')}) as a(id)
      where not exists (select 1 from memberships m where m.organization_id = ${org} and m.user_id = a.id))
    and (${$('cap', 'integer')} = 0 or coalesce((
      select w.count from invite_windows w
      where w.organization_id = ${org} and w.window_start = ${$('window_start', 'text')}), 0) < ${$('cap', 'integer')})
),
known as (
  select g.id, g.deleted_at from guests g where g.email = ${email} for update
),
target as (
  select k.id as guest_id, false as is_new from checked, known k
  where k.deleted_at is null
    and not exists (select 1 from organization_guests r where r.organization_id = ${org} and r.guest_id = k.id)
  union all
  select ${$('new_guest_id', 'integer')}, true from checked where not exists (select 1 from known)
),
new_guest as (
  insert into guests (id, email, created_at, deleted_at)
  select t.guest_id, ${email}, ${$('created_at', 'text')}, null from target t where t.is_new
  returning id
),
joining as (
  select id as guest_id from new_guest
  union all
  select guest_id from target where not is_new
),
joined as (
  insert into organization_guests (organization_id, guest_id, ${valueColumns.join(', ')})
  select ${org}, j.guest_id, ${valueColumns.map((c) => $(c, INTEGER_COLUMNS.has(c) ? 'integer' : 'text')).join(', ')}
  from joining j
  returning ${RECORD_READ_COLUMNS.join(', ')}
),
counted as (
  insert into invite_windows (organization_id, window_start, count)
  select ${org}, ${$('window_start', 'text')}, 1 from joined where ${$('cap', 'integer')} > 0
  on conflict (organization_id, window_start) do update
  set count = case when invite_windows.count < ${$('cap', 'integer')} then invite_windows.count + 1 end
  returning count
),
existing as (
  select ${RECORD_READ_COLUMNS.map((c) => `r.${c}`).join(', ')}
  from checked, known k join organization_guests r on r.guest_id = k.id
  where r.organization_id = ${org} and k.deleted_at is null and r.deleted_at is null
)
select ${jsonRowSelection(ANSWER)} from (
  select *, true as created from joined
  union all
  select *, false from existing
) answer`;

keepPostgresPlan(SQL);

const readAnswer = jsonRowsReader<Omit<GuestRecord, 'email'> & { created: boolean }>(ANSWER);

/** PostgreSQL's codes for the constraint errors that tell of a concurrent request (see above). */
const CONCURRENT_WRITE = new Set(['23505', '23502']);

/**
 * Joins a new guest in one statement (PostgreSQL only): the new record (`created`), the active
 * record the organization has already (the idempotent answer, nothing written), or undefined when
 * the general path must answer (nothing was written then).
 */
export async function joinAtOnce(
  db: Kysely<Database>,
  input: JoinAtOnce,
): Promise<{ record: GuestRecord; created: boolean } | undefined> {
  const values: Record<string, unknown> = {
    ...input.values,
    email: input.email,
    member_ids: input.memberIds,
    cap: input.cap,
    window_start: hourWindow(new Date()).start,
    new_guest_id: randomId(),
  };
  try {
    const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(SQL, parameters.values(values)));
    const row = readAnswer(rows)[0];
    if (!row) return undefined;
    const { created, ...record } = row;
    return { record: { ...record, email: input.email }, created };
  } catch (error) {
    if (CONCURRENT_WRITE.has((error as { code?: unknown }).code as string)) return undefined;
    throw error;
  }
}
