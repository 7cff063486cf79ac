/**
 * On a SQLite file, searches of List guests read on the read worker's connection
 * (src/db/sqlite-reader.ts; docs/guests.md, List guests), by number, by cursor and unpaginated,
 * and answer what the server's own connection would; lists without `q` read as before; when the
 * worker cannot run, searches read on the server's connection and still answer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTestApp, call, createGuest, guestsUrl, type TestContext } from '../../support/app.js';
import { createSqliteReader, type SqliteReader } from '../../src/db/sqlite-reader.js';

type ListBody = { data: Array<{ first_name: string }>; meta?: { pagination: { total: number } } };

const NAMES = ['Ada', 'Alan', 'Grace', 'Bob', 'Hedy', 'Radia'];
/** The names `q=a` finds (first names holding an "a", any case), in the default order. */
const WITH_A = ['Ada', 'Alan', 'Grace', 'Radia'];

function tempFile(): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'list-search-reader-'));
  return { file: path.join(dir, 'guests.sqlite'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function appOnFile(file: string, searchReader?: SqliteReader): Promise<TestContext> {
  const ctx = await buildTestApp({
    // Every page read from the database, none from the pages kept.
    env: { DATABASE_URL: `sqlite:${file}`, RATE_LIMIT_MAX: '0', LIST_CACHE_MB: '0' },
    ...(searchReader && { searchReader }),
  });
  // Emails without an "a", so that `q=a` finds the names only.
  for (const [i, name] of NAMES.entries()) await createGuest(ctx, { first_name: name, email: `g${i}@list.test` });
  return ctx;
}

function names(ctx: TestContext, query: string) {
  return async () => {
    const response = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?${query}`);
    assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
    const body = response.json<ListBody>();
    return { names: body.data.map((g) => g.first_name).sort(), total: body.meta?.pagination.total };
  };
}

describe('List guests on a SQLite file: searches read in the worker', () => {
  const place = tempFile();
  const reader = createSqliteReader(place.file, 1000);
  let ctx: TestContext;

  before(async () => {
    ctx = await appOnFile(place.file, reader);
  });
  after(async () => {
    await ctx.close();
    place.remove();
  });

  for (const query of ['q=a', 'q=a&per_page=2&page=2', 'q=a&cursor=', 'q=a&without_pagination=true']) {
    it(`${query}: read by the worker, answers what it matches`, async () => {
      const before = reader.statements;
      const answer = await names(ctx, query)();
      assert.ok(reader.statements > before, 'the worker ran the search');
      if (query.includes('page=2')) {
        assert.equal(answer.names.length, 2);
        assert.ok(answer.names.every((name) => WITH_A.includes(name)));
      } else {
        assert.deepEqual(answer.names, [...WITH_A].sort());
      }
      if (!query.includes('without_pagination')) assert.equal(answer.total, WITH_A.length);
    });
  }

  it('a guest created just before is found by the next search', async () => {
    await createGuest(ctx, { first_name: 'Katherine', email: 'late@list.test' });
    assert.deepEqual((await names(ctx, 'q=kath')()).names, ['Katherine']);
  });

  it('lists without q read on the server connection', async () => {
    const before = reader.statements;
    const answer = await names(ctx, 'per_page=3&page=2')();
    assert.equal(answer.names.length, 3);
    assert.equal(reader.statements, before);
  });
});

describe('List guests on a SQLite file: searches when the worker cannot run', () => {
  const place = tempFile();
  let ctx: TestContext;

  before(async () => {
    // A worker whose file does not exist fails to start: the searches read on the server's connection.
    ctx = await appOnFile(place.file, createSqliteReader(`${place.file}.missing`, 1000));
  });
  after(async () => {
    await ctx.close();
    place.remove();
  });

  it('every kind of search still answers what it matches', async () => {
    for (const query of ['q=a', 'q=a&cursor=', 'q=a&without_pagination=true']) {
      assert.deepEqual((await names(ctx, query)()).names, [...WITH_A].sort(), query);
    }
  });
});

describe('List guests on a SQLite file: the worker the app makes for itself', () => {
  const place = tempFile();
  let ctx: TestContext;

  before(async () => {
    ctx = await appOnFile(place.file);
  });
  after(async () => {
    await ctx.close();
    place.remove();
  });

  it('searches answer what they match', async () => {
    assert.deepEqual((await names(ctx, 'q=a')()).names, [...WITH_A].sort());
    assert.deepEqual((await names(ctx, 'q=zzz')()).names, []);
  });
});
