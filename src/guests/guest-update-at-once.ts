/**
 * Update guest on PostgreSQL in one statement, for the common case: an active guest of the
 * organization, a body that passed its schema, every associated member a member of the
 * organization, and no If-Match. The statement checks the members, finds the record by the guest's
 * email (from the email's index, then the organization's record of that guest) and writes the
 * fields the body names, in autocommit: one round trip instead of the record's read, the members'
 * read, BEGIN, the update and COMMIT.
 *
 * One text serves every set of fields: each profile column is set to its parameter when the body
 * names it and left as it is otherwise, so PostgreSQL plans it once per connection.
 *
 * When it updates nothing (no such guest, a removed one, an unknown member, a removal landing
 * first) it says so and the service answers through the general path, which gives each of those
 * its own answer (docs/guests.md, Update guest: the 404 and the 422s). A single statement is
 * atomic and its row lock rechecks `deleted_at` on the row a concurrent removal wrote, so nothing
 * is written in any of those cases.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { keepPostgresPlan } from '../db/database.js';
import { namedParameters } from '../db/named-parameters.js';
import { jsonRowSelection, jsonRowsReader } from '../db/prepared.js';
import type { Database, OrganizationGuestUpdate } from '../db/types.js';
import { RECORD_READ_COLUMNS, type GuestRecord } from './guest.repository.js';
import { PROFILE_FIELDS } from './guest.schemas.js';

// The statement's parameters, numbered as the text names them first.
const parameters = namedParameters();
const $ = parameters.$;

const org = $('organization_id', 'text');
const given = $('given', 'text[]');

const SQL = `with
checked as (
  select 1 as ok
  where not exists (
    select 1 from unnest(${$('member_ids', 'integer[]')}) as a(id)
    where not exists (select 1 from memberships m where m.organization_id = ${org} and m.user_id = a.id))
),
target as (
  select r.id, g.email from checked, guests g join organization_guests r on r.guest_id = g.id
  where g.email = ${$('email', 'text')} and r.organization_id = ${org} and r.deleted_at is null
)
update organization_guests o set
  ${PROFILE_FIELDS.map((c) => `${c} = case when '${c}' = any(${given}) then ${$(c, 'text')} else o.${c} end`).join(',\n  ')},
  updated_at = ${$('updated_at', 'text')}
from target t
where o.id = t.id and o.deleted_at is null
returning ${jsonRowSelection([...RECORD_READ_COLUMNS.map((c) => `o.${c}`), 't.email'])}`;

/** What the statement answers, in the order of its row's JSON array. */
const ANSWER = [...RECORD_READ_COLUMNS, 'email'];

keepPostgresPlan(SQL);

const readAnswer = jsonRowsReader<GuestRecord>(ANSWER);

export interface UpdateAtOnce {
  organizationId: string;
  /** The guest's email as the service stores it (normalized). */
  email: string;
  /** The profile columns the body names, each with its stored value. */
  changes: OrganizationGuestUpdate;
  /** The associated members' ids (distinct); none when the body names none. */
  memberIds: number[];
  updatedAt: string;
}

/**
 * Updates an active guest's record in one statement (PostgreSQL only): the updated record, or
 * undefined when the general path must answer (nothing was written then).
 */
export async function updateAtOnce(db: Kysely<Database>, input: UpdateAtOnce): Promise<GuestRecord | undefined> {
  const changes = input.changes as Record<string, unknown>;
  const values: Record<string, unknown> = {
    ...changes,
    organization_id: input.organizationId,
    email: input.email,
    given: Object.keys(changes).filter((column) => changes[column] !== undefined),
    member_ids: input.memberIds,
    updated_at: input.updatedAt,
  };
  const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(SQL, parameters.values(values)));
  return readAnswer(rows)[0];
}
