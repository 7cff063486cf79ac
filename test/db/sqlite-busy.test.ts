/**
 * A write that finds another connection holding SQLite's write lock waits for it without holding
 * the event loop: the app keeps answering while the lock is held, the write completes once it is
 * released, and past SQLITE_BUSY_TIMEOUT_MS it is answered 503 with Retry-After, writing nothing.
 * SQLite files only (PostgreSQL has no such lock).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { buildTestApp, call, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the write lock on `file` from a second connection and keeps it until the returned function runs. */
function holdWriteLock(file: string): () => void {
  const other = new SQLite(file);
  other.exec('begin immediate');
  other.exec(
    "insert into organizations (id, name, created_at) values (lower(hex(randomblob(16))), 'lock holder', '2026-01-01 00:00:00')",
  );
  return () => {
    other.exec('commit');
    other.close();
  };
}

/** /health/live answer times (ms) sampled every 50 ms for `forMs`. */
async function livenessDuring(ctx: TestContext, forMs: number): Promise<number[]> {
  const times: number[] = [];
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    const start = performance.now();
    const response = await ctx.app.inject({ method: 'GET', url: '/health/live' });
    assert.equal(response.statusCode, 200);
    times.push(performance.now() - start);
    await delay(50);
  }
  return times;
}

describe('SQLite: another connection holding the write lock', { skip: onPostgres && 'SQLite only' }, () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-busy-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps answering while a write waits, and the write completes once the lock is released', async () => {
    const file = path.join(dir, 'wait.sqlite');
    const ctx = await buildTestApp({ env: { DATABASE_URL: `sqlite:${file}` } });
    try {
      const release = holdWriteLock(file);
      const timer = setTimeout(release, 2000);
      const email = uniqueEmail('busy');
      const started = performance.now();
      const write = call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email }).then((response) => ({
        response,
        ms: performance.now() - started,
      }));
      const times = await livenessDuring(ctx, 1800);
      const { response, ms } = await write;
      clearTimeout(timer);
      assert.equal(response.statusCode, 201, response.body);
      assert.ok(ms >= 1800, `the write waited for the lock (${ms.toFixed(0)} ms)`);
      assert.ok(times.length >= 15, `liveness answered ${times.length} times in 1.8 s`);
      assert.ok(
        Math.max(...times) < 250,
        `liveness at most ${Math.max(...times).toFixed(0)} ms while the lock was held`,
      );
      const got = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
      assert.equal(got.statusCode, 200);
    } finally {
      await ctx.close();
    }
  });

  it('answers 503 with Retry-After past SQLITE_BUSY_TIMEOUT_MS and writes nothing', async () => {
    const file = path.join(dir, 'timeout.sqlite');
    const ctx = await buildTestApp({ env: { DATABASE_URL: `sqlite:${file}`, SQLITE_BUSY_TIMEOUT_MS: '300' } });
    try {
      const release = holdWriteLock(file);
      const email = uniqueEmail('busy');
      let response;
      const started = performance.now();
      try {
        response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email });
      } finally {
        release();
      }
      const ms = performance.now() - started;
      assertProblem(response, 503, 'SERVICE_UNAVAILABLE');
      assert.ok(Number(response.headers['retry-after']) >= 1, 'Retry-After');
      assert.ok(ms >= 250 && ms < 2000, `answered after the busy timeout (${ms.toFixed(0)} ms)`);
      const got = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
      assert.equal(got.statusCode, 404, 'nothing was written');
    } finally {
      await ctx.close();
    }
  });
});
