/**
 * A deeply nested JSON body is refused with 400 and the error body, on authenticated and public
 * routes alike, instead of exhausting the stack (a 500 logged with a stack, as it once was).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { MAX_BODY_DEPTH } from '../../src/http/validation.js';
import { MAX_BODY_VALUES } from '../../src/http/unknown-fields.js';

/** `{"email": ..., "x": [[[ ... ]]]}` with `depth` levels in all. */
function nested(depth: number, email = uniqueEmail('deep')): string {
  return `{"email":"${email}","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
}

describe('deeply nested JSON', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const post = (url: string, payload: string, token: string | null = ctx.tokens.admin) =>
    call(ctx, token, 'POST', url, payload, { 'content-type': 'application/json' });

  it('a body nesting 1,700 levels (3.5 KB) or 100,000 (200 KB): 400 INVALID_JSON on every JSON route, public ones too; nothing written; no error logged', async () => {
    for (const depth of [1700, 100_000]) await refusedEverywhere(depth);
    assert.deepEqual(
      ctx.logs.filter((line) => Number(line.level) >= 50),
      [],
    );
  });

  async function refusedEverywhere(depth: number): Promise<void> {
    const email = uniqueEmail('deep');
    const body = nested(depth, email);
    for (const [method, url, token] of [
      ['POST', guestsUrl(ctx.orgId), ctx.tokens.admin],
      ['POST', guestsUrl(ctx.orgId, undefined, '/bulk'), ctx.tokens.admin],
      ['PUT', guestsUrl(ctx.orgId, email), ctx.tokens.admin],
      ['POST', '/public/guests/access', null],
      ['POST', '/me/tokens', ctx.tokens.light],
    ] as const) {
      const response = await call(
        ctx,
        token,
        method,
        url,
        method === 'POST' && url.endsWith('/bulk') ? `[${body}]` : body,
        { 'content-type': 'application/json' },
      );
      const problem = assertProblem(response, 400, 'INVALID_JSON', `${method} ${url}`);
      assert.match(problem.message, new RegExp(`more than ${MAX_BODY_DEPTH} levels`));
    }
    assert.equal(
      await ctx.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst(),
      undefined,
    );
  }

  it(`${MAX_BODY_DEPTH} levels are read as usual (the field is then unknown and dropped)`, async () => {
    const response = await post(guestsUrl(ctx.orgId), nested(MAX_BODY_DEPTH));
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers['x-ignored-fields'], 'x');
    assertProblem(await post(guestsUrl(ctx.orgId), nested(MAX_BODY_DEPTH + 2)), 400, 'INVALID_JSON');
  });

  it(`more than ${MAX_BODY_VALUES} values: 413 PAYLOAD_TOO_LARGE before the body is parsed; nothing written`, async () => {
    const email = uniqueEmail('wide');
    const wide = `{"email":"${email}","x":[${Array<string>(MAX_BODY_VALUES + 1)
      .fill('0')
      .join(',')}]}`;
    assertProblem(await post(guestsUrl(ctx.orgId), wide), 413, 'PAYLOAD_TOO_LARGE');
    assertProblem(await post(guestsUrl(ctx.orgId, undefined, '/bulk'), `[${wide}]`), 413, 'PAYLOAD_TOO_LARGE', 'bulk');
    assert.equal(
      await ctx.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst(),
      undefined,
    );
  });

  it('brackets, braces, commas and escaped quotes inside strings are text, not structure', async () => {
    // 48 opening brackets and braces, an escaped quote and an escaped backslash, all inside one string.
    const text = `${'[{,'.repeat(12)} \\" ${'[{'.repeat(12)} \\\\ ]`;
    const response = await post(guestsUrl(ctx.orgId), `{"email":"${uniqueEmail('text')}","first_name":"${text}"}`);
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json<{ data: { first_name: string } }>().data.first_name, JSON.parse(`"${text}"`));
  });
});
