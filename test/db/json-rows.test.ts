/**
 * Rows sent as one JSON array (prepared.ts, `rowsAsJson`, `jsonRowSelection`): on PostgreSQL the
 * hot reads of whole guest records answer one column per row, made back into the same objects the
 * columns gave; on SQLite nothing changes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { openDatabase, type Db } from '../../src/db/database.js';
import { jsonRowSelection, jsonRowsReader, prepared, type Placeholder } from '../../src/db/prepared.js';
import type { Database } from '../../src/db/types.js';
import { buildTestApp, call, freshDatabaseUrl, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';
import { statementsSentBy } from '../../support/statement-counter.js';

const postgres = Boolean(process.env.TEST_DATABASE_URL);

/** A table of every kind of column the records hold: text, integer, bigint, boolean; and nulls. */
interface Probe {
  json_rows_probe: { id: number; label: string | null; n: number | null; big: number | null; flag: boolean | null };
}

const probe = (db: Kysely<Database>) => db as unknown as Kysely<Probe>;

const COLUMNS = ['id', 'label', 'n', 'big', 'flag'] as const;

/** The rows from `from` on, their columns and a subquery's count (a bigint on PostgreSQL), named by its alias. */
const fromRow = (db: Kysely<Database>, p: Placeholder<{ from: number }>) =>
  probe(db)
    .selectFrom('json_rows_probe')
    .select([...COLUMNS])
    .select((eb) => eb.selectFrom('json_rows_probe as c').select(eb.fn.countAll<number>().as('n')).as('total'))
    .where('id', '>=', p('from'))
    .orderBy('id');

const asColumns = prepared(fromRow);
const asJson = prepared(fromRow, { rowsAsJson: true });

const notASelect = prepared((db) => probe(db).deleteFrom('json_rows_probe').where('id', '<', 0).returning('id'), {
  rowsAsJson: true,
});
const everything = prepared((db) => probe(db).selectFrom('json_rows_probe').selectAll(), { rowsAsJson: true });

/** Text JSON must escape, text it must not touch, the integers' ends, and nulls. */
const LABELS = [
  'plain',
  'quote " backslash \\ slash / tab \t newline \n',
  'Zoë Ångström — 東京 🎉',
  '[1,2]',
  'null',
  '',
  '\u001f control',
];

describe('rows as one JSON array', () => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => {
    const fresh = await freshDatabaseUrl();
    drop = fresh.drop;
    db = openDatabase(
      postgres ? { kind: 'postgres', url: fresh.url, poolSize: 2 } : { kind: 'sqlite', file: ':memory:' },
    );
    const bigint = postgres ? 'bigint' : 'integer';
    await sql
      .raw(`create table json_rows_probe (id integer primary key, label text, n integer, big ${bigint}, flag boolean)`)
      .execute(db.kysely);
    const rows = LABELS.map((label, i) => ({
      id: i + 1,
      label,
      n: i % 2 === 0 ? 2_147_483_647 - i : -2_147_483_648 + i,
      big: Number.MAX_SAFE_INTEGER - i,
      // SQLite binds no booleans: 1 and 0, which it answers in either form.
      flag: (postgres ? i % 3 === 0 : Number(i % 3 === 0)) as boolean,
    }));
    rows.push({
      id: 100,
      label: null as unknown as string,
      n: null as unknown as number,
      big: null as unknown as number,
      flag: null as unknown as boolean,
    });
    await probe(db.kysely).insertInto('json_rows_probe').values(rows).execute();
  });
  after(async () => {
    await db.close();
    await drop();
  });

  it('answers the rows the columns answer, value for value', async () => {
    const columns = await asColumns.all(db.kysely, { from: 0 });
    const { sent, result } = await statementsSentBy(() => asJson.all(db.kysely, { from: 0 }));
    assert.equal(columns.length, LABELS.length + 1);
    assert.deepEqual(result, columns);
    assert.deepEqual(
      result.map((row) => Object.keys(row)),
      columns.map(() => [...COLUMNS, 'total']),
      'the same names, in the same order',
    );
    assert.equal(result.at(-1)?.label, null);
    assert.equal(result[2]?.label, LABELS[2]);
    assert.equal(result[0]?.big, Number.MAX_SAFE_INTEGER);
    assert.equal(sent.length, 1);
    if (postgres) assert.match(sent[0]?.text ?? '', /^select json_build_array\(/);
    else assert.doesNotMatch(sent[0]?.text ?? '', /json_build_array/);
  });

  it('answers no row as no row, and takes fresh values each call', async () => {
    assert.deepEqual(await asJson.all(db.kysely, { from: 1000 }), []);
    assert.deepEqual(
      (await asJson.all(db.kysely, { from: 7 })).map((row) => row.id),
      [7, 100],
    );
  });

  it(
    'refuses, on PostgreSQL, a selection it cannot name (select *) and a statement that is no select',
    { skip: !postgres },
    async () => {
      await assert.rejects(() => everything.all(db.kysely, {}), /rowsAsJson: every selection needs a name/);
      await assert.rejects(() => notASelect.all(db.kysely, {}), /rowsAsJson: only for a select/);
    },
  );

  it('makes the rows of a statement written out in full from their arrays', { skip: !postgres }, async () => {
    const names = ['id', 'label', 'doubled'];
    const text = `select ${jsonRowSelection(['id', 'label', 'n * 0 + id * 2'])} from json_rows_probe where id <= $1 order by id`;
    const { rows } = await db.kysely.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [2]));
    assert.deepEqual(jsonRowsReader(names)(rows), [
      { id: 1, label: LABELS[0], doubled: 2 },
      { id: 2, label: LABELS[1], doubled: 4 },
    ]);
  });
});

describe('guest records as one JSON array on PostgreSQL', { skip: !postgres }, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  /** Holds that the statements matching `pattern` (at least one) answered the record as one JSON array. */
  function assertAnsweredAsJson(sent: Array<{ text: string }>, pattern: RegExp, what: string): void {
    const matching = sent.filter(({ text }) => pattern.test(text));
    assert.ok(matching.length > 0, `${what}: no statement matched ${String(pattern)}`);
    for (const { text } of matching) assert.match(text, /json_build_array\(/, `${what}: ${text.slice(0, 120)}`);
  }

  it('Create, Get, Update guest and a list page read the record as one array, and answer it whole', async () => {
    const body = {
      email: uniqueEmail('json-rows'),
      first_name: 'Zoë',
      last_name: 'Ångström "quoted"',
      phone_1: '+1 212 555 0100',
      company_name: 'Acme\\Tools',
      associated_members: [ctx.members.admin],
      cadence_days: ['Monday', 'Thursday'],
    };
    const created = await statementsSentBy(() => call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), body));
    assert.equal(created.result.statusCode, 201, created.result.body);
    assertAnsweredAsJson(created.sent, /insert into organization_guests/i, 'create');
    const guest = created.result.json<{ data: Record<string, unknown> }>().data;
    assert.equal(guest.first_name, 'Zoë');
    assert.deepEqual((guest.details as Record<string, unknown>).associated_members, [ctx.members.admin]);

    const got = await statementsSentBy(() => call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, body.email)));
    assert.equal(got.result.statusCode, 200, got.result.body);
    assertAnsweredAsJson(got.sent, /from "organization_guests"/, 'get');
    assert.deepEqual(got.result.json<{ data: unknown }>().data, guest);

    const updated = await statementsSentBy(() =>
      call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, body.email), { last_name: 'Berg', phone_2: '0' }),
    );
    // Update guest answers 201, as Tallyfy's does.
    assert.equal(updated.result.statusCode, 201, updated.result.body);
    assertAnsweredAsJson(updated.sent, /update organization_guests/i, 'update');
    const after = updated.result.json<{ data: Record<string, unknown> }>().data;
    assert.equal(after.last_name, 'Berg');
    assert.equal((after.details as Record<string, unknown>).phone_2, '0');

    const read = (await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, body.email))).json<{ data: unknown }>()
      .data;
    // A page by number and a page by cursor: the list's two statements of whole records.
    for (const query of ['per_page=5', 'cursor=&per_page=5']) {
      const listed = await statementsSentBy(() =>
        call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?${query}`),
      );
      assert.equal(listed.result.statusCode, 200, listed.result.body);
      assertAnsweredAsJson(listed.sent, /inner join \(select/, `list ${query}`);
      const page = listed.result.json<{ data: Array<Record<string, unknown>> }>().data;
      assert.deepEqual(
        page.find((row) => row.email === body.email),
        read,
        query,
      );
    }
  });
});
