/**
 * Two real server processes on one PostgreSQL, each remembering token answers
 * (src/auth/auth-cache.ts): a token revoked, or a member removed, through instance A (or by the
 * CLI) is refused by instance B, which had the answer in memory. Once with Redis carrying the
 * change, once with PostgreSQL's LISTEN/NOTIFY. Runs when TEST_DATABASE_URL names a PostgreSQL
 * database.
 *
 * The message reaches B asynchronously, after A's answer. The tests ask B again for at most a
 * second and report how long it took (in practice B's very next request is refused: the message
 * arrives within a millisecond or two, before the client's next request does).
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createAdminService, type AdminService } from '../../src/organizations/admin.service.js';
import { freshDatabaseUrl } from '../../support/app.js';
import { delay, killAll, runGuests, startServerProcess, type GuestsProcess } from '../../support/process.js';
import { REDIS_URL, redisAnswers } from '../../support/redis.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
/** The longest B may take to refuse after A answered. */
const DELIVERY_BOUND_MS = 1000;

for (const transport of ['Redis', 'LISTEN/NOTIFY'] as const) {
  describe(
    `two instances remembering tokens, changes carried by ${transport}`,
    {
      skip: TEST_DATABASE_URL
        ? transport === 'Redis' && !(await redisAnswers())
          ? 'Redis does not answer'
          : false
        : 'TEST_DATABASE_URL is not set',
    },
    () => {
      let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
      let db: Db;
      let admin: AdminService;
      let env: Record<string, string>;
      let orgId: string;
      let adminToken: string;
      let guestPath: string;
      let n = 0;
      const instances: Array<{ process: GuestsProcess; url: string }> = [];

      before(async () => {
        database = await freshDatabaseUrl();
        env = {
          DATABASE_URL: database.url,
          DATABASE_POOL_SIZE: '4',
          EMAIL_DNS_CHECK: 'off',
          SEED_DEMO: 'false',
          LOG_LEVEL: 'warn',
          SCHEDULER: 'false',
          OUTBOX_WORKER: 'false',
          // Long enough that only a message can explain B's refusal within the test.
          AUTH_CACHE_TTL_MS: '60000',
          ...(transport === 'Redis' && { REDIS_URL, REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:` }),
        };
        db = openDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
        await migrateToLatest(db);
        instances.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
        admin = createAdminService(db.kysely);
        const org = await admin.createOrganization({ name: 'Cached' });
        orgId = org.id;
        const owner = await admin.addMember({ organizationId: orgId, email: 'owner@members.test', role: 'admin' });
        adminToken = (await admin.createToken({ email: owner.email })).token;
        const created = await send(0, adminToken, 'POST', `/api/organizations/${orgId}/guests`, {
          email: 'seen@partner.test',
        });
        assert.equal(created.status, 201, created.body);
        guestPath = `/api/organizations/${orgId}/guests/seen%40partner.test`;
      });

      after(async () => {
        await Promise.all(instances.map((instance) => instance.process.stop().catch(() => undefined)));
        await killAll();
        await db?.close();
        await database?.drop();
      });

      async function send(i: number, token: string, method: string, path: string, body?: unknown) {
        const instance = instances[i] as { url: string };
        const response = await fetch(`${instance.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(10_000),
        });
        return { status: response.status, body: await response.text() };
      }

      /** A member with a token whose answer both instances remember (two requests each). */
      async function rememberedEverywhere() {
        n += 1;
        const member = await admin.addMember({ organizationId: orgId, email: `m${n}@members.test`, role: 'standard' });
        const token = await admin.createToken({ email: member.email });
        for (const i of [0, 1, 0, 1]) assert.equal((await send(i, token.token, 'GET', guestPath)).status, 200);
        return { id: member.id, email: member.email, token };
      }

      /** Asks B until it refuses (at most DELIVERY_BOUND_MS); the time it took and the tries. */
      async function refusedByB(t: TestContext, token: string, status: number) {
        const start = performance.now();
        for (let tries = 1; ; tries++) {
          const answer = await send(1, token, 'GET', guestPath);
          if (answer.status === status) {
            const ms = performance.now() - start;
            t.diagnostic(`B refused after ${ms.toFixed(1)} ms, on try ${tries}`);
            return { ms, tries };
          }
          assert.equal(answer.status, 200, answer.body);
          if (performance.now() - start >= DELIVERY_BOUND_MS) {
            // What each instance logged (warnings: a publish that failed, a subscription lost).
            const logs = instances.map(({ process }, i) => `${'AB'[i]}: ${process.describe()}`).join('\n');
            assert.fail(`B still accepts after ${DELIVERY_BOUND_MS} ms (${tries} tries)\n${logs}`);
          }
          await delay(5);
        }
      }

      it('a token revoked through A is refused by B', async (t) => {
        const m = await rememberedEverywhere();
        const second = await admin.createToken({ email: m.email });
        const revoked = await send(0, second.token, 'DELETE', `/api/me/tokens/${m.token.id}`);
        assert.equal(revoked.status, 200, revoked.body);
        await refusedByB(t, m.token.token, 401);
        assert.equal((await send(1, second.token, 'GET', guestPath)).status, 200, 'the other token still works on B');
      });

      it('a member removed through A is refused by B', async (t) => {
        const m = await rememberedEverywhere();
        const removed = await send(0, adminToken, 'DELETE', `/api/organizations/${orgId}/users/${m.id}`);
        assert.equal(removed.status, 200, removed.body);
        await refusedByB(t, m.token.token, 403);
      });

      it(
        'while B cannot hear changes it reads the database: a token revoked behind its back is refused',
        { skip: transport === 'Redis' && "the listener here is PostgreSQL's" },
        async (t) => {
          const m = await rememberedEverywhere();
          const pid = (instances[1] as { process: GuestsProcess }).process.child.pid;
          const killed = await sql<{ ok: boolean }>`select pg_terminate_backend(pid) as ok from pg_stat_activity
            where application_name = ${`guests-auth-listener:${pid}`}`.execute(db.kysely);
          assert.equal(killed.rows.length, 1, "B's listener was found");
          // Revoked with no announcement: only a database read can tell B.
          await db.kysely
            .updateTable('access_tokens')
            .set({ revoked_at: '2020-01-01 00:00:00' })
            .where('id', '=', m.token.id)
            .execute();
          await refusedByB(t, m.token.token, 401);
        },
      );

      it('a token revoked by the CLI is refused by both', async (t) => {
        const m = await rememberedEverywhere();
        const cli = await runGuests(['token', 'revoke', '--id', String(m.token.id)], env);
        assert.equal(cli.code, 0, cli.describe);
        await refusedByB(t, m.token.token, 401);
        assert.equal((await send(0, m.token.token, 'GET', guestPath)).status, 401);
      });
    },
  );
}
