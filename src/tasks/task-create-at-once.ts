/**
 * Create task on PostgreSQL in one statement, for the common case: owners that are members and
 * addresses new to the organization (docs/tasks.md, Create task). The statement writes what the
 * general path writes in its transaction (the task, each new guest joined as Create guest joins
 * one, the owners, the fields, one assignment email per guest, the invites' count), all or
 * nothing, in autocommit: one round trip instead of BEGIN, an insert per table and COMMIT.
 *
 * It writes nothing, and the service answers through the general path, whenever one of its
 * guests is not simply new to the organization: an address with a record here (a removed guest,
 * or an active one a concurrent request has just joined), or a global guest that was erased. The
 * general path gives those their own answers (a re-join, the existing record, a restored guest),
 * and answers a full invite cap with its 429.
 *
 * How it stays all or nothing (as in guest-join-at-once.ts: every part sees one snapshot, and
 * every data-modifying part runs even when nothing reads it):
 * - nothing is conditional: each part writes its rows. What must stop the statement makes it
 *   fail instead, and a failed statement writes nothing: an address whose global guest was erased
 *   gives its record a NULL guest, and a count past the cap a NULL count, both NOT NULL columns
 *   (PostgreSQL has no RAISE outside PL/pgSQL; a CASE with no ELSE is one that planning cannot
 *   fold into an error up front); an address with a record here already, or a global guest or
 *   record made by a concurrent request, breaks a unique key;
 * - the global guests that exist are locked first (FOR UPDATE), the order every join and removal
 *   takes (lockGlobalGuest in guest.repository.ts), so this path and the general one never deadlock;
 * - the foreign keys are checked at the end of the statement, once every part has written.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { hourWindow } from '../core/time.js';
import { keepPostgresPlan } from '../db/database.js';
import { namedParameters } from '../db/named-parameters.js';
import type { Database } from '../db/types.js';
import type { JoinValues } from '../guests/guest-join-at-once.js';
import { RECORD_COLUMNS } from '../guests/guest.repository.js';
import { QUEUED_COLUMNS, type outboxValues } from '../outbox/outbox.repository.js';
import type { TaskRow } from './task.read.js';
import { FIELD_COLUMNS, TASK_COLUMNS, type FieldRow } from './task.repository.js';

export interface NewGuestOwner {
  email: string;
  /** The global guest's id when the address is new to the service. */
  newGuestId: number;
  /** The record's columns but its organization and guest: freshRecord's, null where not given. */
  record: Omit<JoinValues, 'organization_id'>;
}

export interface CreateTaskAtOnce {
  task: TaskRow;
  /** The member owners (the creator when no member was given), each once. */
  userIds: number[];
  /** The addresses to join as guests and make owners, each once, none a guest of the organization. */
  guests: NewGuestOwner[];
  fields: FieldRow[];
  /** The assignment emails to queue (one per guest). */
  messages: Array<ReturnType<typeof outboxValues>>;
  /** New guests per organization per hour; 0 = no cap. */
  cap: number;
}

const parameters = namedParameters();
const $ = parameters.$;

const INTEGER_TASK_COLUMNS = new Set([
  'everyone_must_complete',
  'created_by',
  'completed_by_user_id',
  'completed_by_guest_id',
  'is_approved',
  'reminders_enabled',
]);
const valueColumns = RECORD_COLUMNS.filter((c) => c !== 'organization_id' && c !== 'guest_id');

const org = $('organization_id', 'text');
const taskId = $('id', 'text');
const emails = $('emails', 'text[]');
const invites = $('invites', 'integer');
const cap = $('cap', 'integer');
const listed = (columns: readonly string[], prefix = '') => columns.map((c) => `${prefix}${c}`).join(', ');

const SQL = `with
known as (
  select g.id, g.email, g.deleted_at from guests g where g.email = any(${emails}) for update
),
target as (
  select i.n, i.email, k.id is null as is_new,
    case when k.id is null then i.new_guest_id when k.deleted_at is null then k.id end as guest_id
  from unnest(${emails}, ${$('new_guest_ids', 'integer[]')}) with ordinality as i(email, new_guest_id, n)
  left join known k on k.email = i.email
),
new_guest as (
  insert into guests (id, email, created_at, deleted_at)
  select t.guest_id, t.email, ${$('created_at', 'text')}, null from target t where t.is_new
),
joined as (
  insert into organization_guests (organization_id, guest_id, ${listed(valueColumns)})
  select ${org}, t.guest_id, ${listed(valueColumns, 'r.')}
  from target t
  join jsonb_populate_recordset(null::organization_guests, ${$('records', 'jsonb')}) with ordinality as r
    on r.ordinality = t.n
  returning id, guest_id
),
task as (
  insert into tasks (${listed(TASK_COLUMNS)})
  values (${TASK_COLUMNS.map((c) => $(c, INTEGER_TASK_COLUMNS.has(c) ? 'integer' : 'text')).join(', ')})
),
users as (
  insert into task_users (task_id, user_id, completed_at)
  select ${taskId}, u, null from unnest(${$('user_ids', 'integer[]')}) as u
),
guest_owners as (
  insert into task_guests (task_id, organization_guest_id, completed_at)
  select ${taskId}, j.id, null from joined j
),
fields as (
  insert into task_fields (${listed(FIELD_COLUMNS)})
  select ${listed(FIELD_COLUMNS, 'f.')}
  from jsonb_populate_recordset(null::task_fields, ${$('fields', 'jsonb')}) as f
),
queued as (
  insert into outbox (${listed(QUEUED_COLUMNS)})
  select ${listed(QUEUED_COLUMNS, 'm.')}
  from jsonb_populate_recordset(null::outbox, ${$('messages', 'jsonb')}) as m
),
counted as (
  insert into invite_windows (organization_id, window_start, count)
  select ${org}, ${$('window_start', 'text')}, case when ${invites} <= ${cap} then ${invites} end
  where ${cap} > 0 and ${invites} > 0
  on conflict (organization_id, window_start) do update
  set count = case when invite_windows.count + excluded.count <= ${cap} then invite_windows.count + excluded.count end
)
select t.n, j.id from joined j join target t on t.guest_id = j.guest_id`;

keepPostgresPlan(SQL);

/** PostgreSQL's codes for the failures that send the request to the general path (see above). */
const NOT_SIMPLY_NEW = new Set(['23505', '23502']);

/**
 * Writes the task in one statement (PostgreSQL only). Answers the guests' record ids, in the
 * order of `input.guests`, or undefined when the general path must answer (nothing was written).
 */
export async function createTaskAtOnce(db: Kysely<Database>, input: CreateTaskAtOnce): Promise<number[] | undefined> {
  const values: Record<string, unknown> = {
    ...input.task,
    emails: input.guests.map((g) => g.email),
    new_guest_ids: input.guests.map((g) => g.newGuestId),
    records: JSON.stringify(input.guests.map((g) => g.record)),
    user_ids: input.userIds,
    fields: JSON.stringify(input.fields),
    messages: JSON.stringify(input.messages),
    invites: input.guests.length,
    cap: input.cap,
    window_start: hourWindow(new Date()).start,
  };
  try {
    const { rows } = await db.executeQuery(
      CompiledQuery.raw(SQL, parameters.values(values)) as CompiledQuery<{ n: string | number; id: number }>,
    );
    const ids = new Map(rows.map((row) => [Number(row.n), row.id]));
    return input.guests.map((guest, i) => {
      const id = ids.get(i + 1);
      if (id === undefined) throw new Error(`guest ${guest.email} was made an owner but not joined`);
      return id;
    });
  } catch (error) {
    if (NOT_SIMPLY_NEW.has((error as { code?: unknown }).code as string)) return undefined;
    throw error;
  }
}
