/**
 * The guest JSON API (docs/guest-side.md): the guest's own record, digest days and preferences,
 * each rule and each error; answered under /api only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { guestWithCode, recordOf } from './portal-helpers.js';

describe('the guest JSON API', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const api = (
    method: 'GET' | 'PUT' | 'POST',
    code: string,
    suffix = '',
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    ctx.app.inject({
      method,
      url: `/api/guest/${code}${suffix}`,
      headers,
      ...(payload !== undefined && { payload: payload as string }),
    });

  function assertValidation(
    response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    field: string,
    message: RegExp,
  ): void {
    assert.equal(response.statusCode, 422);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const body = response.json() as { code: string; errors: Record<string, string[]> };
    assert.equal(body.code, 'VALIDATION_FAILED');
    assert.ok(body.errors[field], `errors name ${field}: ${JSON.stringify(body.errors)}`);
    assert.match(body.errors[field]?.join(' ') ?? '', message);
  }

  describe('GET /api/guest/{code}', () => {
    it("the guest's own profile in this organization and the organization, nothing more", async () => {
      const { guest, code } = await guestWithCode(ctx, {
        first_name: 'Grace',
        last_name: 'Hopper',
        company_name: 'Navy',
        phone_1: '+1 555 0100',
        timezone: 'America/New_York',
        cadence_days: ['Monday'],
        status: 'Internal note: slow payer',
        associated_members: [ctx.members.admin],
      });
      const response = await api('GET', code);
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.deepEqual(response.json(), {
        data: {
          guest: {
            id: guest.id,
            email: guest.email,
            first_name: 'Grace',
            last_name: 'Hopper',
            created_at: guest.created_at,
            details: {
              company_name: 'Navy',
              phone_1: '+1 555 0100',
              phone_2: null,
              timezone: 'America/New_York',
              cadence_days: ['Monday'],
            },
          },
          organization: { id: ctx.orgId, name: 'Acme' },
        },
      });
      // The organization's own notes and member ids never reach the guest.
      assert.doesNotMatch(response.body, /slow payer|associated_members|disabled_by|last_known_ip/);
    });

    it('is not recorded as an access (only opening the page is)', async () => {
      const { code } = await guestWithCode(ctx);
      assert.equal((await api('GET', code)).statusCode, 200);
      assert.equal((await recordOf(ctx, code)).last_accessed_at, null);
    });

    it('answers under /api only: /guest/{code} is the page', async () => {
      const { code } = await guestWithCode(ctx);
      const page = await ctx.app.inject({ method: 'GET', url: `/guest/${code}/preferences` });
      assert.equal(page.statusCode, 404);
      assert.equal(page.json().code, 'ENDPOINT_NOT_FOUND');
      assert.match(
        String((await ctx.app.inject({ method: 'GET', url: `/guest/${code}` })).headers['content-type']),
        /^text\/html/,
      );
    });

    it('is documented under the /api server only, without bearer security', async () => {
      const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      for (const [path, method] of [
        ['/guest/{guest_code}', 'get'],
        ['/guest/{guest_code}/cadence_days', 'put'],
        ['/guest/{guest_code}/preferences', 'get'],
        ['/guest/{guest_code}/preferences', 'post'],
      ]) {
        const op = doc.paths[path as string][method as string];
        assert.deepEqual(op.tags, ['Guest side'], `${method} ${path}`);
        assert.deepEqual(
          op.servers.map((s: { url: string }) => s.url),
          ['http://guests.test/api'],
          `${method} ${path}`,
        );
        assert.deepEqual(op.security, [], `${method} ${path}`);
      }
      assert.equal(doc.paths['/api/guest/{guest_code}'], undefined);
    });

    it('needs no bearer token, and a token changes nothing', async () => {
      const { code } = await guestWithCode(ctx);
      assert.equal((await call(ctx, null, 'GET', `/api/guest/${code}`)).statusCode, 200);
      assert.equal((await call(ctx, 'not-a-token', 'GET', `/api/guest/${code}`)).statusCode, 200);
    });
  });

  describe('PUT /api/guest/{code}/cadence_days', () => {
    it('sets the days: 200 with the updated profile, visible to the organization', async () => {
      const { guest, code } = await guestWithCode(ctx);
      const response = await api('PUT', code, '/cadence_days', { cadence_days: ['Saturday', 'Monday'] });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json().data.guest.details.cadence_days, ['Saturday', 'Monday']);
      assert.deepEqual(response.json().data.organization, { id: ctx.orgId, name: 'Acme' });
      const admin = (await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))).json().data;
      assert.deepEqual(admin.details.cadence_days, ['Saturday', 'Monday']);
      assert.deepEqual((await api('GET', code)).json().data.guest.details.cadence_days, ['Saturday', 'Monday']);
    });

    for (const [name, value] of [
      ['[]', []],
      ['null', null],
      ['""', ''],
    ] as const) {
      it(`${name} clears the days`, async () => {
        const { code } = await guestWithCode(ctx, { cadence_days: ['Monday'] });
        const response = await api('PUT', code, '/cadence_days', { cadence_days: value });
        assert.equal(response.statusCode, 200);
        assert.equal(response.json().data.guest.details.cadence_days, null);
        assert.equal((await recordOf(ctx, code)).cadence_days, null);
      });
    }

    for (const [name, body, field, message] of [
      [
        'an unknown day',
        { cadence_days: ['Monday', 'Funday'] },
        'cadence_days.1',
        /The selected cadence_days\.1 is invalid\./,
      ],
      ['a lower-case day', { cadence_days: ['monday'] }, 'cadence_days.0', /is invalid/],
      ['a repeated day', { cadence_days: ['Monday', 'Monday'] }, 'cadence_days', /duplicate/],
      ['a string instead of a list', { cadence_days: 'Monday' }, 'cadence_days', /must be an array/],
      ['a missing field', {}, 'cadence_days', /The cadence_days field is required\./],
      ['a body that is not an object', ['Monday'], 'body', /JSON object/],
    ] as const) {
      it(`422 for ${name}, naming the field; nothing saved`, async () => {
        const { code } = await guestWithCode(ctx, { cadence_days: ['Sunday'] });
        assertValidation(await api('PUT', code, '/cadence_days', body), field, message);
        assert.equal((await recordOf(ctx, code)).cadence_days, JSON.stringify(['Sunday']));
      });
    }

    it('400 for a body that is not JSON, 415 for another media type', async () => {
      const { code } = await guestWithCode(ctx);
      const broken = await api('PUT', code, '/cadence_days', '{"cadence_days": [', {
        'content-type': 'application/json',
      });
      assert.equal(broken.statusCode, 400);
      assert.equal(broken.json().code, 'INVALID_JSON');
      const text = await api('PUT', code, '/cadence_days', 'cadence_days=Monday', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(text.statusCode, 415);
      assert.equal(text.json().code, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('preferences', () => {
    it('GET lists every preference with its default while unset', async () => {
      const { code } = await guestWithCode(ctx);
      const response = await api('GET', code, '/preferences');
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), {
        data: [
          { slug: 'daily_digest', value: true, updated_at: null },
          { slug: 'task_reminders', value: true, updated_at: null },
          { slug: 'content_language', value: null, updated_at: null },
          { slug: 'app_language', value: null, updated_at: null },
        ],
      });
    });

    it('POST saves one and answers it; GET shows it; a second POST replaces it', async () => {
      const { code } = await guestWithCode(ctx);
      const first = await api('POST', code, '/preferences', { slug: 'daily_digest', value: false });
      assert.equal(first.statusCode, 200);
      const saved = first.json().data;
      assert.equal(saved.slug, 'daily_digest');
      assert.equal(saved.value, false);
      assert.match(saved.updated_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.deepEqual((await api('GET', code, '/preferences')).json().data[0], saved);
      const second = await api('POST', code, '/preferences', { slug: 'daily_digest', value: true });
      assert.equal(second.json().data.value, true);
      const rows = await ctx.db.kysely
        .selectFrom('guest_preferences')
        .selectAll()
        .where('organization_guest_id', '=', (await recordOf(ctx, code)).id)
        .execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.value, 'true');
    });

    it('stores language tags in canonical form; null and "" go back to the default', async () => {
      const { code } = await guestWithCode(ctx);
      assert.equal(
        (await api('POST', code, '/preferences', { slug: 'content_language', value: 'EN-us' })).json().data.value,
        'en-US',
      );
      assert.equal(
        (await api('POST', code, '/preferences', { slug: 'app_language', value: ' zh-hant-tw ' })).json().data.value,
        'zh-Hant-TW',
      );
      let prefs = (await api('GET', code, '/preferences')).json().data;
      assert.equal(prefs[2].value, 'en-US');
      assert.equal(prefs[3].value, 'zh-Hant-TW');
      assert.equal(
        (await api('POST', code, '/preferences', { slug: 'content_language', value: null })).json().data.value,
        null,
      );
      assert.equal(
        (await api('POST', code, '/preferences', { slug: 'app_language', value: '' })).json().data.value,
        null,
      );
      prefs = (await api('GET', code, '/preferences')).json().data;
      assert.equal(prefs[2].value, null);
      assert.equal(prefs[3].value, null);
    });

    for (const [name, body, field, message] of [
      ['an unknown slug', { slug: 'dark_mode', value: true }, 'slug', /The selected slug is invalid\./],
      ['a missing slug', { value: true }, 'slug', /required/],
      ['a missing value', { slug: 'daily_digest' }, 'value', /required/],
      ['a non-boolean digest', { slug: 'daily_digest', value: 'yes' }, 'value', /true or false/],
      ['a null digest', { slug: 'daily_digest', value: null }, 'value', /true or false/],
      [
        'a non-boolean reminders switch',
        { slug: 'task_reminders', value: 1 },
        'value',
        /task_reminders must be true or false/,
      ],
      ['a language that is not a tag', { slug: 'content_language', value: 'english please' }, 'value', /BCP 47/],
      ['an underscore tag', { slug: 'app_language', value: 'en_US' }, 'value', /BCP 47/],
      ['a number as language', { slug: 'app_language', value: 42 }, 'value', /BCP 47/],
      ['an over-long tag', { slug: 'app_language', value: `en-${'a'.repeat(40)}` }, 'value', /BCP 47/],
    ] as const) {
      it(`422 for ${name}, naming the field; nothing saved`, async () => {
        const { code } = await guestWithCode(ctx);
        assertValidation(await api('POST', code, '/preferences', body), field, message);
        const rows = await ctx.db.kysely
          .selectFrom('guest_preferences')
          .selectAll()
          .where('organization_guest_id', '=', (await recordOf(ctx, code)).id)
          .execute();
        assert.deepEqual(rows, []);
      });
    }
  });

  describe('unknown fields', () => {
    it('are dropped and named in x-ignored-fields; the known ones are saved', async () => {
      const { code } = await guestWithCode(ctx, { cadence_days: ['Sunday'] });
      const days = await api('PUT', code, '/cadence_days', { cadence_days: ['Monday'], daily_digest: true });
      assert.equal(days.statusCode, 200, days.body);
      assert.equal(days.headers['x-ignored-fields'], 'daily_digest');
      assert.deepEqual(days.json().data.guest.details.cadence_days, ['Monday']);
      assert.equal((await recordOf(ctx, code)).cadence_days, JSON.stringify(['Monday']));

      const pref = await api('POST', code, '/preferences', {
        slug: 'daily_digest',
        value: false,
        organization_id: 'x',
      });
      assert.equal(pref.statusCode, 200, pref.body);
      assert.equal(pref.headers['x-ignored-fields'], 'organization_id');
      assert.equal(pref.json().data.value, false);
      assert.equal((await api('GET', code, '/preferences', undefined)).headers['x-ignored-fields'], undefined);
    });

    it('UNKNOWN_FIELDS=reject: 422 naming the field; nothing saved', async () => {
      const strict = await buildTestApp({ env: { UNKNOWN_FIELDS: 'reject' } });
      try {
        const { code } = await guestWithCode(strict, { cadence_days: ['Sunday'] });
        const send = (method: 'PUT' | 'POST', suffix: string, payload: unknown) =>
          strict.app.inject({ method, url: `/api/guest/${code}${suffix}`, payload: payload as string });
        assertValidation(
          await send('PUT', '/cadence_days', { cadence_days: ['Monday'], daily_digest: true }),
          'daily_digest',
          /not allowed/,
        );
        assert.equal((await recordOf(strict, code)).cadence_days, JSON.stringify(['Sunday']));
        assertValidation(
          await send('POST', '/preferences', { slug: 'daily_digest', value: true, organization_id: 'x' }),
          'organization_id',
          /not allowed/,
        );
        const rows = await strict.db.kysely
          .selectFrom('guest_preferences')
          .selectAll()
          .where('organization_guest_id', '=', (await recordOf(strict, code)).id)
          .execute();
        assert.deepEqual(rows, []);
      } finally {
        await strict.close();
      }
    });
  });
});
