/**
 * The OpenAPI document as a product: every route is an operation (or left out for a written
 * reason), the router's own answers (400, 414) are declared and really given, response headers
 * are named once as components, health is at the root only, and timestamps are not claimed as
 * RFC 3339.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestContext } from '../support/app.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Routes the document leaves out on purpose, each with its reason. */
const NOT_OPERATIONS: Record<string, string> = {
  'GET /guest/{guest_code}': "The guest's HTML page (docs/guest-side.md, Get guest page).",
  'POST /guest/{guest_code}': "The guest page's form (docs/guest-side.md, Save guest page).",
  'GET /guest/{guest_code}/tasks/{task_id}': 'An HTML page (docs/guest-side.md, Get my task page).',
  'POST /guest/{guest_code}/tasks/{task_id}/values': "An HTML page's form.",
  'POST /guest/{guest_code}/tasks/{task_id}/comment': "An HTML page's form.",
  'POST /guest/{guest_code}/tasks/{task_id}/complete': "An HTML page's form.",
  'POST /guest/{guest_code}/tasks/{task_id}/files': "An HTML page's form.",
  'GET /guest/{guest_code}/tasks/{task_id}/files/{file_id}': 'A download linked from an HTML page.',
  'GET /invitations/{code}': "The invitation's HTML page (docs/invitations.md).",
  'POST /invitations/{code}': "The invitation page's form.",
  'GET /unsubscribe/{token}': 'The unsubscribe HTML page (docs/notifications.md).',
  'GET /openapi.json': 'The document itself.',
  'GET /docs/errors': 'The HTML page behind each error `type`.',
  'GET /docs': 'The HTML reference page rendered from the document.',
  'GET /docs/assets/{file}': "The reference page's scripts and styles, from the swagger-ui-dist package.",
};

interface Media {
  schema?: { $ref?: string };
}

interface Operation {
  operationId: string;
  requestBody?: { content: Record<string, Media> };
  servers?: Array<{ url: string }>;
  parameters?: Array<{ in?: string; name?: string; $ref?: string }>;
  security?: unknown[];
  responses: Record<string, { headers?: Record<string, { $ref?: string }>; content?: Record<string, Media> }>;
}

interface Document {
  info: { license?: { name?: string; identifier?: string; url?: string }; contact?: { name?: string; url?: string } };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; headers: Record<string, { schema: unknown }> };
}

function operations(doc: Document): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );
}

/** `/api` when the operation answers under the `/api` server only, else ''. */
function base(doc: Document, op: Operation): string {
  const servers = op.servers ?? doc.servers;
  return servers.every((s) => new URL(s.url).pathname === '/api') ? '/api' : '';
}

describe('OpenAPI document as a product', () => {
  let ctx: TestContext;
  let doc: Document;
  const routes = new Set<string>();
  before(async () => {
    ctx = await buildTestApp({
      onRoute: (route) => {
        for (const method of [route.method].flat()) {
          routes.add(`${method} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{file}')}`);
        }
      },
    });
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    doc = response.json();
  });
  after(() => ctx.close());

  it('has an operation for every route the app serves, and a route for every operation', () => {
    const inDocument = new Set(
      operations(doc).map(({ method, path, op }) => `${method.toUpperCase()} ${base(doc, op)}${path}`),
    );
    const served = [...routes].filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      if (method === 'HEAD') return false; // Fastify's automatic twin of each GET.
      // The bearer API answers under /api too: the document lists it once, with both servers.
      if (path.startsWith('/api/') && routes.has(`${method} ${path.slice(4)}`) && !inDocument.has(route)) return false;
      return !(route in NOT_OPERATIONS);
    });
    const undocumented = served.filter((route) => !inDocument.has(route));
    const unserved = [...inDocument].filter((operation) => !routes.has(operation));
    assert.deepEqual({ undocumented, unserved }, { undocumented: [], unserved: [] });
    const stale = Object.keys(NOT_OPERATIONS).filter((route) => !routes.has(route));
    assert.deepEqual(stale, [], 'every route left out is still served');
  });

  it('answers a malformed URL 400 and an over-long path segment 414, as declared, on every operation', async () => {
    for (const { method, path, op } of operations(doc)) {
      const prefix = base(doc, op);
      const fill = (value: string) => path.replace(/\{[^}]+\}/g, value);
      const name = `${method} ${path}`;
      const bad = await ctx.app.inject({ method: method.toUpperCase() as 'GET', url: `${prefix}${fill('x')}%zz` });
      assert.equal(bad.statusCode, 400, `${name} with a broken escape`);
      assert.equal(bad.json().code, 'BAD_REQUEST', name);
      assert.ok(op.responses['400'], `${name} declares 400`);
      if (!path.includes('{')) {
        assert.equal(op.responses['414'], undefined, `${name} has no path parameter to be too long`);
        continue;
      }
      const long = await ctx.app.inject({
        method: method.toUpperCase() as 'GET',
        url: `${prefix}${fill('a'.repeat(600))}`,
      });
      assert.equal(long.statusCode, 414, `${name} with an over-long segment`);
      assert.equal(long.json().code, 'URI_TOO_LONG', name);
      assert.ok(op.responses['414'], `${name} declares 414`);
    }
  });

  it('names every JSON body and success envelope as a component, shared where the schema is', () => {
    const refOf = (path: string, method: string, where: 'body' | string) => {
      const op = doc.paths[path]?.[method];
      const media =
        where === 'body'
          ? op?.requestBody?.content['application/json']
          : op?.responses[where]?.content?.['application/json'];
      return media?.schema?.$ref;
    };
    const guests = '/organizations/{org_id}/guests';
    assert.equal(refOf(guests, 'post', 'body'), '#/components/schemas/CreateGuestBody');
    assert.equal(refOf(guests, 'get', '200'), '#/components/schemas/GuestList');
    assert.equal(refOf(`${guests}/{guest_email}`, 'get', '200'), '#/components/schemas/GuestEnvelope');
    assert.equal(refOf(`${guests}/{guest_email}`, 'put', '201'), '#/components/schemas/GuestEnvelope');
    assert.equal(refOf(`${guests}/{guest_email}`, 'put', 'body'), '#/components/schemas/UpdateGuestBody');
    const inline: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      const media = [
        ['body', op.requestBody?.content['application/json']] as const,
        ...Object.entries(op.responses)
          .filter(([status]) => status.startsWith('2'))
          .map(([status, response]) => [status, response.content?.['application/json']] as const),
      ];
      for (const [where, content] of media) {
        if (!content) continue;
        const ref = content.schema?.$ref;
        if (!ref?.startsWith('#/components/schemas/')) inline.push(`${method} ${path} ${where}`);
        else assert.ok(doc.components.schemas[ref.slice('#/components/schemas/'.length)], ref);
      }
    }
    assert.deepEqual(inline, []);
  });

  it('declares Retry-After on every 429 and 503, and the rate limit headers on authenticated answers', () => {
    assert.deepEqual(Object.keys(doc.components.headers).sort(), [
      'ETag',
      'Idempotent-Replayed',
      'RateLimit',
      'RateLimit-Policy',
      'Retry-After',
      'X-Request-Id',
    ]);
    for (const { method, path, op } of operations(doc)) {
      const authenticated = (op.security ?? [{ bearer: [] }]).length > 0;
      for (const [status, response] of Object.entries(op.responses)) {
        const name = `${method} ${path} ${status}`;
        const headers = response.headers ?? {};
        const retry = status === '429' || status === '503';
        assert.equal(headers['Retry-After']?.$ref, retry ? '#/components/headers/Retry-After' : undefined, name);
        const limited = authenticated && status !== '401';
        assert.equal(headers.RateLimit?.$ref, limited ? '#/components/headers/RateLimit' : undefined, name);
        assert.equal(Boolean(headers['RateLimit-Policy']), limited, name);
      }
    }
  });

  it('declares X-Request-Id on every answer, ETag on single guests, and the request headers each operation reads', () => {
    const byId = new Map(operations(doc).map(({ op }) => [op.operationId, op]));
    const headerParams = (id: string) =>
      (byId.get(id)?.parameters ?? []).flatMap((p) => (p.$ref ? [p.$ref.replace('#/components/parameters/', '')] : []));
    for (const { method, path, op } of operations(doc)) {
      assert.ok(headerParams(op.operationId).includes('RequestId'), `${method} ${path}`);
      for (const [status, response] of Object.entries(op.responses)) {
        assert.equal(
          response.headers?.['X-Request-Id']?.$ref,
          '#/components/headers/X-Request-Id',
          `${path} ${status}`,
        );
      }
    }
    const headersOf = (id: string, status: string) => Object.keys(byId.get(id)?.responses[status]?.headers ?? {});
    assert.ok(headersOf('getGuest', '200').includes('ETag'));
    assert.ok(headersOf('getGuest', '304').includes('ETag'));
    assert.ok(headersOf('updateGuest', '412').includes('ETag'));
    assert.ok(!headersOf('listGuests', '200').includes('ETag'));
    assert.ok(headersOf('createGuest', '201').includes('Idempotent-Replayed'));
    assert.ok(!headersOf('createGuest', '500').includes('Idempotent-Replayed'));
    assert.ok(!headersOf('getGuest', '200').includes('Idempotent-Replayed'));
    for (const id of ['createGuest', 'bulkCreateGuests', 'importGuests', 'convertGuestToMember', 'requestGuestLinks'])
      assert.ok(headerParams(id).includes('IdempotencyKey'), id);
    for (const id of ['uploadFile', 'getGuest', 'updateGuest'])
      assert.ok(!headerParams(id).includes('IdempotencyKey'), id);
    for (const id of [
      'updateGuest',
      'removeGuest',
      'disableGuest',
      'enableGuest',
      'resetGuestLink',
      'permanentlyDeleteGuest',
    ])
      assert.ok(headerParams(id).includes('IfMatch'), id);
    assert.deepEqual(headerParams('getGuest').sort(), ['IfNoneMatch', 'RequestId']);
  });

  it('sends the declared rate limit headers on an authenticated answer', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: `Bearer ${ctx.tokens.admin}` },
    });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers.ratelimit), /^"per-token";r=\d+;t=\d+$/);
    assert.match(String(response.headers['ratelimit-policy']), /^"per-token";q=\d+;w=\d+$/);
  });

  it('places the health operations under the root server only, where they answer', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      assert.deepEqual(
        doc.paths[path]?.get?.servers?.map((s) => s.url),
        ['http://guests.test'],
      );
      assert.equal((await ctx.app.inject({ method: 'GET', url: `/api${path}` })).statusCode, 404);
      assert.equal((await ctx.app.inject({ method: 'GET', url: path })).statusCode, 200);
    }
  });

  it('describes timestamps by a pattern, never as RFC 3339 date-time', () => {
    const text = JSON.stringify(doc);
    assert.equal(text.includes('"date-time"'), false);
    const guest = doc.components.schemas.Guest as { properties: Record<string, { pattern?: string }> };
    const pattern = new RegExp(guest.properties.created_at?.pattern ?? 'missing');
    assert.ok(pattern.test('2025-01-15 10:30:00'));
    assert.equal(pattern.test('2025-01-15T10:30:00Z'), false);
  });

  it('names its license and contact, and describes every tag its operations use', () => {
    assert.ok(doc.info.license?.name && (doc.info.license.identifier || doc.info.license.url));
    assert.ok(doc.info.contact?.url);
    const described = new Map(doc.tags.map((t) => [t.name, t.description]));
    for (const { method, path, op } of operations(doc)) {
      for (const tag of (op as { tags?: string[] }).tags ?? []) {
        assert.ok(described.get(tag), `${method} ${path}: tag ${tag} is described`);
      }
    }
  });
});
