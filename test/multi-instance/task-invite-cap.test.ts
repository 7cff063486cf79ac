/**
 * The invite cap across two server processes on one PostgreSQL, with guests joined by creating
 * tasks (docs/tasks.md, Create task) and by create guest at once: the database holds the count,
 * so exactly the cap's worth of new guests join, and every refused task leaves nothing behind.
 * Runs when TEST_DATABASE_URL names a PostgreSQL database.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Db } from '../../src/db/database.js';
import { createAdminService } from '../../src/organizations/admin.service.js';
import { freshDatabaseUrl } from '../../support/app.js';
import { killAll, startServerProcess, type GuestsProcess } from '../../support/process.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const INVITE_CAP = 6;

describe(
  'the invite cap counts guests joined through tasks, across two instances',
  { skip: TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set' },
  () => {
    let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
    let db: Db;
    const instances: Array<{ process: GuestsProcess; url: string }> = [];
    let org: { id: string; token: string };

    before(async () => {
      database = await freshDatabaseUrl();
      const env = {
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: '5',
        EMAIL_DNS_CHECK: 'off',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        GUEST_INVITE_LIMIT_PER_HOUR: String(INVITE_CAP),
        RATE_LIMIT_MAX: '0',
      };
      instances.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
      db = openDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
      const admin = createAdminService(db.kysely);
      const created = await admin.createOrganization({ name: 'Capped' });
      const member = await admin.addMember({
        organizationId: created.id,
        email: 'cap-admin@members.test',
        role: 'admin',
      });
      org = { id: created.id, token: (await admin.createToken({ email: member.email })).token };
    });

    after(async () => {
      await Promise.all(instances.map((instance) => instance.process.stop().catch(() => undefined)));
      await killAll();
      await db?.close();
      await database?.drop();
    });

    async function send(i: number, path: string, body: unknown): Promise<number> {
      const instance = instances[i % instances.length] as { url: string };
      const response = await fetch(`${instance.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${org.token}`,
          'x-tallyfy-client': 'APIClient',
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      await response.text();
      return response.status;
    }

    it('exactly the cap joins, task creates and guest creates alike; refused tasks write nothing', async () => {
      const requests = Array.from({ length: 20 }, (_, i) =>
        i % 4 === 0
          ? { path: `/api/organizations/${org.id}/guests`, body: { email: `direct${i}@cap.example` } }
          : {
              path: `/api/organizations/${org.id}/tasks`,
              body: {
                title: `Task ${i}`,
                deadline: '2030-01-01 00:00:00',
                owners: { guests: [`owner${i}@cap.example`] },
              },
            },
      );
      const statuses = await Promise.all(requests.map((r, i) => send(i, r.path, r.body)));
      const created = statuses.filter((s) => s === 201).length;
      const refused = statuses.filter((s) => s === 429).length;
      assert.equal(created, INVITE_CAP, JSON.stringify(statuses));
      assert.equal(refused, requests.length - INVITE_CAP, JSON.stringify(statuses));

      const guests = await db.kysely
        .selectFrom('organization_guests')
        .select('id')
        .where('organization_id', '=', org.id)
        .execute();
      assert.equal(guests.length, INVITE_CAP);
      const taskCreates = requests.filter((r, i) => r.path.endsWith('/tasks') && statuses[i] === 201).length;
      const tasks = await db.kysely.selectFrom('tasks').select('id').where('organization_id', '=', org.id).execute();
      assert.equal(tasks.length, taskCreates);
      const owners = await db.kysely.selectFrom('task_guests').select('task_id').execute();
      assert.equal(owners.length, taskCreates);
      const emails = await db.kysely.selectFrom('outbox').select('id').where('kind', '=', 'task_assigned').execute();
      assert.equal(emails.length, taskCreates);
      const window = await db.kysely
        .selectFrom('invite_windows')
        .select('count')
        .where('organization_id', '=', org.id)
        .execute();
      assert.deepEqual(
        window.map((w) => Number(w.count)),
        [INVITE_CAP],
      );
    });
  },
);
