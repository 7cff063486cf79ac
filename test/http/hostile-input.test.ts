/**
 * Malformed and hostile input, generated: a bounded run of random bodies, query strings and path
 * segments (seeded, so a failure repeats) against every route. Nothing may answer 5xx, every
 * error must be the one error body, and refused writes must leave the data as it was.
 * HOSTILE_SEED=N runs another sequence.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, type TestContext } from '../../support/app.js';

/** Mulberry32: a small seeded generator, so every run sends the same requests. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick };
}

const FIELDS = [
  'email',
  'first_name',
  'last_name',
  'phone_1',
  'phone_2',
  'company_name',
  'company_url',
  'contact_url',
  'image_url',
  'opportunity_url',
  'opportunity_name',
  'timezone',
  'status',
  'external_sync_source',
  'external_date_creation',
  'associated_members',
  'cadence_days',
  'unknown_field',
  '__proto__',
  'constructor',
];

const STRINGS = [
  '',
  ' ',
  'a',
  'x'.repeat(5000),
  '\u0000',
  '\ud800',
  '😀'.repeat(300),
  '<script>alert(1)</script>',
  "'; drop table guests; --",
  '%00',
  '../../etc/passwd',
  'null',
  'true',
  '1e309',
  'NaN',
  'Monday',
  'salesforce',
  'America/Chicago',
  'https://x.test/',
  '2025-02-30 10:00:00',
  'someone@partner.test',
  'SOMEONE@PARTNER.TEST',
  'a@nullmx.test',
  'a@nowhere.invalid',
  '\u202e',
  'e\u0301',
];

describe('generated hostile input never gets a 5xx', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('400 random requests across every route', async () => {
    const { next, pick } = generator(Number(process.env.HOSTILE_SEED ?? 20261126));
    const existing = await createGuest(ctx, { first_name: 'Keep', company_name: 'Keep Co' });
    const before = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, existing.email));

    const value = (depth = 0): unknown => {
      const kind = Math.floor(next() * (depth > 2 ? 6 : 9));
      switch (kind) {
        case 0:
          return pick(STRINGS);
        case 1:
          return Math.floor(next() * 2 ** 53) * (next() < 0.5 ? -1 : 1);
        case 2:
          return pick([0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e308]);
        case 3:
          return next() < 0.5;
        case 4:
          return null;
        case 5:
          return pick(STRINGS).repeat(1 + Math.floor(next() * 3));
        case 6:
          return Array.from({ length: Math.floor(next() * 5) }, () => value(depth + 1));
        case 7:
          return Object.fromEntries(
            Array.from({ length: Math.floor(next() * 4) }, () => [pick(FIELDS), value(depth + 1)]),
          );
        default:
          return [ctx.members.admin, pick([0, -5, 'x', 2 ** 40])];
      }
    };
    const body = (): unknown => {
      if (next() < 0.1) return value();
      return Object.fromEntries(Array.from({ length: 1 + Math.floor(next() * 6) }, () => [pick(FIELDS), value()]));
    };
    // A lone surrogate has no UTF-8 form: sent as the raw bytes of one, which no decoder accepts.
    const encode = (text: string) => {
      try {
        return encodeURIComponent(text);
      } catch {
        return '%ED%A0%80';
      }
    };
    const segment = () => encode(String(pick([...STRINGS.filter(Boolean), existing.email])));

    const seen: Record<number, number> = {};
    for (let i = 0; i < 400; i += 1) {
      const route = Math.floor(next() * 6);
      const token = pick([ctx.tokens.admin, ctx.tokens.light, ctx.tokens.standard]);
      const query =
        next() < 0.5
          ? ''
          : `?${pick(['q', 'sort', 'page', 'per_page', 'with', 'without_pagination', 'x'])}=${segment()}`;
      let response;
      if (route === 0) response = await call(ctx, token, 'POST', guestsUrl(ctx.orgId), body());
      else if (route === 1) response = await call(ctx, token, 'GET', `${guestsUrl(ctx.orgId)}${query}`);
      else if (route === 2)
        response = await call(ctx, token, 'GET', `/api/organizations/${ctx.orgId}/guests/${segment()}${query}`);
      else if (route === 3)
        response = await call(ctx, token, 'PUT', `/api/organizations/${ctx.orgId}/guests/${segment()}`, body());
      else if (route === 4)
        response = await call(
          ctx,
          token,
          'DELETE',
          `/api/organizations/${ctx.orgId}/guests/${pick(STRINGS.map(encode).filter(Boolean))}`,
        );
      else {
        response = await ctx.app.inject({
          method: pick(['POST', 'PUT']),
          url: pick([guestsUrl(ctx.orgId), guestsUrl(ctx.orgId, existing.email)]),
          headers: {
            authorization: `Bearer ${token}`,
            'x-tallyfy-client': 'APIClient',
            'content-type': pick([
              'application/json',
              'text/plain',
              'application/x-www-form-urlencoded',
              'application/json; charset=latin1',
            ]),
          },
          payload: pick(['{', '[]', '{"email":', '\u0000', '{"a":1}}', JSON.stringify(body()), 'email=a@b.test']),
        });
      }
      seen[response.statusCode] = (seen[response.statusCode] ?? 0) + 1;
      if (response.statusCode >= 500) {
        const logged = ctx.logs.filter((line) => Number(line.level) >= 50).pop();
        assert.fail(
          `request ${i}: ${response.statusCode} ${response.body.slice(0, 200)}\nlogged: ${JSON.stringify(logged).slice(0, 1500)}`,
        );
      }
      if (response.statusCode >= 400) {
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/, `request ${i}`);
        assert.equal(response.json().status, response.statusCode);
      }
    }
    assert.ok(Object.keys(seen).length >= 4, `a spread of answers: ${JSON.stringify(seen)}`);
    // The guest the run kept hitting with PUT and DELETE is either unchanged or changed/removed by an
    // accepted request: never half-written. An accepted write answered 200 (remove) or 201 (update);
    // anything else changed nothing.
    const afterwards = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, existing.email));
    assert.ok([200, 404].includes(afterwards.statusCode));
    if (afterwards.statusCode === 200 && (seen[200] ?? 0) + (seen[201] ?? 0) === 0)
      assert.deepEqual(afterwards.json(), before.json());
  });
});
