/** The OpenAPI 3.1 document: generated from the route schemas, one entry per operation. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestContext } from './helpers/app.js';

/** Every status each operation can answer (besides 405/404 for paths and methods it does not have). */
const EXPECTED: Record<string, number[]> = {
  'post /organizations/{org_id}/guests': [200, 201, 400, 401, 403, 413, 415, 422, 429, 500, 503],
  'get /organizations/{org_id}/guests': [200, 401, 403, 422, 429, 500, 503],
  'get /organizations/{org_id}/guests/{guest_email}': [200, 401, 403, 404, 422, 429, 500, 503],
  'put /organizations/{org_id}/guests/{guest_email}': [200, 400, 401, 403, 404, 413, 415, 422, 429, 500, 503],
  'delete /organizations/{org_id}/guests/{guest_email}': [200, 401, 403, 404, 422, 429, 500, 503],
  'get /organizations/{org_id}/users': [200, 401, 403, 429, 500, 503],
  'delete /organizations/{org_id}/guests/{guest_email}/disable': [200, 401, 403, 404, 422, 429, 500, 503],
  'put /organizations/{org_id}/guests/{guest_email}/enable': [200, 401, 403, 404, 422, 429, 500, 503],
  'delete /organizations/{org_id}/guests/{guest_id_or_email}/delete': [200, 401, 403, 404, 422, 429, 500, 503],
  'put /organizations/{org_id}/guests/{guest_email}/reset-link': [200, 401, 403, 404, 422, 429, 500, 503],
  'post /organizations/{org_id}/guests/{guest_email}/to/member': [201, 401, 403, 404, 409, 422, 429, 500, 503],
  'put /organizations/{org_id}/users/{user_id}/to/guest': [200, 401, 403, 404, 409, 422, 429, 500, 503],
  'post /organizations/{org_id}/guests/bulk': [200, 400, 401, 403, 413, 415, 422, 429, 500, 503],
  'post /public/guests/access': [202, 400, 413, 415, 422, 429, 500, 503],
  // The guest side: documented under its own `/api` server (see src/guest-portal/api.routes.ts).
  'get /guest/{guest_code}': [200, 404, 500, 503],
  'put /guest/{guest_code}/cadence_days': [200, 400, 404, 413, 415, 422, 500, 503],
  'get /guest/{guest_code}/preferences': [200, 404, 500, 503],
  'post /guest/{guest_code}/preferences': [200, 400, 404, 413, 415, 422, 500, 503],
  'get /health/live': [200],
  'get /health/ready': [200, 503],
};

interface Operation {
  summary?: string;
  tags?: string[];
  responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
}

describe('OpenAPI document', () => {
  let ctx: TestContext;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; servers: Array<{ url: string }>; components: { schemas: Record<string, unknown> } };
  before(async () => {
    ctx = await buildTestApp();
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    doc = response.json();
  });
  after(() => ctx.close());

  it('is OpenAPI 3.1 with both base paths as servers', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.servers.map((s) => s.url), ['http://guests.test/api', 'http://guests.test']);
  });

  it('lists exactly the expected operations, each once', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    assert.deepEqual(operations.sort(), Object.keys(EXPECTED).sort());
  });

  it('gives every operation a summary, a tag and each status it can return, described', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method} ${path}`;
        assert.ok(op.summary && op.summary.length > 5, `${name} has a summary`);
        assert.ok(op.tags && op.tags.length > 0, `${name} has a tag`);
        assert.deepEqual(Object.keys(op.responses).map(Number).sort(), EXPECTED[name], `${name} documents its statuses`);
        for (const [status, response] of Object.entries(op.responses)) {
          assert.ok(response.description, `${name} ${status} has a description`);
          const type = Number(status) >= 400 ? 'application/problem+json' : 'application/json';
          assert.ok(response.content?.[type]?.schema, `${name} ${status} has a ${type} schema`);
        }
      }
    }
  });

  it('describes the guest object with every key of the contract, and the error body', () => {
    const guest = doc.components.schemas.Guest as { properties: Record<string, { properties?: Record<string, unknown> }> };
    assert.deepEqual(Object.keys(guest.properties), ['id', 'email', 'last_accessed_at', 'last_known_ip', 'last_known_country', 'first_name', 'last_name', 'created_at', 'deleted_at', 'link', 'details', 'stats']);
    assert.equal(Object.keys(guest.properties.details?.properties ?? {}).length, 21);
    const problem = doc.components.schemas.Problem as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(problem.properties), ['type', 'title', 'status', 'code', 'message', 'detail', 'errors']);
  });

  it('serves the error documentation behind each error type', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/docs/errors' });
    assert.equal(response.statusCode, 200);
    for (const anchor of ['validation-failed', 'unauthenticated', 'endpoint-not-found', 'rate-limit-exceeded', 'internal']) {
      assert.match(response.body, new RegExp(`id="${anchor}"`));
    }
  });
});
