/** TRUST_PROXY: behind a load balancer the client address comes from X-Forwarded-For, and only then. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';

async function loggedAddress(ctx: TestContext, forwardedFor: string): Promise<unknown> {
  const response = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId), undefined, {
    'x-forwarded-for': forwardedFor,
  });
  assert.equal(response.statusCode, 200);
  const line = ctx.logs.filter((l) => l.msg === 'request completed').pop() as
    { req?: { remoteAddress?: string } } | undefined;
  return line?.req?.remoteAddress;
}

describe('TRUST_PROXY', () => {
  for (const [setting, expected] of [
    ['false', '127.0.0.1'],
    ['true', '203.0.113.7'],
    ['127.0.0.1/8', '203.0.113.7'],
    ['1', '203.0.113.7'],
    ['10.0.0.1', '127.0.0.1'],
  ] as const) {
    it(`TRUST_PROXY=${setting}: the client address is ${expected}`, async () => {
      const ctx = await buildTestApp({ env: { TRUST_PROXY: setting } });
      try {
        assert.equal(await loggedAddress(ctx, '203.0.113.7'), expected);
      } finally {
        await ctx.close();
      }
    });
  }
});
