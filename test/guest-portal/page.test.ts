/**
 * The guest's page (docs/guest-side.md, Get guest page) and its form (Save guest page): the HTML,
 * its headers, escaping, the access it records, saving and refusing the form.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { WEEKDAYS } from '../../src/guests/guest.schemas.js';
import { tasksSection } from '../../src/guest-portal/page.html.js';
import { buildTestApp, call, createOrgWithMembers, guestsUrl, type TestContext } from '../../support/app.js';
import { FORM, form, guestWithCode, recordOf } from './portal-helpers.js';

function assertPageHeaders(response: LightMyRequestResponse): void {
  assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8$/);
  const csp = String(response.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /form-action 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|script-src/);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.match(String(response.headers['x-robots-tag']), /noindex/);
}

describe('the guest page', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const page = (code: string, headers: Record<string, string> = {}, query = '') =>
    ctx.app.inject({ method: 'GET', url: `/guest/${code}${query}`, headers });
  const post = (code: string, body: string, headers: Record<string, string> = FORM) =>
    ctx.app.inject({ method: 'POST', url: `/guest/${code}`, headers, payload: body });

  it('is an accessible HTML page with the organization, the guest and an honest empty task list', async () => {
    const { code } = await guestWithCode(ctx, { first_name: 'Ada', last_name: 'Lovelace' });
    const response = await page(code);
    assert.equal(response.statusCode, 200);
    assertPageHeaders(response);
    const html = response.body;
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /<main>[\s\S]*<\/main>/);
    assert.match(html, /<p class="org">Acme<\/p><h1>Hello, Ada Lovelace<\/h1>/);
    assert.match(html, /<title>Acme — your guest page<\/title>/);
    assert.match(html, /<h2 id="tasks-heading">Your tasks<\/h2>\n<p>No tasks yet\./);
    assert.match(html, new RegExp(`<form method="post" action="/guest/${code}">`));
    for (const day of WEEKDAYS) {
      const id = `day-${day.toLowerCase()}`;
      assert.match(
        html,
        new RegExp(
          `<input type="checkbox" id="${id}" name="cadence_days" value="${day}"><label for="${id}">${day}</label>`,
        ),
      );
    }
    assert.match(html, /<label class="block" for="content_language">/);
    assert.match(
      html,
      /<input type="checkbox" id="daily_digest" name="daily_digest" value="on" checked><label for="daily_digest">/,
    );
    assert.match(
      html,
      /<input type="checkbox" id="task_reminders" name="task_reminders" value="on" checked><label for="task_reminders">Email me reminders when a task is due<\/label>/,
    );
    // No script, no external resource of any kind.
    assert.doesNotMatch(html, /<script|<link|<img|src=|https?:\/\//i);
  });

  it('allows exactly its own inline style sheet in the CSP, by hash', async () => {
    const { code } = await guestWithCode(ctx);
    const response = await page(code);
    const style = /<style>([\s\S]*?)<\/style>/.exec(response.body)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    assert.match(
      String(response.headers['content-security-policy']),
      new RegExp(`style-src 'sha256-${hash.replace(/[+/]/g, '\\$&')}'`),
    );
  });

  it('shows the email when this organization has no name for the guest', async () => {
    const { guest, code } = await guestWithCode(ctx);
    assert.match((await page(code)).body, new RegExp(`<h1>Hello, ${guest.email.replace(/\./g, '\\.')}</h1>`));
  });

  it('escapes every value it shows: guest and organization names are data', async () => {
    const other = await createOrgWithMembers(ctx.admin, '<b>Evil & "Co"</b>', 'evil');
    const { code } = await guestWithCode(
      ctx,
      { first_name: '<script>alert(1)</script>', last_name: '"><img src=x onerror=alert(2)>' },
      other.tokens.admin,
      other.orgId,
    );
    const html = (await page(code)).body;
    assert.doesNotMatch(html, /<script|<img|<b>/);
    assert.match(html, /<p class="org">&#60;b&#62;Evil &#38; &#34;Co&#34;&#60;\/b&#62;<\/p>/);
    assert.match(
      html,
      /Hello, &#60;script&#62;alert\(1\)&#60;\/script&#62; &#34;&#62;&#60;img src=x onerror=alert\(2\)&#62;/,
    );
  });

  it('lists tasks, escaped, once there are any', () => {
    const html = tasksSection([
      { title: '<Sign> the contract', deadline: '2025-01-15 10:30:00' },
      { title: 'Upload files', deadline: null },
    ]);
    assert.match(
      html,
      /<li>&#60;Sign&#62; the contract <span class="hint">\(due <time datetime="2025-01-15T10:30:00Z">2025-01-15 10:30:00 UTC<\/time>\)<\/span><\/li><li>Upload files<\/li>/,
    );
    assert.doesNotMatch(html, /No tasks yet/);
  });

  it('records the access: time and address; location headers are ignored without TRUST_PROXY', async () => {
    const { guest, code } = await guestWithCode(ctx);
    assert.equal((await recordOf(ctx, code)).last_accessed_at, null);
    const before = new Date(Date.now() - 2000).toISOString().slice(0, 19).replace('T', ' ');
    const response = await page(code, { 'cf-ipcountry': 'DE', 'x-city': 'Berlin', 'x-forwarded-for': '203.0.113.9' });
    assert.equal(response.statusCode, 200);
    const record = await recordOf(ctx, code);
    assert.ok(record.last_accessed_at && record.last_accessed_at >= before, `recorded now: ${record.last_accessed_at}`);
    assert.equal(record.last_known_ip, '127.0.0.1');
    assert.equal(record.last_known_country, null);
    assert.equal(record.last_city, null);
    // The admin API shows it.
    const admin = (await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))).json().data;
    assert.equal(admin.last_accessed_at, record.last_accessed_at);
    assert.equal(admin.details.last_accessed_at, record.last_accessed_at);
    assert.equal(admin.last_known_ip, '127.0.0.1');
  });

  it('HEAD answers like GET but records nothing (link checkers are not the guest)', async () => {
    const { code } = await guestWithCode(ctx);
    const response = await ctx.app.inject({ method: 'HEAD', url: `/guest/${code}` });
    assert.equal(response.statusCode, 200);
    assertPageHeaders(response);
    assert.equal((await recordOf(ctx, code)).last_accessed_at, null);
  });

  it('shows the saved days and preferences in the form', async () => {
    const { code } = await guestWithCode(ctx, { cadence_days: ['Tuesday', 'Friday'] });
    await ctx.app.inject({
      method: 'POST',
      url: `/api/guest/${code}/preferences`,
      payload: { slug: 'content_language', value: 'pt-br' },
    });
    await ctx.app.inject({
      method: 'POST',
      url: `/api/guest/${code}/preferences`,
      payload: { slug: 'app_language', value: 'sr-Latn' },
    });
    await ctx.app.inject({
      method: 'POST',
      url: `/api/guest/${code}/preferences`,
      payload: { slug: 'daily_digest', value: false },
    });
    const html = (await page(code)).body;
    assert.match(html, /value="Tuesday" checked>/);
    assert.match(html, /value="Friday" checked>/);
    assert.match(html, /value="Monday">/);
    assert.match(html, /id="daily_digest" name="daily_digest" value="on"><label/);
    assert.match(
      html,
      /<select id="content_language" name="content_language">[^]*?<option value="pt-BR" lang="pt-BR" selected>/,
    );
    // A tag set through the API that the list does not offer is still shown, selected.
    assert.match(
      html,
      /<select id="app_language" name="app_language">[^]*?<option value="sr-Latn" lang="sr-Latn" selected>/,
    );
  });

  describe('the form', () => {
    it('saves days and preferences, then redirects (303) to the page, which says so', async () => {
      const { guest, code } = await guestWithCode(ctx);
      const response = await post(
        code,
        form([
          ['cadence_days', 'Friday'],
          ['cadence_days', 'Monday'],
          ['content_language', 'de'],
          ['app_language', ''],
        ]),
      );
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, `/guest/${code}?saved=1`);
      assertPageHeaders(response);
      // Weekday order, whatever order the browser sent.
      assert.equal((await recordOf(ctx, code)).cadence_days, JSON.stringify(['Monday', 'Friday']));
      const prefs = (await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}/preferences` })).json().data;
      assert.deepEqual(
        prefs.map((p: { slug: string; value: unknown }) => [p.slug, p.value]),
        [
          ['daily_digest', false],
          ['task_reminders', false],
          ['content_language', 'de'],
          ['app_language', null],
        ],
      );
      const after = await page(code, {}, '?saved=1');
      assert.match(after.body, /<p class="notice" role="status">Saved\./);
      assert.match(after.body, /value="Monday" checked>/);
      assert.doesNotMatch((await page(code)).body, /role="status"/);
      const admin = (await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))).json().data;
      assert.deepEqual(admin.details.cadence_days, ['Monday', 'Friday']);
    });

    it('no day ticked clears the days; the digest box ticked keeps the digest on', async () => {
      const { code } = await guestWithCode(ctx, { cadence_days: ['Sunday'] });
      const response = await post(code, form([['daily_digest', 'on']]));
      assert.equal(response.statusCode, 303);
      assert.equal((await recordOf(ctx, code)).cadence_days, null);
      const prefs = (await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}/preferences` })).json().data;
      assert.equal(prefs[0].value, true);
    });

    it('the reminders box ticked keeps reminders on; unticked turns them off, and the page shows it', async () => {
      const { code } = await guestWithCode(ctx);
      const reminders = async () =>
        (await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}/preferences` }))
          .json()
          .data.find((p: { slug: string }) => p.slug === 'task_reminders').value;
      assert.equal((await post(code, form([['task_reminders', 'on']]))).statusCode, 303);
      assert.equal(await reminders(), true);
      assert.equal((await post(code, form([['daily_digest', 'on']]))).statusCode, 303);
      assert.equal(await reminders(), false);
      assert.match((await page(code)).body, /id="task_reminders" name="task_reminders" value="on"><label/);
    });

    for (const [name, pairs, field, message] of [
      ['an unknown day', [['cadence_days', 'Funday']], 'cadence_days', /Choose days from Monday to Sunday only\./],
      [
        'a day twice',
        [
          ['cadence_days', 'Monday'],
          ['cadence_days', 'Monday'],
        ],
        'cadence_days',
        /Monday was chosen more than once/,
      ],
      [
        'a language that is not a tag',
        [
          ['cadence_days', 'Monday'],
          ['content_language', 'not a language'],
        ],
        'content_language',
        /Choose a language of task content from the list\./,
      ],
      ['an unexpected digest value', [['daily_digest', 'maybe']], 'daily_digest', /unexpected value/],
      ['an unexpected reminders value', [['task_reminders', 'yes']], 'task_reminders', /unexpected value/],
      [
        'a field the page does not know',
        [
          ['cadence_days', 'Monday'],
          ['is_admin', 'true'],
        ],
        'form',
        /a field this page does not know/,
      ],
    ] as const) {
      it(`422 for ${name}: the form again, with an accessible error, and nothing saved`, async () => {
        const { code } = await guestWithCode(ctx, { cadence_days: ['Sunday'] });
        const response = await post(code, form(pairs.map(([k, v]) => [k, v])));
        assert.equal(response.statusCode, 422);
        assertPageHeaders(response);
        const html = response.body;
        assert.match(html, /<title>Error: Acme — your guest page<\/title>/);
        assert.match(
          html,
          /<div class="problem" role="alert" aria-labelledby="problem-heading"><h2 id="problem-heading">Your settings were not saved<\/h2>/,
        );
        assert.match(html, message);
        if (field !== 'form') assert.match(html, new RegExp(`<p class="field-error" id="${field}-error">`));
        if (field === 'cadence_days') assert.match(html, /<fieldset aria-describedby="days-hint cadence_days-error">/);
        if (field === 'content_language')
          assert.match(
            html,
            /<select id="content_language" name="content_language" aria-invalid="true" aria-describedby="content_language-error">/,
          );
        assert.doesNotMatch(html, /role="status"/);
        const record = await recordOf(ctx, code);
        assert.equal(record.cadence_days, JSON.stringify(['Sunday']));
        const stored = await ctx.db.kysely
          .selectFrom('guest_preferences')
          .selectAll()
          .where('organization_guest_id', '=', record.id)
          .execute();
        assert.deepEqual(stored, []);
      });
    }

    it('keeps what the guest ticked when it shows the form again', async () => {
      const { code } = await guestWithCode(ctx);
      const html = (
        await post(
          code,
          form([
            ['cadence_days', 'Wednesday'],
            ['cadence_days', 'Funday'],
          ]),
        )
      ).body;
      assert.match(html, /value="Wednesday" checked>/);
      assert.match(html, /value="Monday">/);
    });

    it('takes its own form encoding only: JSON is 415, as an HTML page', async () => {
      const { code } = await guestWithCode(ctx);
      const response = await post(code, JSON.stringify({ cadence_days: ['Monday'] }), {
        'content-type': 'application/json',
      });
      assert.equal(response.statusCode, 415);
      assertPageHeaders(response);
      assert.match(response.body, /<h1>The form could not be read<\/h1>/);
      assert.equal((await recordOf(ctx, code)).cadence_days, null);
    });

    it('a POST without a form is 400, as an HTML page, and clears nothing', async () => {
      const { code } = await guestWithCode(ctx, { cadence_days: ['Sunday'] });
      const response = await ctx.app.inject({ method: 'POST', url: `/guest/${code}` });
      assert.equal(response.statusCode, 400);
      assertPageHeaders(response);
      assert.match(response.body, /<h1>The form could not be read<\/h1>/);
      assert.equal((await recordOf(ctx, code)).cadence_days, JSON.stringify(['Sunday']));
    });

    it('refuses a body larger than a form can be: 413, as an HTML page', async () => {
      const { code } = await guestWithCode(ctx);
      const response = await post(
        code,
        form([
          ['cadence_days', 'Monday'],
          ['app_language', 'x'.repeat(5000)],
        ]),
      );
      assert.equal(response.statusCode, 413);
      assertPageHeaders(response);
      assert.match(response.body, /<h1>The form is too large<\/h1>/);
    });

    it('refuses control characters: 422, as an HTML page', async () => {
      const { code } = await guestWithCode(ctx);
      const response = await post(code, 'cadence_days=Mon%00day');
      assert.equal(response.statusCode, 422);
      assertPageHeaders(response);
      assert.match(response.body, /<h1>The request could not be used<\/h1>/);
    });
  });
});
