/** The OpenAPI 3.1 document: generated from the route schemas, one entry per operation. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestContext } from '../support/app.js';

/**
 * Every status each operation can answer (besides 405/404 for paths and methods it does not have).
 * Every POST of the token API and of the public endpoint answers 409 and 422 for an Idempotency-Key
 * too (docs/conventions.md, Idempotency). Every URL can be malformed (400), and a path parameter can
 * be over-long (414).
 */
const EXPECTED: Record<string, number[]> = {
  'post /organizations/{org_id}/guests': [200, 201, 400, 401, 403, 409, 413, 414, 415, 422, 429, 500, 503],
  'get /organizations/{org_id}/guests': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  // Every guest without paging, for pickers (written with the account endpoints).
  'get /organizations/{org_id}/guests-list': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  'get /organizations/{org_id}/guests/{guest_email}': [200, 304, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  // An update answers 201, as Tallyfy documents.
  'put /organizations/{org_id}/guests/{guest_email}': [201, 400, 401, 403, 404, 412, 413, 414, 415, 422, 429, 500, 503],
  // Not a guest of the organization is a 422 on the email, as Tallyfy documents: no 404.
  'delete /organizations/{org_id}/guests/{guest_email}': [200, 400, 401, 403, 412, 414, 422, 429, 500, 503],
  // 422 for a bad or (UNKNOWN_FIELDS=reject) unknown query parameter.
  'delete /organizations/{org_id}/guests/{guest_email}/disable': [
    200, 400, 401, 403, 404, 412, 414, 422, 429, 500, 503,
  ],
  'put /organizations/{org_id}/guests/{guest_email}/enable': [200, 400, 401, 403, 404, 412, 414, 422, 429, 500, 503],
  'delete /organizations/{org_id}/guests/{guest_id_or_email}/delete': [
    200, 400, 401, 403, 404, 412, 414, 422, 429, 500, 503,
  ],
  'put /organizations/{org_id}/guests/{guest_email}/reset-link': [
    200, 400, 401, 403, 404, 412, 414, 422, 429, 500, 503,
  ],
  'post /organizations/{org_id}/guests/{guest_email}/to/member': [
    201, 400, 401, 403, 404, 409, 414, 422, 429, 500, 503,
  ],
  'put /organizations/{org_id}/users/{user_id}/to/guest': [200, 400, 401, 403, 404, 409, 414, 422, 429, 500, 503],
  'post /organizations/{org_id}/guests/bulk': [200, 400, 401, 403, 409, 413, 414, 415, 422, 429, 500, 503],
  'post /organizations/{org_id}/guests/import': [202, 400, 401, 403, 409, 413, 414, 415, 422, 429, 500, 503],
  'get /organizations/{org_id}/imports/{import_id}': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  // Members, invitations and the account around guests.
  'get /organizations/{org_id}/users': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  'get /organizations/{org_id}/users-list': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  'get /organizations/{org_id}/users/{user_id}': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  'delete /organizations/{org_id}/users/{user_id}': [200, 400, 401, 403, 404, 409, 414, 422, 429, 500, 503],
  'put /organizations/{org_id}/users/{user_id}/role': [200, 400, 401, 403, 404, 409, 413, 414, 415, 422, 429, 500, 503],
  'delete /organizations/{org_id}/users/{user_id}/disable': [200, 400, 401, 403, 404, 409, 414, 422, 429, 500, 503],
  'put /organizations/{org_id}/users/{user_id}/enable': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  'delete /organizations/{org_id}/users/{user_id}/delete': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  'post /organizations/{org_id}/users/invite': [200, 400, 401, 403, 409, 413, 414, 415, 422, 429, 500, 503],
  'post /organizations/{org_id}/users/{user_id}/resend-invite': [200, 400, 401, 403, 404, 409, 414, 422, 429, 500, 503],
  'delete /organizations/{org_id}/users/{user_id}/withdraw-invite': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  // The invitation's accept link, documented under its own `/api` server as the guest side is.
  'get /invitations/{code}': [200, 400, 404, 410, 414, 429, 500, 503],
  'post /invitations/{code}/accept': [201, 400, 404, 409, 410, 413, 414, 415, 422, 429, 500, 503],
  'get /me': [200, 400, 401, 429, 500, 503],
  'get /me/organizations': [200, 400, 401, 422, 429, 500, 503],
  'get /organizations/{org_id}': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  'get /organizations/{org_id}/me': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  'get /me/tokens': [200, 400, 401, 429, 500, 503],
  'post /me/tokens': [201, 400, 401, 409, 413, 415, 422, 429, 500, 503],
  'delete /me/tokens/{token_id}': [200, 400, 401, 404, 414, 422, 429, 500, 503],
  // Groups: a malformed group id names nothing (404); delete answers 204 with no body.
  'get /organizations/{org_id}/groups': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  'post /organizations/{org_id}/groups': [201, 400, 401, 403, 409, 413, 414, 415, 422, 429, 500, 503],
  'get /organizations/{org_id}/groups/{group_id}': [200, 400, 401, 403, 404, 414, 429, 500, 503],
  'put /organizations/{org_id}/groups/{group_id}': [201, 400, 401, 403, 404, 413, 414, 415, 422, 429, 500, 503],
  'delete /organizations/{org_id}/groups/{group_id}': [204, 400, 401, 403, 404, 414, 429, 500, 503],
  // Tasks: a malformed task id names nothing (404); delete answers 204 with no body; a create,
  // update or clone that joins guests can meet the invite cap (429).
  'post /organizations/{org_id}/tasks': [201, 400, 401, 403, 409, 413, 414, 415, 422, 429, 500, 503],
  'get /organizations/{org_id}/tasks': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  'get /organizations/{org_id}/tasks/{task_id}': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  'put /organizations/{org_id}/tasks/{task_id}': [200, 400, 401, 403, 404, 413, 414, 415, 422, 429, 500, 503],
  'delete /organizations/{org_id}/tasks/{task_id}': [204, 400, 401, 403, 404, 414, 429, 500, 503],
  'post /organizations/{org_id}/tasks/{task_id}/clone': [201, 400, 401, 403, 404, 409, 414, 422, 429, 500, 503],
  'get /organizations/{org_id}/guests/{guest_email}/tasks': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  'get /organizations/{org_id}/users/{user_id}/tasks': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  'get /organizations/{org_id}/me/tasks': [200, 400, 401, 403, 414, 422, 429, 500, 503],
  'post /public/guests/access': [202, 400, 409, 413, 415, 422, 429, 500, 503],
  // The URL of a digest's or reminder's List-Unsubscribe header (RFC 8058 one-click).
  'post /unsubscribe/{token}': [200, 400, 404, 413, 414, 415, 429, 500, 503],
  // The guest side: documented under its own `/api` server (see src/guest-portal/api.routes.ts).
  'get /guest/{guest_code}': [200, 400, 404, 414, 429, 500, 503],
  'put /guest/{guest_code}/cadence_days': [200, 400, 404, 413, 414, 415, 422, 429, 500, 503],
  'get /guest/{guest_code}/preferences': [200, 400, 404, 414, 429, 500, 503],
  'post /guest/{guest_code}/preferences': [200, 400, 404, 413, 414, 415, 422, 429, 500, 503],
  'get /guest/{guest_code}/tasks': [200, 400, 404, 414, 422, 429, 500, 503],
  'get /guest/{guest_code}/tasks/{task_id}': [200, 400, 404, 414, 429, 500, 503],
  'put /guest/{guest_code}/tasks/{task_id}/values': [200, 400, 404, 413, 414, 415, 422, 429, 500, 503],
  'post /guest/{guest_code}/tasks/{task_id}/comment': [201, 400, 404, 413, 414, 415, 422, 429, 500, 503],
  // The page's POST and the contract's PUT: one operation, answered 201 when completed now.
  'post /guest/{guest_code}/tasks/{task_id}/complete': [200, 201, 400, 404, 413, 414, 415, 422, 429, 500, 503],
  'put /guest/{guest_code}/tasks/{task_id}/complete': [200, 201, 400, 404, 413, 414, 415, 422, 429, 500, 503],
  // Working on a task (docs/task-work.md).
  'put /organizations/{org_id}/tasks/{task_id}/values': [200, 400, 401, 403, 404, 413, 414, 415, 422, 429, 500, 503],
  'post /organizations/{org_id}/tasks/{task_id}/comment': [
    201, 400, 401, 403, 404, 409, 413, 414, 415, 422, 429, 500, 503,
  ],
  'put /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}': [
    200, 400, 401, 403, 404, 413, 414, 415, 422, 429, 500, 503,
  ],
  'delete /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}': [
    204, 400, 401, 403, 404, 414, 422, 429, 500, 503,
  ],
  'put /organizations/{org_id}/tasks/{task_id}/comment/{comment_id}/resolve': [
    200, 400, 401, 403, 404, 414, 422, 429, 500, 503,
  ],
  'post /organizations/{org_id}/completed-tasks': [
    200, 201, 400, 401, 403, 404, 409, 413, 414, 415, 422, 429, 500, 503,
  ],
  'delete /organizations/{org_id}/completed-tasks/{task_id}': [200, 400, 401, 403, 404, 414, 422, 429, 500, 503],
  // Files on tasks (docs/files.md), on Tallyfy's upload paths, and the guest's side of them.
  'post /organizations/{org_id}/file': [201, 400, 401, 403, 404, 409, 413, 414, 415, 422, 429, 500, 503],
  'get /organizations/{org_id}/tasks/{task_id}/files': [200, 400, 401, 403, 404, 414, 429, 500, 503],
  'get /organizations/{org_id}/file/{file_id}/dl': [200, 400, 401, 403, 404, 414, 429, 500, 503],
  'delete /organizations/{org_id}/file/{file_id}': [204, 400, 401, 403, 404, 414, 429, 500, 503],
  'post /guest/{guest_code}/tasks/{task_id}/files': [201, 400, 404, 413, 414, 415, 422, 429, 500, 503],
  'get /guest/{guest_code}/tasks/{task_id}/files': [200, 400, 404, 414, 429, 500, 503],
  'get /guest/{guest_code}/tasks/{task_id}/files/{file_id}': [200, 400, 404, 414, 429, 500, 503],
  'delete /guest/{guest_code}/tasks/{task_id}/files/{file_id}': [204, 400, 403, 404, 414, 422, 429, 500, 503],
  'get /health/live': [200, 400],
  'get /health/ready': [200, 400, 503],
  // Files on tasks (docs/files.md), on Tallyfy's upload paths, and the guest's side of them.
};

/** Operations whose success is a file's bytes, not JSON (docs/files.md, Download file). */
const BYTES = new Set([
  'get /organizations/{org_id}/file/{file_id}/dl',
  'get /guest/{guest_code}/tasks/{task_id}/files/{file_id}',
]);

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
}

describe('OpenAPI document', () => {
  let ctx: TestContext;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    servers: Array<{ url: string }>;
    components: { schemas: Record<string, unknown> };
  };
  before(async () => {
    ctx = await buildTestApp();
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    doc = response.json();
  });
  after(() => ctx.close());

  it('is OpenAPI 3.1 with both base paths as servers', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(
      doc.servers.map((s) => s.url),
      ['http://guests.test/api', 'http://guests.test'],
    );
  });

  it('lists exactly the expected operations, each once', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    assert.deepEqual(operations.sort(), Object.keys(EXPECTED).sort());
  });

  it('names every operation with an operationId of its own, in camelCase', () => {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method} ${path}`;
        const id = op.operationId;
        if (!id) problems.push(`${name} has no operationId`);
        else if (!/^[a-z][A-Za-z0-9]*$/.test(id)) problems.push(`${name}: ${id} is not camelCase`);
        else if (seen.has(id)) problems.push(`${name} and ${seen.get(id)} share ${id}`);
        else seen.set(id, name);
      }
    }
    assert.deepEqual(problems, []);
    assert.equal(seen.size, Object.keys(EXPECTED).length);
  });

  it('gives every operation a summary, a tag and each status it can return, described', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method} ${path}`;
        assert.ok(op.summary && op.summary.length > 5, `${name} has a summary`);
        assert.ok(op.tags && op.tags.length > 0, `${name} has a tag`);
        assert.deepEqual(
          Object.keys(op.responses).map(Number).sort(),
          EXPECTED[name],
          `${name} documents its statuses`,
        );
        for (const [status, response] of Object.entries(op.responses)) {
          assert.ok(response.description, `${name} ${status} has a description`);
          if (status === '204' || status === '304') continue; // No Content, Not Modified: no body to describe.
          const type =
            Number(status) >= 400
              ? 'application/problem+json'
              : BYTES.has(name)
                ? 'application/octet-stream'
                : 'application/json';
          assert.ok(response.content?.[type]?.schema, `${name} ${status} has a ${type} schema`);
        }
      }
    }
  });

  it('describes the guest object with every key of the contract, and the error body', () => {
    const guest = doc.components.schemas.Guest as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    assert.deepEqual(Object.keys(guest.properties), [
      'id',
      'email',
      'last_accessed_at',
      'last_known_ip',
      'last_known_country',
      'first_name',
      'last_name',
      'created_at',
      'deleted_at',
      'link',
      'details',
      'stats',
    ]);
    assert.equal(Object.keys(guest.properties.details?.properties ?? {}).length, 21);
    const problem = doc.components.schemas.Problem as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(problem.properties), [
      'type',
      'title',
      'status',
      'code',
      'message',
      'detail',
      'errors',
      'request_id',
    ]);
  });

  it("describes the member object with the keys Tallyfy's clients read, and the guest list's sort keys and limit", () => {
    const member = doc.components.schemas.Member as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(member.properties), [
      'id',
      'email',
      'username',
      'first_name',
      'last_name',
      'full_name',
      'profile_pic',
      'timezone',
      'role',
      'status',
      'created_at',
      'last_login_at',
      'invited_by',
      'disabled_at',
      'disabled_by',
      'reactivated_at',
      'reactivated_by',
    ]);
    const list = doc.paths['/organizations/{org_id}/guests']?.get as unknown as {
      parameters: Array<{ name: string; in: string; schema: { enum?: string[]; default?: unknown } }>;
    };
    const query = Object.fromEntries(list.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
    assert.ok(query.limit, 'limit is documented');
    assert.equal(query.per_page?.default, undefined, 'per_page has no schema default: limit would never apply');
    for (const key of ['name', '-name', 'updated_at', '-updated_at', 'id', 'company_name', '-last_accessed_at']) {
      assert.ok(query.sort?.enum?.includes(key), `sort ${key}`);
    }
    assert.equal(query.sort?.enum?.includes('link'), false);
  });

  it('serves the error documentation behind each error type', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/docs/errors' });
    assert.equal(response.statusCode, 200);
    for (const anchor of [
      'validation-failed',
      'unauthenticated',
      'endpoint-not-found',
      'rate-limit-exceeded',
      'internal',
    ]) {
      assert.match(response.body, new RegExp(`id="${anchor}"`));
    }
  });
});
