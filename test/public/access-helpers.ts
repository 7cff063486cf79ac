/** Shared by the tests of `POST /public/guests/access`. */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestContext } from '../../support/app.js';
import { ACCESS_ACCEPTED_MESSAGE } from '../../src/public/access.routes.js';
import { resolvePendingAccessRequests } from '../../src/public/access.resolve.js';

export const ACCESS_URL = '/public/guests/access';

export async function requestAccess(
  ctx: TestContext,
  email: unknown,
  ip = '127.0.0.1',
  url = ACCESS_URL,
): Promise<LightMyRequestResponse> {
  return ctx.app.inject({ method: 'POST', url, payload: { email }, remoteAddress: ip });
}

/**
 * The outbox as the worker would send it: the access requests queued on the request path are
 * resolved first (into the email with the links, or dropped for an address with no active guest).
 */
export async function resolved(ctx: TestContext): Promise<void> {
  await resolvePendingAccessRequests(ctx.db.kysely, ctx.links);
}

export async function outboxFor(ctx: TestContext, email: string) {
  await resolved(ctx);
  return ctx.db.kysely
    .selectFrom('outbox')
    .selectAll()
    .where('recipient', '=', email.toLowerCase())
    .orderBy('id')
    .execute();
}

export async function outboxCount(ctx: TestContext): Promise<number> {
  await resolved(ctx);
  const row = await ctx.db.kysely
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function assertAccepted(response: LightMyRequestResponse, label = ''): void {
  assert.equal(response.statusCode, 202, `${label} ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.deepEqual(response.json(), { message: ACCESS_ACCEPTED_MESSAGE }, label);
}

/** Headers that may differ between two answers for reasons that have nothing to do with the address. */
export function comparableHeaders(response: LightMyRequestResponse): Record<string, unknown> {
  // The request id is each request's own, known address or not.
  const { date: _date, 'x-request-id': _requestId, ...rest } = response.headers;
  return rest;
}
