/**
 * How `paginate` finds the next page (README, TypeScript client), against a small local server
 * that answers pages from a script: it follows `links.next` (taking only its query, so a link to
 * another host never gets the token), else `next_cursor`, and stops at a link it has followed.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '../../packages/client/src/index.js';

const ORG = 'b'.repeat(32);

function page(emails: string[], pagination: Record<string, unknown>) {
  return { data: emails.map((email, id) => ({ id, email })), meta: { pagination } };
}

describe('client paginate', () => {
  let server: http.Server;
  let baseUrl: string;
  let pages: Array<ReturnType<typeof page>> = [];
  let seen: Array<{ url: string; host?: string }> = [];

  before(async () => {
    server = http.createServer((request, response) => {
      seen.push({ url: request.url ?? '', host: request.headers.host });
      const next = pages.shift();
      response.writeHead(next ? 200 : 500, { 'content-type': 'application/json' });
      response.end(JSON.stringify(next ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    pages = [];
    seen = [];
  });

  it('follows links.next by its query, on its own base URL', async () => {
    pages = [
      page(['a@x.test', 'b@x.test'], {
        links: { next: 'https://elsewhere.example/api/whatever?cursor=c2&per_page=2' },
      }),
      page(['c@x.test'], { links: { next: 'https://elsewhere.example/api/whatever?cursor=c3&per_page=2' } }),
      page([], { links: {} }),
    ];
    const client = createClient({ baseUrl, token: 'secret' });
    const emails: string[] = [];
    for await (const guest of client.paginate('listGuests', { params: { org_id: ORG }, query: { per_page: 2 } }))
      emails.push(guest.email);
    assert.deepEqual(emails, ['a@x.test', 'b@x.test', 'c@x.test']);
    assert.deepEqual(
      seen.map((s) => s.url),
      [
        `/api/organizations/${ORG}/guests?per_page=2`,
        `/api/organizations/${ORG}/guests?cursor=c2&per_page=2`,
        `/api/organizations/${ORG}/guests?cursor=c3&per_page=2`,
      ],
    );
    assert.ok(seen.every((s) => s.host === new URL(baseUrl).host));
  });

  it('follows next_cursor when there is no link, keeping the query', async () => {
    pages = [
      page(['a@x.test'], { next_cursor: 'k2', links: {} }),
      page(['b@x.test'], { next_cursor: null, links: {} }),
    ];
    const client = createClient({ baseUrl });
    const emails: string[] = [];
    for await (const guest of client.paginate('listGuests', { params: { org_id: ORG }, query: { q: 'x' } }))
      emails.push(guest.email);
    assert.deepEqual(emails, ['a@x.test', 'b@x.test']);
    assert.equal(seen[1]?.url, `/api/organizations/${ORG}/guests?q=x&cursor=k2`);
  });

  it('stops at a next link it has already followed instead of looping', async () => {
    const loop = { links: { next: '/api/organizations/x/guests?page=2' } };
    pages = [page(['a@x.test'], loop), page(['b@x.test'], loop), page(['c@x.test'], loop)];
    const client = createClient({ baseUrl });
    const emails: string[] = [];
    for await (const guest of client.paginate('listGuests', { params: { org_id: ORG } })) emails.push(guest.email);
    assert.deepEqual(emails, ['a@x.test', 'b@x.test']);
    assert.equal(seen.length, 2);
  });
});
