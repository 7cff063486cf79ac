/**
 * Stored addresses against their one form ({@link normalizeEmail}): which rows can be rewritten to
 * it and which cannot because two rows would become one address. Used by the migration that
 * re-normalizes stored addresses and by `guests doctor emails`, which lists what is left to decide.
 *
 * Only rows whose address is not in its normalized form are read in full; the rest of a table is
 * scanned in pages of ids, so a large table never sits in memory.
 */
import type { Kysely } from 'kysely';
import { normalizeEmail } from './parse.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** The tables whose rows carry an identity address (`guests`, `users`) or one matched against it (`invitations`). */
export type EmailTable = 'guests' | 'users' | 'invitations';

export interface StoredEmail {
  id: number;
  email: string;
}

/** Rows that would all become `normalized`: nothing is rewritten, someone has to decide. */
export interface EmailCollision {
  table: EmailTable;
  normalized: string;
  /** For open invitations: the organization in which the addresses collide. */
  organizationId?: string;
  rows: StoredEmail[];
}

export interface EmailNormalizationPlan {
  /** Rows that can take their normalized form: no other row has or would get it. */
  updates: Array<{ table: EmailTable; id: number; from: string; to: string }>;
  collisions: EmailCollision[];
}

const PAGE = 5000;

interface ScannedRow extends StoredEmail {
  normalized: string;
  /** The uniqueness scope besides the address (open invitations: the organization). */
  scope: string;
  /** Whether the row takes part in the table's unique rule at all (closed invitations do not). */
  unique: boolean;
}

/** Every row of `table` whose address is not in its normalized form. */
async function rowsToNormalize(db: AnyDb, table: EmailTable): Promise<ScannedRow[]> {
  const out: ScannedRow[] = [];
  let after = 0;
  for (;;) {
    const page = (await db
      .selectFrom(table)
      .select(
        table === 'invitations' ? ['id', 'email', 'organization_id', 'accepted_at', 'revoked_at'] : ['id', 'email'],
      )
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute()) as Array<
      StoredEmail & { organization_id?: string; accepted_at?: string | null; revoked_at?: string | null }
    >;
    for (const row of page) {
      const normalized = normalizeEmail(row.email);
      if (normalized === row.email) continue;
      const open = table !== 'invitations' || (row.accepted_at === null && row.revoked_at === null);
      out.push({ id: Number(row.id), email: row.email, normalized, scope: row.organization_id ?? '', unique: open });
    }
    if (page.length < PAGE) return out;
    after = Number(page[page.length - 1]?.id);
  }
}

/** Rows (other than `exclude`) that hold one of these addresses already, by scope and address. */
async function holdersOf(
  db: AnyDb,
  table: EmailTable,
  emails: string[],
): Promise<Array<StoredEmail & { scope: string }>> {
  const out: Array<StoredEmail & { scope: string }> = [];
  for (let i = 0; i < emails.length; i += 500) {
    let query = db
      .selectFrom(table)
      .select(table === 'invitations' ? ['id', 'email', 'organization_id'] : ['id', 'email'])
      .where('email', 'in', emails.slice(i, i + 500));
    if (table === 'invitations') query = query.where('accepted_at', 'is', null).where('revoked_at', 'is', null);
    const rows = (await query.execute()) as Array<StoredEmail & { organization_id?: string }>;
    out.push(...rows.map((r) => ({ id: Number(r.id), email: r.email, scope: r.organization_id ?? '' })));
  }
  return out;
}

/** What re-normalizing `table` would do. */
async function planTable(db: AnyDb, table: EmailTable): Promise<EmailNormalizationPlan> {
  const candidates = await rowsToNormalize(db, table);
  const plan: EmailNormalizationPlan = { updates: [], collisions: [] };
  const key = (scope: string, email: string) => `${scope}\n${email}`;
  const groups = new Map<string, { scope: string; normalized: string; rows: StoredEmail[] }>();
  for (const row of candidates) {
    if (!row.unique) {
      plan.updates.push({ table, id: row.id, from: row.email, to: row.normalized });
      continue;
    }
    const k = key(row.scope, row.normalized);
    const group = groups.get(k) ?? { scope: row.scope, normalized: row.normalized, rows: [] };
    group.rows.push({ id: row.id, email: row.email });
    groups.set(k, group);
  }
  const targets = [...new Set([...groups.values()].map((g) => g.normalized))];
  for (const holder of await holdersOf(db, table, targets)) {
    groups.get(key(holder.scope, holder.email))?.rows.unshift({ id: holder.id, email: holder.email });
  }
  for (const group of groups.values()) {
    const [only] = group.rows;
    if (group.rows.length === 1 && only) {
      plan.updates.push({ table, id: only.id, from: only.email, to: group.normalized });
    } else {
      plan.collisions.push({
        table,
        normalized: group.normalized,
        ...(table === 'invitations' && { organizationId: group.scope }),
        rows: group.rows.sort((a, b) => a.id - b.id),
      });
    }
  }
  plan.collisions.sort((a, b) => (a.normalized < b.normalized ? -1 : a.normalized > b.normalized ? 1 : 0));
  return plan;
}

/**
 * What re-normalizing the stored addresses would do, table by table: the rows that can simply
 * take their normalized form, and the groups of rows that would collide.
 */
export async function planEmailNormalization(db: AnyDb): Promise<EmailNormalizationPlan> {
  const plan: EmailNormalizationPlan = { updates: [], collisions: [] };
  for (const table of ['users', 'guests', 'invitations'] as const) {
    const part = await planTable(db, table);
    plan.updates.push(...part.updates);
    plan.collisions.push(...part.collisions);
  }
  return plan;
}

/** Rewrites the rows the plan can rewrite; collisions stay as they are. Returns the number of rows changed. */
export async function applyEmailNormalization(db: AnyDb, plan: EmailNormalizationPlan): Promise<number> {
  let changed = 0;
  for (const update of plan.updates) {
    const result = await db
      .updateTable(update.table)
      .set({ email: update.to })
      .where('id', '=', update.id)
      .where('email', '=', update.from)
      .executeTakeFirst();
    changed += Number(result.numUpdatedRows);
  }
  return changed;
}

/** A colliding row with where it is used: the organizations of a guest or of a member. */
export interface CollidingRow extends StoredEmail {
  /** `guests`: organizations with a record of the guest (removed ones too); `users`: memberships. */
  organizations: string[];
}

/** The collisions of the stored addresses, each row with the organizations it belongs to. */
export async function findEmailCollisions(
  db: AnyDb,
): Promise<Array<Omit<EmailCollision, 'rows'> & { rows: CollidingRow[] }>> {
  const { collisions } = await planEmailNormalization(db);
  const out = [];
  for (const collision of collisions) {
    const ids = collision.rows.map((r) => r.id);
    const links =
      collision.table === 'guests'
        ? await db
            .selectFrom('organization_guests')
            .select(['guest_id as id', 'organization_id'])
            .where('guest_id', 'in', ids)
            .execute()
        : collision.table === 'users'
          ? await db
              .selectFrom('memberships')
              .select(['user_id as id', 'organization_id'])
              .where('user_id', 'in', ids)
              .execute()
          : [];
    const orgs = (id: number) =>
      [
        ...new Set(
          (links as Array<{ id: number; organization_id: string }>)
            .filter((l) => Number(l.id) === id)
            .map((l) => l.organization_id),
        ),
      ].sort();
    out.push({ ...collision, rows: collision.rows.map((r) => ({ ...r, organizations: orgs(r.id) })) });
  }
  return out;
}
