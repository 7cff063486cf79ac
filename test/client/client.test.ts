/**
 * The TypeScript client (packages/client) against the real server process: a guest's whole life
 * through its typed methods, `paginate` walking 250 guests in pages of 100, and a typed 422
 * problem body (README, TypeScript client; docs/guests.md).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError, createClient, NetworkError, type Client } from '../../packages/client/src/index.js';
import { freshDatabaseUrl, seedOrganization } from '../../support/app.js';
import { freePort, killAll, startServerProcess, type GuestsProcess } from '../../support/process.js';
import type { Config } from '../../src/config.js';

describe('TypeScript client against the server process', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'client-'));
  let drop: () => Promise<void> = async () => undefined;
  let server: { process: GuestsProcess; url: string };
  let client: Client;
  let orgId: string;

  before(async () => {
    const fresh = process.env.TEST_DATABASE_URL ? await freshDatabaseUrl() : undefined;
    drop = fresh?.drop ?? drop;
    const url = fresh?.url ?? `sqlite:${path.join(dir, 'guests.sqlite')}`;
    const database: Config['database'] = fresh
      ? { kind: 'postgres', url: fresh.url, poolSize: 4 }
      : { kind: 'sqlite', file: path.join(dir, 'guests.sqlite') };
    let token: string;
    ({ orgId, token } = await seedOrganization(database, 'Client Co', 'admin@client.test'));
    server = await startServerProcess(
      {
        DATA_DIR: dir,
        DATABASE_URL: url,
        SEED_DEMO: 'false',
        EMAIL_DNS_CHECK: 'off',
        GUEST_INVITE_LIMIT_PER_HOUR: '0',
        LOG_LEVEL: 'warn',
      },
      60_000,
    );
    client = createClient({ baseUrl: server.url, token, clientHeader: 'APIClient' });
  });

  after(async () => {
    await server?.process.stop().catch(() => undefined);
    await killAll();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, reads, updates and removes a guest with typed calls', async () => {
    const created = await client.createGuest({
      params: { org_id: orgId },
      body: { email: 'ada@partner.test', first_name: 'Ada', cadence_days: ['Monday'] },
    });
    assert.equal(created.status, 201);
    assert.equal(created.data.data.email, 'ada@partner.test');
    assert.equal(created.data.data.first_name, 'Ada');
    assert.ok(created.headers.get('content-type')?.startsWith('application/json'));

    const read = await client.getGuest({ params: { org_id: orgId, guest_email: 'ada@partner.test' } });
    assert.equal(read.status, 200);
    assert.equal(read.data.data.id, created.data.data.id);
    assert.deepEqual(read.data.data.details.cadence_days, ['Monday']);

    const updated = await client.updateGuest({
      params: { org_id: orgId, guest_email: 'ada@partner.test' },
      body: { last_name: 'Lovelace', company_name: 'Engines' },
    });
    assert.equal(updated.status, 201);
    assert.equal(updated.data.data.last_name, 'Lovelace');
    assert.equal(updated.data.data.details.company_name, 'Engines');

    const removed = await client.removeGuest({ params: { org_id: orgId, guest_email: 'ada@partner.test' } });
    assert.equal(removed.status, 200);
    assert.ok(removed.data.data.deleted_at, 'the removed guest carries deleted_at');

    // Gone from the organization: reading it again is a typed 404.
    const gone = await client.getGuest({ params: { org_id: orgId, guest_email: 'ada@partner.test' } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(gone instanceof ApiError, String(gone));
    assert.equal(gone.status, 404);
    assert.equal(gone.code, 'RESOURCE_NOT_FOUND');
  });

  it('walks every page of a list once: 250 guests in pages of 100', async () => {
    const emails = Array.from({ length: 250 }, (_, i) => `walk-${String(i).padStart(3, '0')}@pages.test`);
    for (let i = 0; i < emails.length; i += 50) {
      const answer = await client.bulkCreateGuests({
        params: { org_id: orgId },
        body: emails.slice(i, i + 50).map((email) => ({ email })),
      });
      assert.equal(answer.data.meta.created, 50);
    }
    const pages: number[] = [];
    for await (const page of client.pages('listGuests', {
      params: { org_id: orgId },
      query: { per_page: 100, q: 'pages.test' },
    }))
      pages.push(page.data.length);
    assert.deepEqual(pages, [100, 100, 50]);

    const seen: string[] = [];
    for await (const guest of client.paginate('listGuests', {
      params: { org_id: orgId },
      query: { per_page: 100, q: 'pages.test', sort: 'email' },
    }))
      seen.push(guest.email);
    assert.equal(seen.length, 250);
    assert.equal(new Set(seen).size, 250, 'each guest once');
    assert.deepEqual(seen, emails, 'in the order asked for');
  });

  it('throws a typed 422 with the problem body and its field errors', async () => {
    const error = await client.createGuest({ params: { org_id: orgId }, body: { email: 'not an email' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 422);
    assert.equal(error.operation, 'createGuest');
    assert.equal(error.problem.code, 'VALIDATION_FAILED');
    assert.equal(error.problem.status, 422);
    assert.ok(error.errors?.email?.length, JSON.stringify(error.problem));
    assert.equal(error.headers.get('content-type')?.split(';')[0], 'application/problem+json');
  });

  it('answers a bad token with a typed 401', async () => {
    const stranger = createClient({ baseUrl: server.url, token: 'not-a-token' });
    const error = await stranger.me().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.code, 'UNAUTHENTICATED');
  });

  it('names the URL when no server answers', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const error = await createClient({ baseUrl: nowhere })
      .me()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof NetworkError, String(error));
    assert.match(error.message, new RegExp(`me: no answer from ${nowhere}/api/me`));
  });
});
