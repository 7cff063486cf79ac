/**
 * The token memory (src/auth/auth-cache.ts): a token's answer is reused, and every change that
 * alters it holds from the very next request although the answer was remembered.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { buildTestApp, call, createGuest, guestsUrl, type TestContext } from '../../support/app.js';
import { countStatements } from '../../support/statement-counter.js';
import { assertProblem } from '../../support/problem.js';
import { openDatabase } from '../../src/db/database.js';
import { createAdminService } from '../../src/organizations/admin.service.js';
import { AuthCache } from '../../src/auth/auth-cache.js';
import { sqliteChangedElsewhere } from '../../src/auth/auth-channels.js';
import { sha256 } from '../../src/core/secrets.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * Reads (`select` statements) the request sends: `pragma data_version` (SQLite's change check) and
 * the change listener's own statements (PostgreSQL) are not the request's.
 */
async function readsOf(send: () => Promise<unknown>): Promise<number> {
  const totals = countStatements();
  const before = totals.byVerb.select ?? 0;
  await send();
  return (totals.byVerb.select ?? 0) - before;
}

describe('token memory: changes hold on the next request', () => {
  let ctx: TestContext;
  let n = 0;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  /** A new member with a token, whose answer is remembered by one request. */
  async function rememberedMember(role: 'admin' | 'standard' | 'light' = 'admin') {
    n += 1;
    const member = await ctx.admin.addMember({ organizationId: ctx.orgId, email: `cached-${n}@members.test`, role });
    const token = await ctx.admin.createToken({ email: member.email });
    assert.equal((await call(ctx, token.token, 'GET', guestsUrl(ctx.orgId))).statusCode, 200);
    return { id: member.id, token: token.token, tokenId: token.id };
  }

  it('a second Get guest with the same token reads the guest only: one statement, not two', async () => {
    const guest = await createGuest(ctx);
    const url = guestsUrl(ctx.orgId, guest.email);
    const token = (await ctx.admin.createToken({ email: 'acme-admin@members.test' })).token;
    const first = await readsOf(async () => assert.equal((await call(ctx, token, 'GET', url)).statusCode, 200));
    const second = await readsOf(async () => assert.equal((await call(ctx, token, 'GET', url)).statusCode, 200));
    assert.equal(first, 2, 'the first request looks the token up');
    assert.equal(second, 1, 'the second one does not');
  });

  it('a token revoked through the API is refused on the next request', async () => {
    const m = await rememberedMember();
    const other = await ctx.admin.createToken({ email: `cached-${n}@members.test` });
    assert.equal((await call(ctx, other.token, 'GET', guestsUrl(ctx.orgId))).statusCode, 200);
    const revoked = await call(ctx, m.token, 'DELETE', `/api/me/tokens/${other.id}`);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assertProblem(await call(ctx, other.token, 'GET', guestsUrl(ctx.orgId)), 401, 'UNAUTHENTICATED');
    assert.equal((await call(ctx, m.token, 'GET', guestsUrl(ctx.orgId))).statusCode, 200, 'the other token works');
  });

  it('a removed member is refused on the next request', async () => {
    const m = await rememberedMember();
    const removed = await call(ctx, ctx.tokens.admin, 'DELETE', `/api/organizations/${ctx.orgId}/users/${m.id}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assertProblem(await call(ctx, m.token, 'GET', guestsUrl(ctx.orgId)), 403, 'FORBIDDEN');
  });

  it('a role change holds on the next request', async () => {
    const m = await rememberedMember('admin');
    const changed = await call(ctx, ctx.tokens.admin, 'PUT', `/api/organizations/${ctx.orgId}/users/${m.id}/role`, {
      role: 'light',
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assertProblem(
      await call(ctx, m.token, 'POST', guestsUrl(ctx.orgId), { email: 'light-now@partner.test' }),
      403,
      'FORBIDDEN',
    );
  });

  it('a disabled membership is refused on the next request, and an enabled one works again', async () => {
    const m = await rememberedMember();
    const users = `/api/organizations/${ctx.orgId}/users/${m.id}`;
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', `${users}/disable`)).statusCode, 200);
    const refused = await call(ctx, m.token, 'GET', guestsUrl(ctx.orgId));
    assertProblem(refused, 401, 'UNAUTHENTICATED');
    assert.match(refused.body, /disabled/);
    assert.equal((await call(ctx, ctx.tokens.admin, 'PUT', `${users}/enable`)).statusCode, 200);
    assert.equal((await call(ctx, m.token, 'GET', guestsUrl(ctx.orgId))).statusCode, 200);
  });

  it('a member converted to guest is refused on the next request', async () => {
    const m = await rememberedMember('standard');
    const converted = await call(
      ctx,
      ctx.tokens.admin,
      'PUT',
      `/api/organizations/${ctx.orgId}/users/${m.id}/to/guest`,
    );
    assert.equal(converted.statusCode, 200, converted.body);
    assertProblem(await call(ctx, m.token, 'GET', guestsUrl(ctx.orgId)), 403, 'FORBIDDEN');
  });

  it('a token remembered as "not a member here" works once the user is added', async () => {
    const m = await rememberedMember();
    const other = await ctx.admin.createOrganization({ name: `Other ${n}` });
    assertProblem(await call(ctx, m.token, 'GET', guestsUrl(other.id)), 403, 'FORBIDDEN');
    await ctx.admin.addMember({ organizationId: other.id, email: `cached-${n}@members.test`, role: 'light' });
    assert.equal((await call(ctx, m.token, 'GET', guestsUrl(other.id))).statusCode, 200);
  });
});

describe('token memory off (AUTH_CACHE_TTL_MS=0)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { AUTH_CACHE_TTL_MS: '0' } });
  });
  after(() => ctx.close());

  it('every request looks the token up', async () => {
    const guest = await createGuest(ctx);
    const url = guestsUrl(ctx.orgId, guest.email);
    await call(ctx, ctx.tokens.admin, 'GET', url);
    assert.equal(await readsOf(() => call(ctx, ctx.tokens.admin, 'GET', url)), 2);
  });
});

describe('token memory on a SQLite file written by another process', { skip: onPostgres }, () => {
  let ctx: TestContext;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'auth-cache-'));
    ctx = await buildTestApp({ env: { DATABASE_URL: `sqlite:${path.join(dir, 'guests.sqlite')}` } });
  });
  after(async () => {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a token revoked on another connection (the CLI's) is refused on the next request", async () => {
    const token = await ctx.admin.createToken({ email: 'acme-standard@members.test' });
    const url = guestsUrl(ctx.orgId, (await createGuest(ctx)).email);
    assert.equal((await call(ctx, token.token, 'GET', url)).statusCode, 200);
    assert.equal(await readsOf(() => call(ctx, token.token, 'GET', url)), 1, 'the answer is remembered');
    const cli = openDatabase(ctx.config.database);
    try {
      await createAdminService(cli.kysely).revokeToken(token.id);
    } finally {
      await cli.close();
    }
    // The instance asks SQLite once per turn of its event loop; a request over a socket arrives
    // in a later turn than the CLI's commit, as this one now does.
    await setImmediate();
    assertProblem(await call(ctx, token.token, 'GET', url), 401, 'UNAUTHENTICATED');
  });

  it("asks SQLite once per turn of the event loop; another connection's commit is seen from the next turn", async () => {
    const changed = sqliteChangedElsewhere(ctx.db);
    assert.ok(changed, 'a SQLite database has the check');
    await setImmediate();
    assert.equal(changed(), false, 'nothing committed elsewhere');
    const other = openDatabase(ctx.config.database);
    try {
      await createAdminService(other.kysely).createToken({ email: 'acme-standard@members.test' });
    } finally {
      await other.close();
    }
    // Asked again, SQLite would answer that the file changed.
    assert.equal(changed(), false, 'the same turn: not asked again');
    await setImmediate();
    assert.equal(changed(), true, 'the next turn sees the commit');
    await setImmediate();
    assert.equal(changed(), false, 'once per commit: a later turn asks again and finds nothing new');
  });
});

describe('AuthCache', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const hash = (token: string) => sha256(token);

  it('reuses an answer until its TTL, then reads again', async () => {
    const cache = new AuthCache({ ttlMs: 1000 });
    const find = () => cache.find(ctx.db.kysely, hash(ctx.tokens.admin), ctx.orgId);
    assert.equal(await readsOf(find), 1);
    assert.equal(await readsOf(find), 0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await readsOf(find), 1);
  });

  it('answers per organization: a role here is not a role there', async () => {
    const cache = new AuthCache({ ttlMs: 60_000 });
    const here = await cache.find(ctx.db.kysely, hash(ctx.tokens.admin), ctx.orgId);
    const nowhere = await cache.find(ctx.db.kysely, hash(ctx.tokens.admin), undefined);
    const elsewhere = await cache.find(ctx.db.kysely, hash(ctx.tokens.admin), 'ab'.repeat(16));
    assert.deepEqual([here?.role, nowhere?.role, elsewhere?.role], ['admin', null, null]);
    assert.equal(cache.size, 3);
  });

  it('untrusted (its channel down), reads the database every time and keeps nothing', async () => {
    const cache = new AuthCache({ ttlMs: 60_000 });
    const find = () => cache.find(ctx.db.kysely, hash(ctx.tokens.admin), ctx.orgId);
    await find();
    cache.setTrusted(false);
    assert.equal(cache.size, 0, 'dropped when the channel went down');
    assert.equal(await readsOf(find), 1);
    assert.equal(await readsOf(find), 1);
    assert.equal(cache.size, 0);
    cache.setTrusted(true);
    await find();
    assert.equal(await readsOf(find), 0);
  });

  it('a look-up under way while a change arrives does not keep its answer', async () => {
    const cache = new AuthCache({ ttlMs: 60_000 });
    const pending = cache.find(ctx.db.kysely, hash(ctx.tokens.light), ctx.orgId);
    cache.invalidate({ userId: ctx.members.light });
    assert.equal((await pending)?.role, 'light');
    assert.equal(cache.size, 0);
  });

  it('a change drops the entries of its user or token only', async () => {
    const cache = new AuthCache({ ttlMs: 60_000 });
    for (const token of [ctx.tokens.admin, ctx.tokens.standard, ctx.tokens.light])
      await cache.find(ctx.db.kysely, hash(token), ctx.orgId);
    cache.invalidate({ userId: ctx.members.standard });
    assert.equal(cache.size, 2);
    const light = await cache.find(ctx.db.kysely, hash(ctx.tokens.light), ctx.orgId);
    cache.invalidate({ tokenId: light?.tokenId ?? 0 });
    assert.equal(cache.size, 1);
  });

  it('holds at most maxEntries, the least recently used going first', async () => {
    const cache = new AuthCache({ ttlMs: 60_000, maxEntries: 2 });
    const find = (token: string) => cache.find(ctx.db.kysely, hash(token), ctx.orgId);
    await find(ctx.tokens.admin);
    await find(ctx.tokens.standard);
    await find(ctx.tokens.admin);
    await find(ctx.tokens.light);
    assert.equal(cache.size, 2);
    assert.equal(await readsOf(() => find(ctx.tokens.admin)), 0, 'used last, kept');
    assert.equal(await readsOf(() => find(ctx.tokens.standard)), 1, 'used least recently, dropped');
  });
});
