/**
 * Two real server processes on one PostgreSQL (and one Redis), hit at once from many connections
 * split across both: the rules that must not race hold in the database, not in either process.
 * Runs when TEST_DATABASE_URL names a PostgreSQL database.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { openDatabase, type Db } from '../../src/db/database.js';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/db/migrate.js';
import { createAdminService } from '../../src/organizations/admin.service.js';
import { freshDatabaseUrl } from '../../support/app.js';
import { killAll, startServerProcess, type GuestsProcess } from '../../support/process.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATE_LIMIT = 250;
const INVITE_CAP = 30;

describe(
  'two instances on one PostgreSQL',
  { skip: TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set' },
  () => {
    let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
    let db: Db;
    const instances: Array<{ process: GuestsProcess; url: string }> = [];
    // Many sockets per instance, so the requests really are concurrent.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const orgs: Record<'dedupe' | 'cap' | 'limit' | 'access' | 'lists', { id: string; token: string }> = {} as never;

    before(async () => {
      database = await freshDatabaseUrl();
      const env = {
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: '10',
        EMAIL_DNS_CHECK: 'off',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        GUEST_INVITE_LIMIT_PER_HOUR: String(INVITE_CAP),
        RATE_LIMIT_MAX: String(RATE_LIMIT),
        RATE_LIMIT_WINDOW_SECONDS: '600',
        REDIS_URL,
        REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
      };
      // Both start at once on an empty schema: one runs the migrations, the other waits for it.
      instances.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
      db = openDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
      const applied = await db.kysely
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .orderBy('name' as never)
        .execute();
      assert.deepEqual(
        applied.map((row) => (row as { name: string }).name),
        [...MIGRATION_NAMES],
        'each migration ran exactly once',
      );
      await migrateToLatest(db);
      const admin = createAdminService(db.kysely);
      for (const name of ['dedupe', 'cap', 'limit', 'access', 'lists'] as const) {
        const org = await admin.createOrganization({ name });
        const member = await admin.addMember({
          organizationId: org.id,
          email: `${name}-admin@members.test`,
          role: 'admin',
        });
        orgs[name] = { id: org.id, token: (await admin.createToken({ email: member.email })).token };
      }
    });

    after(async () => {
      await Promise.all(instances.map((instance) => instance.process.stop().catch(() => undefined)));
      await killAll();
      agent.destroy();
      await db?.close();
      await database?.drop();
    });

    async function send(i: number, token: string, method: string, path: string, body?: unknown) {
      const instance = instances[i % instances.length] as { url: string };
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise<{ status: number; body: string; instance: number }>((resolve, reject) => {
        const request = http.request(
          `${instance.url}${path}`,
          {
            method,
            agent,
            timeout: 30_000,
            headers: {
              authorization: `Bearer ${token}`,
              'x-tallyfy-client': 'APIClient',
              ...(payload !== undefined && {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(payload),
              }),
            },
          },
          (response) => {
            let text = '';
            response
              .setEncoding('utf8')
              .on('data', (chunk: string) => (text += chunk))
              .on('end', () => {
                resolve({ status: response.statusCode ?? 0, body: text, instance: i % instances.length });
              });
          },
        );
        request.on('timeout', () => request.destroy(new Error('request timed out')));
        request.on('error', reject);
        request.end(payload);
      });
    }

    function tally(statuses: number[]): Record<number, number> {
      const counts: Record<number, number> = {};
      for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
      return counts;
    }

    it('the same 20 emails created 10 times each: exactly 20 guests, every answer 201 or 200', async () => {
      const { id, token } = orgs.dedupe;
      const emails = Array.from({ length: 20 }, (_, i) => `same${i}@dedupe.example`);
      const requests = emails.flatMap((email) => Array.from({ length: 10 }, () => email));
      const answers = await Promise.all(
        requests.map((email, i) =>
          send(i, token, 'POST', `/api/organizations/${id}/guests`, { email, first_name: `n${i}` }),
        ),
      );
      const counts = tally(answers.map((a) => a.status));
      const bad = answers.filter((a) => a.status !== 200 && a.status !== 201);
      assert.deepEqual(bad, [], `unexpected answers: ${JSON.stringify(bad.slice(0, 3))}`);
      assert.equal(counts[201], 20, JSON.stringify(counts));
      assert.equal(counts[200], 180, JSON.stringify(counts));
      const globals = await db.kysely.selectFrom('guests').select('id').where('email', 'in', emails).execute();
      assert.equal(globals.length, 20);
      const records = await db.kysely
        .selectFrom('organization_guests')
        .select('id')
        .where('organization_id', '=', id)
        .execute();
      assert.equal(records.length, 20);
      // Each email's answers all name the same guest.
      const idsByEmail = new Map<string, Set<number>>();
      for (const answer of answers) {
        const data = JSON.parse(answer.body).data as { id: number; email: string };
        (idsByEmail.get(data.email) ?? idsByEmail.set(data.email, new Set()).get(data.email))?.add(data.id);
      }
      assert.ok([...idsByEmail.values()].every((ids) => ids.size === 1));
      assert.deepEqual(new Set(answers.map((a) => a.instance)), new Set([0, 1]));
      console.log(
        `# dedupe: ${JSON.stringify(counts)}; global guests ${globals.length}; organization records ${records.length}`,
      );
    });

    it('a list page kept by one instance shows a change made through the other at once', async () => {
      const { id, token } = orgs.lists;
      const guests = `/api/organizations/${id}/guests`;
      for (const n of [1, 2, 3]) {
        const created = await send(1, token, 'POST', guests, {
          email: `kept${n}@lists.example`,
          first_name: `Before${n}`,
        });
        assert.equal(created.status, 201, created.body);
      }
      type Page = {
        data: Array<{ email: string; first_name: string | null }>;
        meta: { pagination: { total: number } };
      };
      const read = async (query: string) => {
        const answer = await send(0, token, 'GET', `${guests}?${query}`);
        assert.equal(answer.status, 200, answer.body);
        return JSON.parse(answer.body) as Page;
      };
      const names = (page: Page) => page.data.map((g) => `${g.email}:${g.first_name}`);
      for (const query of ['per_page=2', 'per_page=2&cursor=', 'per_page=10&q=kept']) {
        // Read twice through instance 0: the second answer is its kept page.
        assert.deepEqual(names(await read(query)), names(await read(query)), query);
      }
      const updated = await send(1, token, 'PUT', `${guests}/kept1@lists.example`, { first_name: 'After' });
      assert.equal(updated.status, 201, updated.body); // Update guest answers 201, as Tallyfy's does
      assert.deepEqual(names(await read('per_page=2')), ['kept1@lists.example:After', 'kept2@lists.example:Before2']);
      assert.deepEqual(names(await read('per_page=2&cursor=')), [
        'kept1@lists.example:After',
        'kept2@lists.example:Before2',
      ]);
      const removed = await send(1, token, 'DELETE', `${guests}/kept2@lists.example`);
      assert.equal(removed.status, 200, removed.body);
      const afterRemoval = await read('per_page=10&q=kept');
      assert.deepEqual(names(afterRemoval), ['kept1@lists.example:After', 'kept3@lists.example:Before3']);
      assert.equal(afterRemoval.meta.pagination.total, 2);
      // A write no request of the service made: an operator's SQL moves the version all the same.
      await db.kysely
        .updateTable('organization_guests')
        .set({ first_name: 'Operator' })
        .where('organization_id', '=', id)
        .where('deleted_at', 'is', null)
        .execute();
      assert.deepEqual(names(await read('per_page=2')), [
        'kept1@lists.example:Operator',
        'kept3@lists.example:Operator',
      ]);
    });

    it(`100 distinct new guests with the invite cap at ${INVITE_CAP}: exactly ${INVITE_CAP} succeed, the rest 429`, async () => {
      const { id, token } = orgs.cap;
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          send(i, token, 'POST', `/api/organizations/${id}/guests`, { email: `new${i}@cap.example` }),
        ),
      );
      const counts = tally(answers.map((a) => a.status));
      assert.deepEqual(counts, { 201: INVITE_CAP, 429: 100 - INVITE_CAP });
      for (const answer of answers.filter((a) => a.status === 429))
        assert.equal(JSON.parse(answer.body).code, 'RATE_LIMIT_EXCEEDED');
      const records = await db.kysely
        .selectFrom('organization_guests')
        .select('id')
        .where('organization_id', '=', id)
        .execute();
      assert.equal(records.length, INVITE_CAP);
      console.log(`# invite cap: ${JSON.stringify(counts)}; organization records ${records.length}`);
    });

    it(`a token's request limit (${RATE_LIMIT}) is shared through Redis: both instances together let through no more`, async () => {
      const { id, token } = orgs.limit;
      const answers = await Promise.all(
        Array.from({ length: 400 }, (_, i) => send(i, token, 'GET', `/api/organizations/${id}/users`)),
      );
      const counts = tally(answers.map((a) => a.status));
      const through = answers.filter((a) => a.status === 200);
      assert.ok(through.length <= RATE_LIMIT, JSON.stringify(counts));
      assert.deepEqual(counts, { 200: RATE_LIMIT, 429: 400 - RATE_LIMIT });
      assert.deepEqual(new Set(through.map((a) => a.instance)), new Set([0, 1]));
      console.log(
        `# shared rate limit: ${JSON.stringify(counts)}; let through by instance 0: ${through.filter((a) => a.instance === 0).length}, instance 1: ${through.filter((a) => a.instance === 1).length}`,
      );
    });

    it('a member disabled, or a token revoked, through one instance is refused by the other at once', async () => {
      const { id, token } = orgs.access;
      const admin = createAdminService(db.kysely);
      const member = await admin.addMember({
        organizationId: id,
        email: 'access-member@members.test',
        role: 'standard',
      });
      const memberToken = (await admin.createToken({ email: member.email })).token;
      const guests = `/api/organizations/${id}/guests`;
      // Instance 1 answers the member first, so anything it could have cached is warm.
      assert.equal((await send(1, memberToken, 'GET', guests)).status, 200);
      assert.equal((await send(0, token, 'DELETE', `/api/organizations/${id}/users/${member.id}/disable`)).status, 200);
      const refused = await send(1, memberToken, 'GET', guests);
      assert.equal(refused.status, 401, refused.body);
      assert.equal((await send(0, token, 'PUT', `/api/organizations/${id}/users/${member.id}/enable`)).status, 200);
      assert.equal((await send(1, memberToken, 'GET', guests)).status, 200);

      const created = await send(0, memberToken, 'POST', '/api/me/tokens', { name: 'revoked across instances' });
      assert.equal(created.status, 201, created.body);
      const fresh = JSON.parse(created.body).data as { id: number; token: string };
      assert.equal((await send(1, fresh.token, 'GET', '/api/me')).status, 200);
      assert.equal((await send(0, memberToken, 'DELETE', `/api/me/tokens/${fresh.id}`)).status, 200);
      assert.equal((await send(1, fresh.token, 'GET', '/api/me')).status, 401);
    });
  },
);
