/**
 * The maintained count of an organization's active guests (docs/guests.md, List guests; migration
 * 016_guest_counts): after every write that joins, removes, re-joins, converts or erases a guest,
 * in two organizations, it equals a count of the active records, and List guests' total (pages
 * and cursor pages) is it, and the pages an instance keeps, with stats or without, show every such
 * write at once, and every write to tasks that changes a guest's stats. Writes
 * that fail leave it as it was; the migration counts the rows already there; deleting an
 * organization takes its count with it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import {
  authHeaders,
  buildTestApp,
  call,
  createOrgWithMembers,
  freshDatabaseUrl,
  guestsUrl,
  TEST_GUEST_CODE_KEY,
  uniqueEmail,
  type OrgWithMembers,
  type TestContext,
} from '../../support/app.js';
import type { Database } from '../../src/db/types.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { insertRecords } from '../../src/guests/bulk/batch.repository.js';
import { pollImport } from '../imports/import-helpers.js';

type Db = Kysely<Database>;

/** The count the database maintains for the organization. */
async function maintained(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('organization_guest_counts')
    .select((eb) => eb.fn.sum<number | string | null>('count').as('n'))
    .where('organization_id', '=', orgId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The organization's active records, counted. */
async function counted(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('organization_guests')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('organization_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A small seeded generator (mulberry32): the same sequence of operations on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.GUEST_COUNT_SEED ?? 20261203);
const STEPS = 60;

describe('the maintained guest count', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ctx = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '0', RATE_LIMIT_MAX: '0' } });
    other = await createOrgWithMembers(ctx.admin, 'Globex', 'globex');
  });
  after(() => ctx.close());

  const orgs = () => [
    { orgId: ctx.orgId, token: ctx.tokens.admin },
    { orgId: other.orgId, token: other.tokens.admin },
  ];

  /** The count, the active records and List guests' totals (a page, a cursor page) agree for both organizations. */
  async function assertCounts(step: string) {
    for (const { orgId, token } of orgs()) {
      const db = ctx.db.kysely;
      const actual = await counted(db, orgId);
      const page = await call(ctx, token, 'GET', `${guestsUrl(orgId)}?per_page=1`);
      assert.equal(page.statusCode, 200, page.body);
      const cursor = await call(ctx, token, 'GET', `${guestsUrl(orgId)}?per_page=1&cursor=`);
      assert.equal(cursor.statusCode, 200, cursor.body);
      type Meta = { meta: { pagination: { total: number } } };
      assert.deepEqual(
        {
          maintained: await maintained(db, orgId),
          page: page.json<Meta>().meta.pagination.total,
          cursor: cursor.json<Meta>().meta.pagination.total,
        },
        { maintained: actual, page: actual, cursor: actual },
        `${step} (organization ${orgId}, seed ${SEED})`,
      );
      await assertPagesFresh(orgId, token, step);
    }
  }

  /**
   * The pages an instance keeps (docs/guests.md, List guests, "Pages answered again") are those
   * the records give now: the same small pages are read after every step, so each is kept at one
   * step and must show the next step's write. Compared with every guest read afresh.
   */
  async function assertPagesFresh(orgId: string, token: string, step: string) {
    type Body = { data: Array<Record<string, unknown>>; next_cursor?: string | null };
    const read = async (query: string) => {
      const answer = await call(ctx, token, 'GET', `${guestsUrl(orgId)}?${query}`);
      assert.equal(answer.statusCode, 200, answer.body);
      return answer.json<Body>().data;
    };
    for (const stats of ['', '&with=stats']) {
      const all = await read(`without_pagination=true${stats}`);
      const where = `${step} (organization ${orgId}, seed ${SEED}${stats})`;
      assert.deepEqual(await read(`per_page=7${stats}`), all.slice(0, 7), `page 1: ${where}`);
      assert.deepEqual(await read(`per_page=7&page=2${stats}`), all.slice(7, 14), `page 2: ${where}`);
      assert.deepEqual(await read(`per_page=7&cursor=${stats}`), all.slice(0, 7), `cursor page: ${where}`);
      const last = Math.max(1, Math.ceil(all.length / 7));
      assert.deepEqual(
        await read(`per_page=7&page=${last}${stats}`),
        all.slice((last - 1) * 7, last * 7),
        `last page: ${where}`,
      );
    }
  }

  /** A task of the organization that has guest owners, open or completed as asked; undefined when none. */
  async function taskWithGuests(orgId: string, state: 'open' | 'completed' | 'any', pick: () => number) {
    let query = ctx.db.kysely
      .selectFrom('tasks')
      .select(['tasks.id', 'tasks.everyone_must_complete'])
      .where('tasks.organization_id', '=', orgId)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('task_guests').select('task_guests.task_id').whereRef('task_guests.task_id', '=', 'tasks.id'),
        ),
      )
      .orderBy('tasks.id');
    if (state !== 'any') query = query.where('tasks.completed_at', state === 'open' ? 'is' : 'is not', null);
    const rows = await query.execute();
    return rows[Math.floor(pick() * rows.length)];
  }

  /** An email of the organization's records in this state, picked by `pick`; undefined when none. */
  async function recordIn(
    orgId: string,
    state: 'enabled' | 'disabled' | 'removed',
    pick: () => number,
  ): Promise<{ email: string; guestId: number } | undefined> {
    let query = ctx.db.kysely
      .selectFrom('organization_guests')
      .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
      .select(['guests.email', 'organization_guests.guest_id as guestId'])
      .where('organization_guests.organization_id', '=', orgId)
      // A guest turned member is no guest to join again.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('users')
              .innerJoin('memberships', 'memberships.user_id', 'users.id')
              .select('users.id')
              .whereRef('users.email', '=', 'guests.email')
              .where('memberships.organization_id', '=', orgId),
          ),
        ),
      )
      .orderBy('organization_guests.id');
    if (state === 'removed') query = query.where('organization_guests.deleted_at', 'is not', null);
    else {
      query = query
        .where('organization_guests.deleted_at', 'is', null)
        .where('organization_guests.disabled_at', state === 'enabled' ? 'is' : 'is not', null);
    }
    const rows = await query.execute();
    return rows[Math.floor(pick() * rows.length)];
  }

  /** A disabled guest of the organization: one there is, or an enabled one disabled now (which changes no count). */
  async function disabledGuest(orgId: string, token: string, pick: () => number) {
    const disabled = await recordIn(orgId, 'disabled', pick);
    if (disabled) return disabled;
    const guest = (await recordIn(orgId, 'enabled', pick)) ?? {
      email: (await call(ctx, token, 'POST', guestsUrl(orgId), { email: uniqueEmail('d') })).json<{
        data: { email: string };
      }>().data.email,
    };
    assert.equal((await call(ctx, token, 'DELETE', guestsUrl(orgId, guest.email, '/disable'))).statusCode, 200);
    return guest;
  }

  it(`agrees with the active records after every step of a seeded sequence of ${STEPS} writes`, async () => {
    const next = random(SEED);
    const converted: Array<{ orgId: string; userId: number }> = [];
    await assertCounts('at the start');
    const operations: Record<string, (orgId: string, token: string) => Promise<unknown>> = {
      create: async (orgId, token) =>
        assert.equal((await call(ctx, token, 'POST', guestsUrl(orgId), { email: uniqueEmail('c') })).statusCode, 201),
      'concurrent creates': async (orgId, token) => {
        const answers = await Promise.all(
          Array.from({ length: 6 }, () => call(ctx, token, 'POST', guestsUrl(orgId), { email: uniqueEmail('cc') })),
        );
        assert.deepEqual(
          answers.map((a) => a.statusCode),
          Array(6).fill(201),
        );
      },
      'bulk create': async (orgId, token) => {
        const existing = await recordIn(orgId, 'enabled', next);
        const items = [{ email: uniqueEmail('b') }, { email: uniqueEmail('b') }, { email: 'not an email' }];
        if (existing) items.push({ email: existing.email });
        const response = await call(ctx, token, 'POST', guestsUrl(orgId, undefined, '/bulk'), items);
        assert.ok(response.statusCode < 300, response.body);
      },
      remove: async (orgId, token) => {
        const guest = await recordIn(orgId, next() < 0.7 ? 'enabled' : 'disabled', next);
        if (guest) assert.equal((await call(ctx, token, 'DELETE', guestsUrl(orgId, guest.email))).statusCode, 200);
      },
      're-create a removed guest': async (orgId, token) => {
        const guest = await recordIn(orgId, 'removed', next);
        if (guest)
          assert.equal((await call(ctx, token, 'POST', guestsUrl(orgId), { email: guest.email })).statusCode, 201);
      },
      disable: async (orgId, token) => {
        const guest = await recordIn(orgId, 'enabled', next);
        if (guest)
          assert.equal((await call(ctx, token, 'DELETE', guestsUrl(orgId, guest.email, '/disable'))).statusCode, 200);
      },
      enable: async (orgId, token) => {
        const guest = await recordIn(orgId, 'disabled', next);
        if (guest)
          assert.equal((await call(ctx, token, 'PUT', guestsUrl(orgId, guest.email, '/enable'))).statusCode, 200);
      },
      'permanently delete an active (disabled) guest': async (orgId, token) => {
        const guest = await disabledGuest(orgId, token, next);
        assert.equal((await call(ctx, token, 'DELETE', guestsUrl(orgId, guest.email, '/delete'))).statusCode, 200);
      },
      'permanently delete a removed guest': async (orgId, token) => {
        const guest = await recordIn(orgId, 'removed', next);
        if (guest)
          assert.equal(
            (await call(ctx, token, 'DELETE', guestsUrl(orgId, String(guest.guestId), '/delete'))).statusCode,
            200,
          );
      },
      'guest to member': async (orgId, token) => {
        const guest = await recordIn(orgId, 'enabled', next);
        if (!guest) return;
        const response = await call(ctx, token, 'POST', guestsUrl(orgId, guest.email, '/to/member'));
        assert.equal(response.statusCode, 201, response.body);
        const user = await ctx.db.kysely
          .selectFrom('users')
          .select('id')
          .where('email', '=', guest.email)
          .executeTakeFirstOrThrow();
        converted.push({ orgId, userId: user.id });
      },
      'member to guest': async (orgId, token) => {
        const index = converted.findIndex((c) => c.orgId === orgId);
        if (index < 0) return;
        const { userId } = converted.splice(index, 1)[0] as { userId: number };
        const response = await call(ctx, token, 'PUT', `/api/organizations/${orgId}/users/${userId}/to/guest`);
        assert.equal(response.statusCode, 200, response.body);
      },
      'a task that joins a new guest': async (orgId, token) => {
        const response = await call(ctx, token, 'POST', `/api/organizations/${orgId}/tasks`, {
          title: 'Counted',
          deadline: '2030-01-01 12:00:00',
          owners: { guests: [uniqueEmail('t')] },
        });
        assert.equal(response.statusCode, 201, response.body);
      },
      // Writes to tasks that change guests' stats: pages kept with stats must show each at once.
      'a task for guests already there': async (orgId, token) => {
        const first = await recordIn(orgId, 'enabled', next);
        const second = await recordIn(orgId, 'enabled', next);
        if (!first) return;
        const response = await call(ctx, token, 'POST', `/api/organizations/${orgId}/tasks`, {
          title: 'Stats',
          deadline: '2030-01-01 12:00:00',
          everyone_must_complete: next() < 0.5,
          owners: { guests: [...new Set([first.email, second?.email ?? first.email])] },
        });
        assert.equal(response.statusCode, 201, response.body);
      },
      'complete a task': async (orgId, token) => {
        const task = await taskWithGuests(orgId, 'open', next);
        if (!task) return;
        const response = await call(ctx, token, 'POST', `/api/organizations/${orgId}/completed-tasks`, {
          task_id: task.id,
        });
        assert.ok([200, 201].includes(response.statusCode), response.body);
      },
      'reopen a task': async (orgId, token) => {
        const task = await taskWithGuests(orgId, 'completed', next);
        if (!task) return;
        const response = await call(ctx, token, 'DELETE', `/api/organizations/${orgId}/completed-tasks/${task.id}`);
        assert.equal(response.statusCode, 200, response.body);
      },
      'a guest completes their part': async (orgId, token) => {
        const task = await taskWithGuests(orgId, 'open', next);
        if (!task) return;
        const owner = await ctx.db.kysely
          .selectFrom('task_guests')
          .innerJoin('organization_guests', 'organization_guests.id', 'task_guests.organization_guest_id')
          .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
          .select('guests.email')
          .where('task_guests.task_id', '=', task.id)
          .where('organization_guests.deleted_at', 'is', null)
          .where('organization_guests.disabled_at', 'is', null)
          .executeTakeFirst();
        if (!owner) return;
        const guest = await call(ctx, token, 'GET', guestsUrl(orgId, owner.email));
        const link = guest.json<{ data: { link: string } }>().data.link;
        const code = link.split('/').at(-1) as string;
        const response = await call(ctx, null, 'POST', `/api/guest/${code}/tasks/${task.id}/complete`);
        assert.ok([200, 201].includes(response.statusCode), response.body);
      },
      "change a task's owners": async (orgId, token) => {
        const task = await taskWithGuests(orgId, 'any', next);
        const guest = await recordIn(orgId, 'enabled', next);
        if (!task || !guest) return;
        const response = await call(ctx, token, 'PUT', `/api/organizations/${orgId}/tasks/${task.id}`, {
          owners: { guests: [guest.email] },
        });
        assert.equal(response.statusCode, 200, response.body);
      },
      'delete a task': async (orgId, token) => {
        const task = await taskWithGuests(orgId, 'any', next);
        if (!task) return;
        const response = await call(ctx, token, 'DELETE', `/api/organizations/${orgId}/tasks/${task.id}`);
        assert.ok(response.statusCode < 300, response.body);
      },
      "an operator's SQL completes a task": async (orgId) => {
        const task = await taskWithGuests(orgId, 'open', next);
        if (!task) return;
        await ctx.db.kysely
          .updateTable('tasks')
          .set({ completed_at: '2026-12-01 10:00:00' })
          .where('id', '=', task.id)
          .execute();
      },
      'import a few rows': async (orgId, token) => {
        const removed = await recordIn(orgId, 'removed', next);
        const rows = ['email,first_name', `${uniqueEmail('i')},A`, `${uniqueEmail('i')},B`, 'not-an-email,C'];
        if (removed) rows.push(`${removed.email},Back`);
        const response = await ctx.app.inject({
          method: 'POST',
          url: `${guestsUrl(orgId)}/import`,
          headers: { ...authHeaders(token), 'content-type': 'text/csv' },
          payload: `${rows.join('\n')}\n`,
        });
        assert.equal(response.statusCode, 202, response.body);
        const done = await pollImport(ctx, token, String(response.headers.location).replace('http://guests.test', ''));
        assert.equal(done.status, 'completed');
      },
      // A write the service did not make: the version moves all the same (it is kept by triggers).
      "an operator's SQL update": async (orgId) => {
        const guest = await recordIn(orgId, 'enabled', next);
        if (!guest) return;
        await ctx.db.kysely
          .updateTable('organization_guests')
          .set({ last_city: `City ${Math.floor(next() * 1e6)}` })
          .where('organization_id', '=', orgId)
          .where('guest_id', '=', guest.guestId)
          .execute();
      },
      'bad inputs': async (orgId, token) => {
        const enabled = await recordIn(orgId, 'enabled', next);
        const answers = [
          await call(ctx, token, 'POST', guestsUrl(orgId), { email: 'not an email' }),
          await call(ctx, token, 'POST', guestsUrl(orgId), { email: uniqueEmail('n'), first_name: 'x'.repeat(5000) }),
          await call(ctx, token, 'POST', guestsUrl(orgId, undefined, '/bulk'), { email: uniqueEmail('n') }),
          await call(ctx, token, 'DELETE', guestsUrl(orgId, uniqueEmail('nobody'))),
          // Another organization's token writes nothing here.
          await call(ctx, orgId === ctx.orgId ? other.tokens.admin : ctx.tokens.admin, 'POST', guestsUrl(orgId), {
            email: uniqueEmail('n'),
          }),
        ];
        if (enabled) answers.push(await call(ctx, token, 'DELETE', guestsUrl(orgId, enabled.email, '/delete')));
        for (const answer of answers) assert.ok(answer.statusCode >= 400 && answer.statusCode < 500, answer.body);
      },
    };
    const names = Object.keys(operations);
    const run = async (name: string, orgId: string, token: string, step: string) => {
      await (operations[name] as (orgId: string, token: string) => Promise<unknown>)(orgId, token);
      await assertCounts(`${step}: ${name}`);
    };
    // Every operation once in each organization (twice over, so each finds the records it needs),
    // then a seeded random sequence.
    for (const round of [1, 2])
      for (const { orgId, token } of orgs()) for (const name of names) await run(name, orgId, token, `round ${round}`);
    for (let step = 0; step < STEPS; step += 1) {
      const name = names[Math.floor(next() * names.length)] as string;
      const { orgId, token } = orgs()[Math.floor(next() * 2)] as { orgId: string; token: string };
      await run(name, orgId, token, `step ${step}`);
    }
  });

  it("List guests' total is the maintained count without a search, and counts the matches of one", async () => {
    const db = ctx.db.kysely;
    const named = uniqueEmail('findme');
    assert.equal((await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: named })).statusCode, 201);
    const actual = await counted(db, ctx.orgId);
    const total = async (query: string) =>
      (await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?per_page=1${query}`)).json<{
        meta: { pagination: { total: number } };
      }>().meta.pagination.total;
    // Off by 1000 for a moment: the unfiltered total follows the count, a search does not.
    const shift = (by: number) =>
      db
        .updateTable('organization_guest_counts')
        .set((eb) => ({ count: eb('count', '+', by) }))
        .where('organization_id', '=', ctx.orgId)
        .where('slot', '=', (eb) =>
          eb
            .selectFrom('organization_guest_counts')
            .select((e) => e.fn.min('slot').as('s'))
            .where('organization_id', '=', ctx.orgId),
        )
        .execute();
    await shift(1000);
    try {
      assert.equal(await total(''), actual + 1000);
      assert.equal(await total('&cursor='), actual + 1000);
      assert.equal(await total(`&q=${encodeURIComponent(named.split('@')[0] as string)}`), 1);
      assert.equal(await total(`&q=${encodeURIComponent(named.split('@')[0] as string)}&cursor=`), 1);
    } finally {
      await shift(-1000);
    }
    assert.equal(await total(''), actual);
  });

  it('a write whose transaction fails leaves the count as it was', async () => {
    const db = ctx.db.kysely;
    const before = await maintained(db, ctx.orgId);
    // A multi-row insert (an import's batch writes so) in a transaction that then fails.
    const guest = await db
      .insertInto('guests')
      .values({ id: 987_654_321, email: uniqueEmail('rolled'), created_at: '2026-01-01 00:00:00', deleted_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const record = (guestId: number, orgId: string) => ({
      organization_id: orgId,
      guest_id: guestId,
      created_at: '2026-01-01 00:00:00',
      updated_at: '2026-01-01 00:00:00',
      deleted_at: null,
    });
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await insertRecords(trx, [record(guest.id, ctx.orgId)]);
        await insertRecords(trx, [record(guest.id, other.orgId)]);
        assert.equal(await maintained(trx, ctx.orgId), before + 1, 'counted inside the transaction');
        throw new Error('the batch fails');
      }),
      /the batch fails/,
    );
    // Records of two organizations in one call are refused before anything is written.
    await assert.rejects(
      insertRecords(db, [record(guest.id, ctx.orgId), record(guest.id, other.orgId)]),
      /of one organization/,
    );
    await assertCounts('after a failed batch transaction');
    assert.equal(await maintained(db, ctx.orgId), before);
  });

  it('a create refused by the invite cap, and an import batch it fails, leave the count right', async () => {
    const capped = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '2' } });
    try {
      const create = () => call(capped, capped.tokens.admin, 'POST', guestsUrl(capped.orgId), { email: uniqueEmail() });
      assert.equal((await create()).statusCode, 201);
      const db = capped.db.kysely;
      assert.equal(await maintained(db, capped.orgId), 1);
      // The record is inserted before the cap is checked: the refusal's rollback takes the +1 back.
      assert.equal((await create()).statusCode, 201);
      assert.equal((await create()).statusCode, 429);
      assert.equal(await maintained(db, capped.orgId), 2);
      assert.equal(await counted(db, capped.orgId), 2);
    } finally {
      await capped.close();
    }
    const importing = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '2' } });
    try {
      // Three new rows under a cap of two: the batch's shared transaction fails at the third, and
      // the rows are then done one by one (two created, one refused).
      const response = await importing.app.inject({
        method: 'POST',
        url: `${guestsUrl(importing.orgId)}/import`,
        headers: { ...authHeaders(importing.tokens.admin), 'content-type': 'text/csv' },
        payload: ['email', uniqueEmail('cap'), uniqueEmail('cap'), uniqueEmail('cap'), ''].join('\n'),
      });
      assert.equal(response.statusCode, 202, response.body);
      const done = await pollImport(
        importing,
        importing.tokens.admin,
        String(response.headers.location).replace('http://guests.test', ''),
      );
      assert.equal(done.counts.created, 2);
      assert.equal(await counted(importing.db.kysely, importing.orgId), 2);
      assert.equal(await maintained(importing.db.kysely, importing.orgId), 2);
    } finally {
      await importing.close();
    }
  });
});

describe('migration 016_guest_counts', () => {
  const ORG_A = 'a'.repeat(32);
  const ORG_B = 'b'.repeat(32);
  /** Only removed records at the migration: no count row until one joins again. */
  const ORG_C = 'c'.repeat(32);
  let database: { url: string; drop(): Promise<void> };
  let db: ReturnType<typeof openDatabase>;

  before(async () => {
    database = await freshDatabaseUrl();
    db = openDatabase(
      loadConfig({ DATA_DIR: '/nonexistent', DATABASE_URL: database.url, GUEST_CODE_KEY: TEST_GUEST_CODE_KEY })
        .database,
    );
    await migrateTo(db, '015_idempotency_keys');
    const k = db.kysely;
    const at = '2026-01-01 00:00:00';
    for (const id of [ORG_A, ORG_B, ORG_C])
      await k.insertInto('organizations').values({ id, name: id, created_at: at }).execute();
    // A: 3 active (one of them disabled), 2 removed; B: 1 active; C: 1 removed.
    const rows: Array<[string, boolean, boolean]> = [
      [ORG_A, true, false],
      [ORG_A, true, false],
      [ORG_A, true, true],
      [ORG_A, false, false],
      [ORG_A, false, false],
      [ORG_B, true, false],
      [ORG_C, false, false],
    ];
    for (const [index, [orgId, active, disabled]] of rows.entries()) {
      const id = 1000 + index;
      await k
        .insertInto('guests')
        .values({ id, email: `m${index}@partner.test`, created_at: at, deleted_at: null })
        .execute();
      await k
        .insertInto('organization_guests')
        .values({
          organization_id: orgId,
          guest_id: id,
          created_at: at,
          updated_at: at,
          deleted_at: active ? null : at,
          disabled_at: disabled ? at : null,
        })
        .execute();
    }
    await migrateToLatest(db);
  });

  after(async () => {
    await db.close();
    await database.drop();
  });

  it('counts the records there before it: active ones, disabled included', async () => {
    assert.deepEqual(
      {
        a: await maintained(db.kysely, ORG_A),
        b: await maintained(db.kysely, ORG_B),
        c: await maintained(db.kysely, ORG_C),
      },
      { a: 3, b: 1, c: 0 },
    );
  });

  it('an organization with only removed records counts a re-joined one', async () => {
    await db.kysely
      .updateTable('organization_guests')
      .set({ deleted_at: null })
      .where('organization_id', '=', ORG_C)
      .execute();
    assert.equal(await maintained(db.kysely, ORG_C), 1);
  });

  it('deleting an organization takes its count with it and leaves the others', async () => {
    await db.kysely.deleteFrom('organizations').where('id', '=', ORG_A).execute();
    const left = await db.kysely
      .selectFrom('organization_guest_counts')
      .select('organization_id')
      .where('organization_id', '=', ORG_A)
      .execute();
    assert.deepEqual(left, []);
    assert.equal(await maintained(db.kysely, ORG_B), 1);
    assert.equal(await counted(db.kysely, ORG_A), 0);
  });

  it('going down drops the table and its triggers; writes still work, and up counts again', async () => {
    await migrateTo(db, '015_idempotency_keys');
    await db.kysely
      .updateTable('organization_guests')
      .set({ deleted_at: '2026-01-02 00:00:00' })
      .where('organization_id', '=', ORG_B)
      .execute();
    await migrateToLatest(db);
    assert.equal(await maintained(db.kysely, ORG_B), 0);
    assert.equal(await maintained(db.kysely, ORG_C), 1);
  });
});
