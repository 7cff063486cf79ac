/**
 * Searches of List guests take one of the instance's places for searches (SEARCH_CONCURRENCY,
 * docs/guests.md, List guests): with every place taken, a search waits, and one that waited its
 * whole time (SEARCH_WAIT_MS) is answered 503 with Retry-After, by number, by cursor and
 * unpaginated alike, while lists without `q` never wait; a search whose client closes the
 * connection while it waits leaves the queue and is not run. Here the places are the test's own,
 * so that it can hold them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTestApp, call, createGuest, guestsUrl, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { createListSearches } from '../../src/guests/guest-list.js';
import type { Slots } from '../../src/core/slots.js';

/** Holds every place of `slots` until the returned function is called. */
async function holdAll(slots: Slots, count: number): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const holds = Array.from({ length: count }, () => slots.run(() => released));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(slots.taken, count);
  return async () => {
    release();
    await Promise.all(holds);
  };
}

describe('List guests: places for searches', () => {
  let ctx: TestContext;
  const WAIT_MS = 60;
  const slots = createListSearches({ concurrency: 1, waitMs: WAIT_MS }) as Slots;

  before(async () => {
    // No pages kept: every request reads the database, as a first search does.
    ctx = await buildTestApp({ env: { RATE_LIMIT_MAX: '0', LIST_CACHE_MB: '0' }, listSearches: slots });
    for (const name of ['Ada', 'Alan', 'Grace']) await createGuest(ctx, { first_name: name });
  });
  after(() => ctx.close());

  const list = (query: string) => call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?${query}`);

  it('with every place taken, a search waits SEARCH_WAIT_MS, then is answered 503 with Retry-After', async () => {
    const release = await holdAll(slots, 1);
    try {
      for (const query of ['q=a', 'q=a&page=2&per_page=1', 'q=a&cursor=', 'q=a&without_pagination=true']) {
        const started = Date.now();
        const response = await list(query);
        const problem = assertProblem(response, 503, 'SERVICE_UNAVAILABLE', query);
        assert.ok(Date.now() - started >= WAIT_MS - 5, `${query}: answered after the wait`);
        assert.equal(response.headers['retry-after'], '2', query);
        assert.match(problem.message, /Too many searches of guest lists .*at most 1 at once/, query);
      }
      assert.equal(slots.waiting, 0, 'no refused search is left in the queue');
    } finally {
      await release();
    }
  });

  it('lists without q never wait for a place', async () => {
    const release = await holdAll(slots, 1);
    try {
      for (const query of ['per_page=2', 'per_page=1&page=3', 'cursor=', 'without_pagination=true']) {
        const response = await list(query);
        assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
      }
    } finally {
      await release();
    }
  });

  it('a search waiting for a place runs when one frees, and answers what it found', async () => {
    const release = await holdAll(slots, 1);
    const waiting = list('q=a');
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS / 3));
    assert.equal(slots.waiting, 1, 'the search waits');
    await release();
    const response = await waiting;
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{ data: Array<{ first_name: string }>; meta: { pagination: { total: number } } }>();
    assert.deepEqual(body.data.map((g) => g.first_name).sort(), ['Ada', 'Alan', 'Grace']);
    assert.equal(body.meta.pagination.total, 3);
    assert.equal(slots.taken, 0, 'the place is given back');
  });
});

describe('List guests: a search whose client has gone', () => {
  let ctx: TestContext;
  let port: number;
  // Far longer than the test: a search that leaves the queue does so because its client went.
  const slots = createListSearches({ concurrency: 1, waitMs: 60_000 }) as Slots;

  before(async () => {
    ctx = await buildTestApp({ env: { RATE_LIMIT_MAX: '0', LIST_CACHE_MB: '0' }, listSearches: slots });
    await createGuest(ctx, { first_name: 'Ada' });
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    port = (ctx.app.server.address() as AddressInfo).port;
  });
  after(() => ctx.close());

  /** Waits (at most 5 s) until `holds` is true. */
  async function until(holds: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!holds()) {
      assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  for (const query of ['q=ada', 'q=ada&cursor=', 'q=ada&without_pagination=true']) {
    it(`${query}: leaves the queue when its connection closes, and the place goes to the next search`, async () => {
      const release = await holdAll(slots, 1);
      const logged = ctx.logs.length;
      try {
        const request = http.get({
          host: '127.0.0.1',
          port,
          path: `${guestsUrl(ctx.orgId)}?${query}`,
          headers: { authorization: `Bearer ${ctx.tokens.admin}` },
        });
        request.on('error', () => undefined);
        await until(() => slots.waiting === 1, 'the search waits for its place');
        request.destroy();
        await until(() => slots.waiting === 0, 'the search has left the queue');
        assert.equal(slots.taken, 1, 'the held place is still held');
      } finally {
        await release();
      }
      assert.equal(slots.taken, 0, 'nothing ran in the place the gone search would have taken');
      const after = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?${query}`);
      assert.equal(after.statusCode, 200, after.body);
      const lines = ctx.logs.slice(logged);
      assert.deepEqual(
        lines.filter((line) => Number(line.level) >= 50),
        [],
        'nothing logged as an error',
      );
      const gone = lines.filter((line) => /connection closed while this search waited/.test(JSON.stringify(line.err)));
      assert.equal(gone.length, 1, 'the search not run is logged once');
      assert.equal(gone[0]?.level, 30, 'at info');
    });
  }
});
