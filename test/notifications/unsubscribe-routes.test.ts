/**
 * Unsubscribe (docs/notifications.md, Unsubscribe (one click), Unsubscribe page): the URL of a
 * queued reminder's List-Unsubscribe header, POSTed as RFC 8058 clients do, turns reminders off
 * at once; the page changes nothing; a link that does not work is 404, and counts as a failure.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { unsubscribeUrl } from '../../src/notifications/unsubscribe.js';
import { disableInDatabase, recordOf } from '../guest-portal/portal-helpers.js';
import {
  DAY,
  HOUR,
  freshDeadline,
  guest,
  jobOf,
  preferencesOf,
  remindersTo,
  taskFor,
  unsubscribeUrlOf,
} from './reminders-helpers.js';

const ONE_CLICK = { 'content-type': 'application/x-www-form-urlencoded' };
const pathOf = (url: string) => new URL(url).pathname;

describe('unsubscribe', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const post = (url: string, payload?: string, headers: Record<string, string> = ONE_CLICK) =>
    ctx.app.inject({ method: 'POST', url: pathOf(url), headers, ...(payload !== undefined && { payload }) });
  const preferenceRows = async (code: string) =>
    ctx.db.kysely
      .selectFrom('guest_preferences')
      .selectAll()
      .where('organization_guest_id', '=', (await recordOf(ctx, code)).id)
      .execute();

  it("one click on the reminder's List-Unsubscribe URL turns reminders off at once; the next run sends none", async () => {
    const job = jobOf(ctx);
    const deadline = freshDeadline();
    const { email, code } = await guest(ctx);
    await taskFor(ctx, deadline, [email]);
    const first = new Date(deadline.getTime() - 2 * HOUR);
    assert.equal(await job.run(first), 1);
    const [queued] = await remindersTo(ctx, email);
    const url = unsubscribeUrlOf(queued?.headers ?? null);

    const response = await post(url, 'List-Unsubscribe=One-Click');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { data: { topic: 'task_reminders', unsubscribed: true } });
    assert.equal((await preferencesOf(ctx, code)).task_reminders, false);
    assert.equal((await preferencesOf(ctx, code)).daily_digest, true, 'the digest is another switch');

    assert.equal(await job.run(new Date(first.getTime() + DAY)), 0);
    assert.equal(await job.run(new Date(first.getTime() + 2 * DAY)), 0);
    assert.equal((await remindersTo(ctx, email)).length, 1);

    // The same again: the same answer, one stored preference.
    const again = await post(url, 'List-Unsubscribe=One-Click');
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), response.json());
    assert.equal((await preferenceRows(code)).length, 1);
  });

  it('takes a multipart form and an empty body too, as one-click clients send them', async () => {
    for (const [label, payload, headers] of [
      [
        'multipart',
        '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n',
        { 'content-type': 'multipart/form-data; boundary=XyZ' },
      ],
      ['empty', undefined, {}],
      ['empty form', '', ONE_CLICK],
    ] as const) {
      const { code } = await guest(ctx);
      const url = unsubscribeUrl(ctx.links, (await recordOf(ctx, code)).id, 'task_reminders');
      const response = await post(url, payload, { ...headers });
      assert.equal(response.statusCode, 200, `${label}: ${response.body}`);
      assert.equal((await preferencesOf(ctx, code)).task_reminders, false, label);
    }
  });

  it("a digest's link turns the digest off", async () => {
    const { code } = await guest(ctx);
    const url = unsubscribeUrl(ctx.links, (await recordOf(ctx, code)).id, 'daily_digest');
    const response = await post(url, 'List-Unsubscribe=One-Click');
    assert.deepEqual(response.json(), { data: { topic: 'daily_digest', unsubscribed: true } });
    const prefs = await preferencesOf(ctx, code);
    assert.equal(prefs.daily_digest, false);
    assert.equal(prefs.task_reminders, true);
  });

  it('answers a browser with a page', async () => {
    await ctx.db.kysely
      .updateTable('organizations')
      .set({ name: 'Acme & <Sons>' })
      .where('id', '=', ctx.orgId)
      .execute();
    const { code } = await guest(ctx);
    const url = unsubscribeUrl(ctx.links, (await recordOf(ctx, code)).id, 'task_reminders');
    const response = await post(url, 'List-Unsubscribe=One-Click', {
      ...ONE_CLICK,
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8$/);
    assert.match(String(response.headers['content-security-policy']), /default-src 'none'/);
    assert.match(
      response.body,
      /You will no longer get reminder emails when a task is due from Acme &amp; &lt;Sons&gt;\./,
    );
    assert.equal((await preferencesOf(ctx, code)).task_reminders, false);
  });

  it('the GET page shows a one-button form to the same URL and changes nothing', async () => {
    const { code } = await guest(ctx);
    const url = unsubscribeUrl(ctx.links, (await recordOf(ctx, code)).id, 'task_reminders');
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await ctx.app.inject({ method, url: pathOf(url) });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8$/);
      assert.match(String(response.headers['content-security-policy']), /form-action 'self'/);
      assert.equal(response.headers['referrer-policy'], 'no-referrer');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['cache-control'], 'no-store');
    }
    const html = (await ctx.app.inject({ method: 'GET', url: pathOf(url) })).body;
    assert.ok(html.includes(`<form method="post" action="${pathOf(url)}">`), html);
    assert.match(html, /<button type="submit">Unsubscribe<\/button>/);
    assert.match(html, /reminder emails when a task is due/);
    assert.doesNotMatch(html, /<script/i);
    assert.deepEqual(await preferenceRows(code), [], 'GET wrote nothing');
    assert.equal((await preferencesOf(ctx, code)).task_reminders, true);
  });

  it('works the same for a disabled or removed guest, without saying so', async () => {
    const disabled = await guest(ctx);
    const disabledId = (await recordOf(ctx, disabled.code)).id;
    await disableInDatabase(ctx, disabled.code);
    const removed = await guest(ctx);
    const removedId = (await recordOf(ctx, removed.code)).id;
    const removal = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/guests/${removed.email}`,
    );
    assert.equal(removal.statusCode, 200, removal.body);
    for (const id of [disabledId, removedId]) {
      const response = await post(unsubscribeUrl(ctx.links, id, 'task_reminders'), 'List-Unsubscribe=One-Click');
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json(), { data: { topic: 'task_reminders', unsubscribed: true } });
      const row = await ctx.db.kysely
        .selectFrom('guest_preferences')
        .select('value')
        .where('organization_guest_id', '=', id)
        .where('slug', '=', 'task_reminders')
        .executeTakeFirst();
      assert.equal(row?.value, 'false');
    }
  });

  it('a wrong, malformed or foreign token is 404, for POST and GET alike, and changes nothing', async () => {
    const { code } = await guest(ctx);
    const id = (await recordOf(ctx, code)).id;
    const good = pathOf(unsubscribeUrl(ctx.links, id, 'task_reminders'));
    const mac = good.split('.').at(-1) ?? '';
    const bad = [
      `/unsubscribe/${id}.task_reminders.${'A'.repeat(22)}`,
      `/unsubscribe/${id + 1}.task_reminders.${mac}`,
      `/unsubscribe/${id}.daily_digest.${mac}`,
      `/unsubscribe/${id}.other.${mac}`,
      '/unsubscribe/nonsense',
      `/unsubscribe/${'9'.repeat(300)}`,
    ];
    for (const url of bad) {
      assertProblem(
        await ctx.app.inject({ method: 'POST', url, headers: ONE_CLICK, payload: 'List-Unsubscribe=One-Click' }),
        404,
        'RESOURCE_NOT_FOUND',
        url,
      );
      const page = await ctx.app.inject({ method: 'GET', url });
      assert.equal(page.statusCode, 404, url);
      assert.match(page.body, /This link does not work/);
    }
    assert.deepEqual(await preferenceRows(code), []);
  });

  it('refuses other bodies with 415', async () => {
    const { code } = await guest(ctx);
    const url = unsubscribeUrl(ctx.links, (await recordOf(ctx, code)).id, 'task_reminders');
    const response = await post(url, JSON.stringify({ unsubscribe: true }), { 'content-type': 'application/json' });
    assertProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    assert.deepEqual(await preferenceRows(code), []);
  });
});

describe('unsubscribe links that do not work', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { AUTH_FAILURE_LIMIT: '2' } });
  });
  after(() => ctx.close());

  it('count as failures of the address: past the limit, 429 before any look-up', async () => {
    const wrong = `/unsubscribe/1.task_reminders.${'B'.repeat(22)}`;
    for (let i = 0; i < 2; i++)
      assertProblem(await ctx.app.inject({ method: 'POST', url: wrong }), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(await ctx.app.inject({ method: 'POST', url: wrong }), 429, 'RATE_LIMIT_EXCEEDED');
  });
});
