/**
 * The leniency Tallyfy's clients (its SDK, CLI, n8n node and plain API clients) rely on:
 * X-Tallyfy-Client with any value or none, an empty JSON body read as no body, unknown fields and
 * query parameters dropped and named in `x-ignored-fields` (or refused with UNKNOWN_FIELDS=reject),
 * 201 for an update, 422 on the email for removing an address that is not a guest, every
 * orderable sort key, `limit` for `per_page` and `has_more_pages`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import {
  buildTestApp,
  call,
  createGuest,
  createOrgWithMembers,
  guestsUrl,
  uniqueEmail,
  type TestContext,
} from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { SORT_KEYS } from '../../src/guests/guest.schemas.js';
import { redactSecrets } from '../../src/core/log-redaction.js';

const IGNORED = 'x-ignored-fields';

/** A request as a client sends it: a bearer token and the headers given, nothing added. */
function send(
  ctx: TestContext,
  method: InjectOptions['method'],
  url: string,
  headers: Record<string, string> = {},
  payload?: string,
) {
  return ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ctx.tokens.admin}`, ...headers },
    ...(payload !== undefined && { payload }),
  });
}

/** n8n's transport: `Content-Type: application/json` with no body at all (or whitespace), no client header. */
function emptyJson(ctx: TestContext, method: InjectOptions['method'], url: string, payload = '') {
  return send(ctx, method, url, { 'content-type': 'application/json' }, payload);
}

/** The access log line of the request to `url` (the last one, when it was asked for more than once). */
async function accessLogOf(ctx: TestContext, method: string, url: string): Promise<Record<string, unknown>> {
  // The line is written when the response has gone out, which may be just after inject resolves.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const line = ctx.logs
      .filter((l) => {
        const req = l.req as { method?: string; url?: string } | undefined;
        // The log writes addresses as [email] (docs/conventions.md, "Caching and logs").
        return l.msg === 'request completed' && req?.method === method && req.url === redactSecrets(url);
      })
      .pop();
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`no access log line for ${method} ${url}`);
}

function data<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json<{ data: T }>().data;
}

interface GuestData {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  deleted_at: string | null;
  link: string | null;
  details: Record<string, unknown>;
}

describe("lenient input for Tallyfy's clients", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  describe('X-Tallyfy-Client', () => {
    it('by default: absent, TallyfySDK, n8n and APIClient are all accepted, for reads and writes', async () => {
      for (const client of [undefined, 'TallyfySDK', 'n8n', 'APIClient']) {
        const headers: Record<string, string> = client === undefined ? {} : { 'x-tallyfy-client': client };
        const label = client ?? 'absent';
        assert.equal((await send(ctx, 'GET', guestsUrl(ctx.orgId), headers)).statusCode, 200, label);
        const created = await send(
          ctx,
          'POST',
          guestsUrl(ctx.orgId),
          { ...headers, 'content-type': 'application/json' },
          JSON.stringify({ email: uniqueEmail('client') }),
        );
        assert.equal(created.statusCode, 201, `${label}: ${created.body}`);
      }
    });

    it('without a token it is still 401, whatever the header says', async () => {
      for (const headers of [{}, { 'x-tallyfy-client': 'APIClient' }]) {
        assertProblem(
          await ctx.app.inject({ method: 'GET', url: guestsUrl(ctx.orgId), headers }),
          401,
          'UNAUTHENTICATED',
        );
      }
    });

    it('REQUIRE_CLIENT_HEADER=true: absent (or empty) is 401 naming the header; any value is accepted', async () => {
      const strict = await buildTestApp({ env: { REQUIRE_CLIENT_HEADER: 'true' } });
      try {
        const absent = assertProblem(await send(strict, 'GET', guestsUrl(strict.orgId)), 401, 'UNAUTHENTICATED');
        assert.match(absent.message, /X-Tallyfy-Client/);
        assertProblem(
          await send(strict, 'GET', guestsUrl(strict.orgId), { 'x-tallyfy-client': '' }),
          401,
          'UNAUTHENTICATED',
          'empty',
        );
        for (const client of ['APIClient', 'TallyfySDK', 'n8n', 'anything at all']) {
          assert.equal(
            (await send(strict, 'GET', guestsUrl(strict.orgId), { 'x-tallyfy-client': client })).statusCode,
            200,
            client,
          );
        }
        // Nothing is written by a refused request.
        const email = uniqueEmail('refused');
        assertProblem(
          await send(
            strict,
            'POST',
            guestsUrl(strict.orgId),
            { 'content-type': 'application/json' },
            JSON.stringify({ email }),
          ),
          401,
          'UNAUTHENTICATED',
        );
        assert.equal(
          await strict.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst(),
          undefined,
        );
      } finally {
        await strict.close();
      }
    });
  });

  describe('an empty JSON body is no body', () => {
    it('disable, enable, reset-link, remove and GET answer as without a body', async () => {
      const guest = await createGuest(ctx);
      const disabled = await emptyJson(ctx, 'DELETE', guestsUrl(ctx.orgId, guest.email, '/disable'));
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.notEqual(data<GuestData>(disabled).details.disabled_at, null);
      const enabled = await emptyJson(ctx, 'PUT', guestsUrl(ctx.orgId, guest.email, '/enable'));
      assert.equal(enabled.statusCode, 200, enabled.body);
      assert.equal(data<GuestData>(enabled).details.disabled_at, null);
      const reset = await emptyJson(ctx, 'PUT', guestsUrl(ctx.orgId, guest.email, '/reset-link'));
      assert.equal(reset.statusCode, 200, reset.body);
      assert.equal((await emptyJson(ctx, 'GET', guestsUrl(ctx.orgId))).statusCode, 200, 'list');
      const got = await emptyJson(ctx, 'GET', guestsUrl(ctx.orgId, guest.email));
      assert.equal(got.statusCode, 200, got.body);
      const removed = await emptyJson(ctx, 'DELETE', guestsUrl(ctx.orgId, guest.email));
      assert.equal(removed.statusCode, 200, removed.body);
      assert.notEqual(data<GuestData>(removed).deleted_at, null);
    });

    it('whitespace only is empty too', async () => {
      const guest = await createGuest(ctx);
      for (const payload of [' ', '\n', ' \r\n\t ']) {
        const disabled = await emptyJson(ctx, 'DELETE', guestsUrl(ctx.orgId, guest.email, '/disable'), payload);
        assert.equal(disabled.statusCode, 200, `${JSON.stringify(payload)}: ${disabled.body}`);
        assert.equal(
          (await emptyJson(ctx, 'PUT', guestsUrl(ctx.orgId, guest.email, '/enable'), payload)).statusCode,
          200,
          JSON.stringify(payload),
        );
      }
    });

    it('guest -> member (201, the member object) and member -> guest (200)', async () => {
      const guest = await createGuest(ctx, { first_name: 'Conny', last_name: 'Verted' });
      const member = await emptyJson(ctx, 'POST', guestsUrl(ctx.orgId, guest.email, '/to/member'));
      assert.equal(member.statusCode, 201, member.body);
      const made = data<{ id: number; email: string; full_name: string; role: string; status: string }>(member);
      assert.deepEqual(
        [made.email, made.full_name, made.role, made.status],
        [guest.email, 'Conny Verted', 'standard', 'active'],
      );

      const back = await emptyJson(ctx, 'PUT', `/api/organizations/${ctx.orgId}/users/${made.id}/to/guest`);
      assert.equal(back.statusCode, 200, back.body);
      assert.equal(data<GuestData>(back).email, guest.email);
      assert.equal(data<GuestData>(back).id, guest.id);
    });

    it('an update without a body changes nothing (201); a create without one names the missing email', async () => {
      const guest = await createGuest(ctx, { first_name: 'Same', company_name: 'Same Co' });
      const updated = await emptyJson(ctx, 'PUT', guestsUrl(ctx.orgId, guest.email));
      assert.equal(updated.statusCode, 201, updated.body);
      assert.deepEqual(data(updated), guest);
      const created = assertProblem(await emptyJson(ctx, 'POST', guestsUrl(ctx.orgId)), 422, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(created.errors ?? {}), ['email']);
    });

    it('a body that is not empty must still be JSON', async () => {
      const guest = await createGuest(ctx);
      assertProblem(await emptyJson(ctx, 'PUT', guestsUrl(ctx.orgId, guest.email), '{'), 400, 'INVALID_JSON');
      assertProblem(await emptyJson(ctx, 'PUT', guestsUrl(ctx.orgId, guest.email), 'null x'), 400, 'INVALID_JSON');
    });
  });

  describe('unknown fields and query parameters are dropped and named', () => {
    it('create with {email, name, organization_id, phone}: 201, the header names them, the guest is as without them', async () => {
      const other = await createOrgWithMembers(ctx.admin, 'Other', `other${process.pid}`);
      const email = uniqueEmail('lenient');
      const url = guestsUrl(ctx.orgId);
      const response = await call(ctx, ctx.tokens.admin, 'POST', url, {
        email,
        name: 'Ada Lovelace',
        organization_id: other.orgId,
        phone: '+1 555 0100',
      });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.headers[IGNORED], 'name, organization_id, phone');
      const guest = data<GuestData>(response);
      assert.equal(guest.email, email);
      assert.deepEqual(
        [guest.first_name, guest.last_name, guest.details.phone_1, guest.details.phone_2],
        [null, null, null, null],
      );
      assert.doesNotMatch(response.body, /Lovelace|organization_id|"name"|"phone"/);
      // Stored in this organization only, exactly as read back.
      const records = await ctx.db.kysely
        .selectFrom('organization_guests')
        .select(['organization_id', 'first_name', 'phone_1'])
        .where('guest_id', '=', guest.id)
        .execute();
      assert.deepEqual(records, [{ organization_id: ctx.orgId, first_name: null, phone_1: null }]);
      assert.deepEqual(data(await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email))), guest);
      // The access log names them too, as sent.
      const line = await accessLogOf(ctx, 'POST', url);
      assert.deepEqual(line.ignoredFields, ['name', 'organization_id', 'phone']);
      assert.deepEqual(line.res, { statusCode: 201 });
    });

    it('no header and no ignoredFields in the log when nothing was ignored', async () => {
      const url = `${guestsUrl(ctx.orgId)}?per_page=1&sort=-name`;
      const response = await call(ctx, ctx.tokens.admin, 'GET', url);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers[IGNORED], undefined);
      assert.equal((await accessLogOf(ctx, 'GET', url)).ignoredFields, undefined);
    });

    it('update: unknown fields are dropped, the known ones saved (201)', async () => {
      const guest = await createGuest(ctx, { first_name: 'Before' });
      const response = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        first_name: 'After',
        nickname: 'x',
        name: 'y',
      });
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.headers[IGNORED], 'nickname, name');
      assert.equal(data<GuestData>(response).first_name, 'After');
    });

    it('unknown query parameters are named as query.<name> on list and get; body fields come first', async () => {
      const guest = await createGuest(ctx);
      const list = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?per_page=2&x=1&utm_source=n8n`);
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(list.headers[IGNORED], 'query.x, query.utm_source');
      assert.equal(list.json().meta.pagination.per_page, 2, 'the known parameters still apply');
      const getUrl = `${guestsUrl(ctx.orgId, guest.email)}?with=stats&foo=bar`;
      const got = await call(ctx, ctx.tokens.admin, 'GET', getUrl);
      assert.equal(got.statusCode, 200, got.body);
      assert.equal(got.headers[IGNORED], 'query.foo');
      assert.ok(data<{ stats?: unknown }>(got).stats, 'with=stats still applies');
      assert.deepEqual((await accessLogOf(ctx, 'GET', getUrl)).ignoredFields, ['query.foo']);
      // A route that takes no query parameters knows none.
      const removed = await call(ctx, ctx.tokens.admin, 'DELETE', `${guestsUrl(ctx.orgId, guest.email)}?force=true`);
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal(removed.headers[IGNORED], 'query.force');
      const both = await call(ctx, ctx.tokens.admin, 'POST', `${guestsUrl(ctx.orgId)}?dry_run=1`, {
        email: uniqueEmail(),
        nickname: 'x',
      });
      assert.equal(both.statusCode, 201, both.body);
      assert.equal(both.headers[IGNORED], 'nickname, query.dry_run');
    });

    it('bulk items: named by position', async () => {
      const items = [
        { email: uniqueEmail() },
        { email: uniqueEmail() },
        { email: uniqueEmail() },
        { email: uniqueEmail(), phone: '1' },
      ];
      const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId, undefined, '/bulk'), items);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers[IGNORED], '3.phone');
      assert.deepEqual(
        response.json().data.map((o: { status: number }) => o.status),
        [201, 201, 201, 201],
      );
    });

    it('field names are percent-encoded in the header: no header injection, no 500', async () => {
      const hostile = ['a\r\nb', 'x-injected: 1\r\n\r\n<html>', 'prénom', 'имя', '😀', 'a b,c', '%', ''];
      const body: Record<string, unknown> = { email: uniqueEmail('hostile') };
      for (const name of hostile) body[name] = 1;
      const url = `${guestsUrl(ctx.orgId)}?a%0D%0Ab=1&%C3%A9t%C3%A9=2`;
      const response = await call(ctx, ctx.tokens.admin, 'POST', url, body);
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.headers['x-injected'], undefined);
      const header = String(response.headers[IGNORED]);
      assert.match(header, /^[\x21-\x7e ]+$/, 'printable ASCII only');
      assert.equal(
        header,
        'a%0D%0Ab, x-injected%3A%201%0D%0A%0D%0A%3Chtml%3E, pr%C3%A9nom, %D0%B8%D0%BC%D1%8F, %F0%9F%98%80, a%20b%2Cc, %25, , query.a%0D%0Ab, query.%C3%A9t%C3%A9',
      );
      const names = header.split(', ').map((name) => decodeURIComponent(name));
      assert.deepEqual(names, [...hostile, 'query.a\r\nb', 'query.été']);
      // The log keeps them as sent (JSON escapes them).
      assert.deepEqual((await accessLogOf(ctx, 'POST', url)).ignoredFields, names);
      assert.ok(
        await ctx.db.kysely
          .selectFrom('guests')
          .select('id')
          .where('email', '=', body.email as string)
          .executeTakeFirst(),
        'the guest was created',
      );
    });

    it('a field name with a lone surrogate is dropped too, named as U+FFFD, not a 500', async () => {
      const email = uniqueEmail('surrogate');
      const response = await send(
        ctx,
        'POST',
        guestsUrl(ctx.orgId),
        { 'content-type': 'application/json' },
        `{"email":"${email}","\\ud800":1}`,
      );
      assert.equal(response.statusCode, 201, `${response.statusCode} ${response.body}`);
      assert.equal(response.headers[IGNORED], encodeURIComponent('\uFFFD'));
    });

    it('more than 20: the header lists 20 and counts the rest; the log keeps up to 50', async () => {
      const names = (count: number) => Array.from({ length: count }, (_, i) => `f${String(i + 1).padStart(2, '0')}`);
      const body = (count: number) => ({
        email: uniqueEmail('many'),
        ...Object.fromEntries(names(count).map((name) => [name, 1])),
      });

      const twenty = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), body(20));
      assert.equal(twenty.headers[IGNORED], names(20).join(', '), 'exactly 20: no count');

      const url = `${guestsUrl(ctx.orgId)}?n=25`;
      const response = await call(ctx, ctx.tokens.admin, 'POST', url, body(25));
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.headers[IGNORED], `${names(20).join(', ')}, ...(6 more)`, '25 fields and query.n');
      assert.deepEqual((await accessLogOf(ctx, 'POST', url)).ignoredFields, [...names(25), 'query.n']);

      const manyUrl = `${guestsUrl(ctx.orgId)}?n=60`;
      const many = await call(ctx, ctx.tokens.admin, 'POST', manyUrl, body(60));
      assert.equal(many.statusCode, 201, many.body);
      assert.equal(many.headers[IGNORED], `${names(20).join(', ')}, ...(41 more)`);
      assert.deepEqual((await accessLogOf(ctx, 'POST', manyUrl)).ignoredFields, names(50));
    });

    it('the HTML guest page has no schema and is untouched', async () => {
      const guest = await createGuest(ctx);
      const page = await ctx.app.inject({
        method: 'GET',
        url: `${new URL(String(guest.link)).pathname}?utm_source=mail`,
      });
      assert.equal(page.statusCode, 200, page.body.slice(0, 300));
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.equal(page.headers[IGNORED], undefined);
    });
  });

  describe('UNKNOWN_FIELDS=reject', () => {
    let strict: TestContext;
    before(async () => {
      strict = await buildTestApp({ env: { UNKNOWN_FIELDS: 'reject' } });
    });
    after(() => strict.close());

    const message = (field: string) => `The ${field} field is not allowed: this endpoint does not know it.`;

    it('create: 422 naming each unknown field; nothing is written', async () => {
      const email = uniqueEmail('strict');
      const response = await call(strict, strict.tokens.admin, 'POST', guestsUrl(strict.orgId), {
        email,
        name: 'Ada',
        organization_id: strict.orgId,
        phone: '1',
      });
      const body = assertProblem(response, 422, 'VALIDATION_FAILED');
      assert.deepEqual(body.errors, {
        name: [message('name')],
        organization_id: [message('organization_id')],
        phone: [message('phone')],
      });
      assert.equal(response.headers[IGNORED], undefined);
      assert.equal(
        await strict.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst(),
        undefined,
      );
    });

    it('update: 422, the guest unchanged; query parameters are still only dropped and named', async () => {
      const guest = await createGuest(strict, { first_name: 'Kept' });
      const update = await call(strict, strict.tokens.admin, 'PUT', guestsUrl(strict.orgId, guest.email), {
        first_name: 'Changed',
        nickname: 'x',
      });
      assert.deepEqual(assertProblem(update, 422, 'VALIDATION_FAILED').errors, { nickname: [message('nickname')] });
      assert.deepEqual(
        data(await call(strict, strict.tokens.admin, 'GET', guestsUrl(strict.orgId, guest.email))),
        guest,
      );

      // A cache-busting or tracking parameter must not break a request (or a health probe).
      const list = await call(strict, strict.tokens.admin, 'GET', `${guestsUrl(strict.orgId)}?x=1`);
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(list.headers[IGNORED], 'query.x');
      const probe = await strict.app.inject({ method: 'GET', url: '/health/live?nocache=1' });
      assert.equal(probe.statusCode, 200, probe.body);
      const both = await call(strict, strict.tokens.admin, 'POST', `${guestsUrl(strict.orgId)}?dry_run=1`, {
        email: uniqueEmail(),
        nickname: 'x',
      });
      assert.deepEqual(Object.keys(assertProblem(both, 422, 'VALIDATION_FAILED').errors ?? {}), ['nickname']);
    });

    it('known fields and empty bodies are accepted as in the default mode', async () => {
      const guest = await createGuest(strict, { first_name: 'Known' });
      assert.equal(guest.first_name, 'Known');
      const listed = await call(strict, strict.tokens.admin, 'GET', `${guestsUrl(strict.orgId)}?limit=1&sort=name`);
      assert.equal(listed.statusCode, 200, listed.body);
      assert.equal(listed.headers[IGNORED], undefined);
      assert.equal(
        (await emptyJson(strict, 'DELETE', guestsUrl(strict.orgId, guest.email, '/disable'))).statusCode,
        200,
      );
      assert.equal((await emptyJson(strict, 'PUT', guestsUrl(strict.orgId, guest.email, '/enable'))).statusCode, 200);
    });

    it('the HTML guest page is untouched', async () => {
      const guest = await createGuest(strict);
      const page = await strict.app.inject({
        method: 'GET',
        url: `${new URL(String(guest.link)).pathname}?utm_source=mail`,
      });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
    });
  });

  describe('update and remove answer as Tallyfy documents', () => {
    it('update: 201 with the guest', async () => {
      const guest = await createGuest(ctx, { first_name: 'Old' });
      const response = await call(ctx, ctx.tokens.standard, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        first_name: 'New',
      });
      assert.equal(response.statusCode, 201, response.body);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const updated = data<GuestData>(response);
      assert.deepEqual({ ...updated, first_name: 'Old' }, guest);
    });

    it('remove: 422 on the email for an unknown, an already removed and a never-a-guest address; nothing changes', async () => {
      const other = await createOrgWithMembers(ctx.admin, 'Elsewhere', `elsewhere${process.pid}`);
      const removed = await createGuest(ctx);
      assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, removed.email))).statusCode, 200);
      const elsewhere = await createGuest(ctx, {}, other.tokens.admin, other.orgId);
      const cases: Array<[string, string]> = [
        ['unknown', uniqueEmail('never')],
        ['already removed', removed.email],
        ['a member, never a guest', 'acme-admin@members.test'],
        ['a guest of another organization only', elsewhere.email],
        ['another case of the removed one', removed.email.toUpperCase()],
      ];
      for (const [label, email] of cases) {
        const body = assertProblem(
          await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, email)),
          422,
          'VALIDATION_FAILED',
          label,
        );
        assert.deepEqual(Object.keys(body.errors ?? {}), ['email'], label);
        assert.match(body.errors?.email?.[0] ?? '', /not a guest of this organization/, label);
      }
      // The other organization's guest is still theirs, link and all.
      assert.deepEqual(
        data(await call(ctx, other.tokens.admin, 'GET', guestsUrl(other.orgId, elsewhere.email))),
        elsewhere,
      );
      // Get and update still answer 404 for such an address.
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, removed.email)),
        404,
        'RESOURCE_NOT_FOUND',
      );
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, removed.email), { first_name: 'x' }),
        404,
        'RESOURCE_NOT_FOUND',
      );
    });
  });

  describe('list: sort keys, limit and has_more_pages', () => {
    let list: TestContext;
    /** Label -> email, in the order the guests joined the list's organization. */
    const emails: Record<string, string> = {};
    let labelOf: Map<string, string>;

    before(async () => {
      list = await buildTestApp();
      // g7 is a guest of another organization first: the smallest global id, but joined here last.
      const other = await createOrgWithMembers(list.admin, 'First', `first${process.pid}`);
      const early = uniqueEmail('g7');
      await createGuest(list, { email: early }, other.tokens.admin, other.orgId);
      const profiles: Array<[string, Record<string, unknown>]> = [
        ['g1', { first_name: 'bob', last_name: 'Zed', company_name: 'acme' }],
        ['g2', { first_name: 'Alice', last_name: 'Young' }],
        ['g3', { first_name: 'alice', last_name: 'Baker', company_name: 'Beta' }],
        ['g4', { last_name: 'Nobody', company_name: 'zeta' }],
        ['g5', { first_name: 'Dana', company_name: 'Alpha' }],
        ['g6', { first_name: 'dana', last_name: 'Smith' }],
        ['g7', { email: early, first_name: 'Zoe', last_name: 'Early', company_name: 'Delta' }],
      ];
      for (const [label, profile] of profiles) {
        emails[label] = (await createGuest(list, { email: uniqueEmail(label), ...profile })).email;
      }
      labelOf = new Map(Object.entries(emails).map(([label, email]) => [email, label]));
      // Dates the API does not set directly: written in an order unlike the creation order.
      const set = async (label: string, values: { updated_at?: string; last_accessed_at?: string }) => {
        const guest = await list.db.kysely
          .selectFrom('guests')
          .select('id')
          .where('email', '=', emails[label] as string)
          .executeTakeFirstOrThrow();
        await list.db.kysely
          .updateTable('organization_guests')
          .set(values)
          .where('organization_id', '=', list.orgId)
          .where('guest_id', '=', guest.id)
          .execute();
      };
      const updated = ['g4', 'g2', 'g7', 'g1', 'g6', 'g3', 'g5'];
      for (const [i, label] of updated.entries()) await set(label, { updated_at: `2025-01-01 00:00:0${i + 1}` });
      await set('g1', { last_accessed_at: '2025-02-01 00:00:00' });
      await set('g2', { last_accessed_at: '2025-03-01 10:00:00' });
      await set('g5', { last_accessed_at: '2025-03-02 10:00:00' });
    });
    after(() => list.close());

    const get = (query: string) => call(list, list.tokens.light, 'GET', `${guestsUrl(list.orgId)}${query}`);
    const order = async (query: string) => {
      const response = await get(query);
      assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
      return response.json<{ data: GuestData[] }>().data.map((g) => labelOf.get(g.email));
    };

    const EXPECTED: Array<[string, string[]]> = [
      ['', ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7']],
      // First name, then last name, without regard to case; a missing part sorts last in both directions.
      ['name', ['g3', 'g2', 'g1', 'g6', 'g5', 'g7', 'g4']],
      ['-name', ['g7', 'g6', 'g5', 'g1', 'g2', 'g3', 'g4']],
      ['updated_at', ['g4', 'g2', 'g7', 'g1', 'g6', 'g3', 'g5']],
      ['-updated_at', ['g5', 'g3', 'g6', 'g1', 'g7', 'g2', 'g4']],
      // Without regard to case, nulls last; ties (g2 and g6 have none) by record id, in the sort's direction.
      ['company_name', ['g1', 'g5', 'g3', 'g7', 'g4', 'g2', 'g6']],
      ['-company_name', ['g4', 'g7', 'g3', 'g5', 'g1', 'g6', 'g2']],
      ['last_accessed_at', ['g1', 'g2', 'g5', 'g3', 'g4', 'g6', 'g7']],
      ['-last_accessed_at', ['g5', 'g2', 'g1', 'g7', 'g6', 'g4', 'g3']],
    ];
    // The guest's (global) id is random: the expected order is read from the ids themselves.
    for (const descending of [false, true]) {
      const key = descending ? '-id' : 'id';
      it(`sort=${key} orders the guests by their numeric id; sort_by is the same`, async () => {
        const rows = await list.db.kysely
          .selectFrom('guests')
          .select(['id', 'email'])
          .where('email', 'in', Object.values(emails))
          .execute();
        assert.equal(rows.length, 7);
        rows.sort((a, b) => (descending ? b.id - a.id : a.id - b.id));
        const expected = rows.map((r) => labelOf.get(r.email));
        assert.deepEqual(await order(`?sort=${key}`), expected);
        assert.deepEqual(await order(`?sort_by=${key}`), expected, 'sort_by');
      });
    }
    for (const [key, expected] of EXPECTED) {
      it(`sort=${key || '(default)'} orders the guests correctly; sort_by is the same`, async () => {
        assert.deepEqual(await order(key ? `?sort=${key}` : ''), expected);
        if (key) assert.deepEqual(await order(`?sort_by=${key}`), expected, 'sort_by');
        // Paged, the pages follow the same order.
        if (key)
          assert.deepEqual(
            [
              ...(await order(`?sort=${key}&per_page=3`)),
              ...(await order(`?sort=${key}&per_page=3&page=2`)),
              ...(await order(`?sort=${key}&per_page=3&page=3`)),
            ],
            expected,
          );
      });
    }

    /** The status of a paged and of a streamed list in this order (a stream that breaks off counts as a failure). */
    const statuses = async (value: string) => [
      (await get(`?sort=${value}`)).statusCode,
      await get(`?sort=${value}&without_pagination=true`).then(
        (r) => r.statusCode,
        (error: { code?: string }) => String(error.code),
      ),
    ];

    it('every key of SORT_KEYS is accepted in both directions, paged and streamed', async () => {
      const failed: string[] = [];
      for (const key of SORT_KEYS) {
        for (const value of [key, `-${key}`]) {
          const answers = await statuses(value);
          if (answers.some((status) => status !== 200)) failed.push(`${value}: ${answers.join(', ')}`);
        }
      }
      assert.deepEqual(failed, []);
    });

    it('an unknown sort value is still 422 on the parameter', async () => {
      for (const [query, field] of [
        ['?sort=nickname', 'sort'],
        ['?sort=link', 'sort'],
        ['?sort=--name', 'sort'],
        ['?sort_by=-associated_members', 'sort_by'],
        ['?sort=NAME', 'sort'],
      ] as const) {
        const body = assertProblem(await get(query), 422, 'VALIDATION_FAILED', query);
        assert.deepEqual(Object.keys(body.errors ?? {}), [field], query);
      }
    });

    it('limit=2 pages exactly like per_page=2; per_page wins over limit', async () => {
      for (const page of [1, 2, 3, 4]) {
        const byLimit = await get(`?sort=name&limit=2&page=${page}`);
        const byPerPage = await get(`?sort=name&per_page=2&page=${page}`);
        assert.equal(byLimit.statusCode, 200, byLimit.body);
        assert.deepEqual(byLimit.json().data, byPerPage.json().data, `page ${page}`);
        const { links: limitLinks, ...limitMeta } = byLimit.json().meta.pagination;
        const { links: _links, ...perPageMeta } = byPerPage.json().meta.pagination;
        assert.deepEqual(limitMeta, perPageMeta, `page ${page}`);
        assert.equal(limitMeta.per_page, 2);
        if (limitLinks.next) assert.match(limitLinks.next, new RegExp(`limit=2&page=${page + 1}$`));
      }
      const both = (await get('?limit=2&per_page=3')).json();
      assert.equal(both.data.length, 3);
      assert.equal(both.meta.pagination.per_page, 3);
      const neither = (await get('')).json();
      assert.equal(neither.meta.pagination.per_page, 999, "the service's default");
    });

    it('has_more_pages: true before the last page, false on it and past it', async () => {
      const pages = [];
      for (const page of [1, 2, 3, 4, 5]) pages.push((await get(`?limit=2&page=${page}`)).json().meta.pagination);
      assert.deepEqual(
        pages.map((p) => p.has_more_pages),
        [true, true, true, false, false],
      );
      assert.deepEqual(
        pages.map((p) => p.count),
        [2, 2, 2, 1, 0],
      );
      assert.equal((await get('')).json().meta.pagination.has_more_pages, false, 'one page');
      const streamed = (await get('?without_pagination=true')).json().meta.pagination;
      assert.equal(streamed.has_more_pages, false);
    });
  });
});
