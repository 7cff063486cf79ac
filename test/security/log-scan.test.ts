/**
 * No secret and no email address in any log line (docs/conventions.md, "Caching and logs"): a
 * full session over every route family — account, members, invitations and their accept page,
 * groups, guests (create, update, bulk, reset link, conversions, remove, disable, permanent
 * delete), the guest's page and JSON, public access, error paths — then every line is scanned for
 * every token, guest code, invitation code, the guest code key and every address the session
 * used. Once in process (info and trace level, logs captured), once through a real server process
 * (its stdout and stderr, with the outbox worker sending the session's email).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTestApp, createOrgWithMembers, freshDatabaseUrl, TEST_GUEST_CODE_KEY } from '../../support/app.js';
import { killAll, serveUntilListening } from '../../support/process.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createAdminService } from '../../src/organizations/admin.service.js';
import { KEY_FILE_NAME } from '../../src/guests/guest-code.js';

interface Reply {
  status: number;
  text: string;
}
type Send = (
  method: string,
  url: string,
  options?: { token?: string; body?: unknown; form?: string },
) => Promise<Reply>;

interface Secrets {
  tokens: string[];
  codes: string[];
  invitationCodes: string[];
  emails: string[];
  keys: string[];
}

let serial = 0;
const address = (label: string) => `${label}.scan${process.pid}x${(serial += 1)}@partner.test`;
const json = (reply: Reply) =>
  JSON.parse(reply.text) as { data: Record<string, unknown> & Array<Record<string, unknown>> };
const codeOf = (link: unknown) => String(link).split('/').pop() as string;

/** Every route family, with the secrets it handled recorded in `secrets`. */
async function session(
  send: Send,
  db: Db,
  org: {
    orgId: string;
    tokens: Record<'admin' | 'standard' | 'light', string>;
    members: Record<'admin' | 'standard' | 'light', number>;
    adminEmail: string;
  },
  secrets: Secrets,
) {
  const { orgId } = org;
  const admin = org.tokens.admin;
  const expect = (reply: Reply, status: number, what: string) =>
    assert.equal(reply.status, status, `${what}: ${reply.text.slice(0, 300)}`);
  const guestUrl = (email: string, suffix = '') =>
    `/api/organizations/${orgId}/guests/${encodeURIComponent(email)}${suffix}`;
  const keepLink = (reply: Reply) => {
    const link = json(reply).data.link;
    if (typeof link === 'string') secrets.codes.push(codeOf(link));
  };

  // Account.
  expect(await send('GET', '/me', { token: admin }), 200, 'me');
  expect(await send('GET', '/me/organizations', { token: org.tokens.light }), 200, 'organizations');
  expect(await send('GET', `/organizations/${orgId}`, { token: admin }), 200, 'organization');
  const token = await send('POST', '/me/tokens', { token: admin, body: { name: 'scan' } });
  expect(token, 201, 'new token');
  secrets.tokens.push(String(json(token).data.token));
  expect(await send('GET', '/me/tokens', { token: admin }), 200, 'tokens');
  expect(await send('GET', '/me', { token: 'not-a-real-token-at-all' }), 401, 'bad token');

  // Members and invitations, the accept page included.
  expect(await send('GET', `/api/organizations/${orgId}/users`, { token: org.tokens.light }), 200, 'users');
  expect(await send('GET', `/api/organizations/${orgId}/users/${org.members.light}`, { token: admin }), 200, 'user');
  const invitee = address('invitee');
  secrets.emails.push(invitee);
  expect(
    await send('POST', `/api/organizations/${orgId}/users/invite`, {
      token: admin,
      body: { email: invitee, first_name: 'In' },
    }),
    200,
    'invite',
  );
  const mail = await db.kysely
    .selectFrom('outbox')
    .select('text_body')
    .where('recipient', '=', invitee)
    .executeTakeFirstOrThrow();
  const invitation = /\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1] as string;
  secrets.invitationCodes.push(invitation);
  expect(await send('GET', `/invitations/${invitation}`), 200, 'accept page');
  expect(await send('GET', `/api/invitations/${invitation}`), 200, 'invitation JSON');
  const accepted = await send('POST', `/invitations/${invitation}`, { form: 'first_name=In&last_name=Vitee' });
  expect(accepted, 201, 'accepted');
  const shown = /Bearer ([A-Za-z0-9_.-]+)/.exec(accepted.text)?.[1];
  assert.ok(shown, 'the accepted page shows the new token');
  secrets.tokens.push(shown);
  expect(await send('GET', '/invitations/no-such-invitation-code'), 404, 'unknown invitation');

  // Guests.
  const emails = [address('alpha'), address('beta'), address('gamma'), address('delta')];
  secrets.emails.push(...emails);
  for (const email of emails) {
    const created = await send('POST', `/api/organizations/${orgId}/guests`, {
      token: admin,
      body: { email, first_name: 'Scan' },
    });
    expect(created, 201, 'create');
    keepLink(created);
  }
  const bulkEmails = [address('bulk'), address('bulk')];
  secrets.emails.push(...bulkEmails);
  const bulk = await send('POST', `/api/organizations/${orgId}/guests/bulk`, {
    token: admin,
    body: [...bulkEmails.map((email) => ({ email })), { email: 'broken@' }],
  });
  expect(bulk, 200, 'bulk');
  for (const item of json(bulk).data) if (item.data) secrets.codes.push(codeOf((item.data as { link: string }).link));
  expect(
    await send('POST', `/api/organizations/${orgId}/guests`, { token: admin, body: { email: org.adminEmail } }),
    422,
    'member email',
  );
  expect(
    await send('PUT', guestUrl(emails[0] as string), {
      token: org.tokens.standard,
      body: { company_name: 'Co', status: 'x' },
    }),
    201,
    'update',
  );
  expect(await send('GET', guestUrl(emails[0] as string), { token: org.tokens.light }), 200, 'get');
  expect(await send('GET', guestUrl(address('nobody')), { token: admin }), 404, 'get unknown');
  expect(
    await send('GET', `/api/organizations/${orgId}/guests?q=${encodeURIComponent(emails[1] as string)}&with=stats`, {
      token: admin,
    }),
    200,
    'search',
  );
  expect(
    await send('GET', `/api/organizations/${orgId}/guests?without_pagination=true`, { token: admin }),
    200,
    'stream',
  );
  const reset = await send('PUT', guestUrl(emails[1] as string, '/reset-link'), { token: admin });
  expect(reset, 200, 'reset link');
  keepLink(reset);

  // Groups.
  const group = await send('POST', `/api/organizations/${orgId}/groups`, {
    token: admin,
    body: { name: 'Scan', guests: [emails[0]], members: [org.members.light] },
  });
  expect(group, 201, 'group');
  expect(await send('GET', `/api/organizations/${orgId}/groups`, { token: org.tokens.light }), 200, 'groups');
  expect(
    await send('PUT', `/api/organizations/${orgId}/groups/${String(json(group).data.id)}`, {
      token: admin,
      body: { guests: [emails[0], emails[1]] },
    }),
    201,
    'group update',
  );
  expect(
    await send('PUT', `/api/organizations/${orgId}/groups/${String(json(group).data.id)}`, {
      token: admin,
      body: { guests: [address('stranger')] },
    }),
    422,
    'group with a stranger',
  );

  // The guest's side.
  for (const code of [secrets.codes[0], codeOf(json(reset).data.link), secrets.codes[2]] as string[]) {
    expect(await send('GET', `/guest/${code}`), 200, 'guest page');
    expect(await send('POST', `/guest/${code}`, { form: 'daily_digest=on&cadence_days=Monday' }), 303, 'guest form');
    expect(await send('GET', `/api/guest/${code}`), 200, 'guest JSON');
    expect(await send('GET', `/api/guest/${code}/preferences`), 200, 'preferences');
    expect(
      await send('PUT', `/api/guest/${code}/cadence_days`, { body: { cadence_days: ['Friday'] } }),
      200,
      'cadence',
    );
  }
  expect(await send('GET', '/guest/this-is-no-guest-code-of-anyone'), 404, 'unknown code');

  // Public access: a known address (an email goes out with the links), an unknown one.
  expect(await send('POST', '/public/guests/access', { body: { email: emails[0] } }), 202, 'access');
  expect(await send('POST', '/public/guests/access', { body: { email: address('unknown') } }), 202, 'access unknown');

  // Conversions, remove, disable and enable, permanent delete.
  expect(await send('POST', guestUrl(emails[2] as string, '/to/member'), { token: admin }), 201, 'to member');
  const member = await send('GET', `/api/organizations/${orgId}/users`, { token: admin });
  const convertedId = (json(member).data as unknown as Array<{ id: number; email: string }>).find(
    (m) => m.email === emails[2],
  )?.id;
  const back = await send('PUT', `/api/organizations/${orgId}/users/${String(convertedId)}/to/guest`, { token: admin });
  expect(back, 200, 'to guest');
  keepLink(back);
  expect(await send('DELETE', guestUrl(bulkEmails[0] as string), { token: admin }), 200, 'remove');
  expect(await send('DELETE', guestUrl(address('never')), { token: admin }), 422, 'remove unknown');
  expect(await send('DELETE', guestUrl(emails[3] as string, '/disable'), { token: admin }), 200, 'disable');
  const enabled = await send('PUT', guestUrl(emails[3] as string, '/enable'), { token: admin });
  expect(enabled, 200, 'enable');
  keepLink(enabled);
  expect(
    await send('DELETE', guestUrl(bulkEmails[1] as string, '/delete'), { token: admin }),
    422,
    'delete while enabled',
  );
  expect(await send('DELETE', guestUrl(bulkEmails[1] as string, '/disable'), { token: admin }), 200, 'disable');
  expect(await send('DELETE', guestUrl(bulkEmails[1] as string, '/delete'), { token: admin }), 200, 'permanent delete');
}

/** Every secret (as it is and percent-encoded) found in `text`, by kind. */
function leaks(text: string, secrets: Secrets): string[] {
  const found: string[] = [];
  for (const [kind, values] of Object.entries(secrets) as Array<[string, string[]]>) {
    for (const value of values) {
      if (text.includes(value) || text.includes(encodeURIComponent(value))) found.push(`${kind}: ${value}`);
    }
  }
  return found;
}

const memberEmails = (prefix: string) => ['admin', 'standard', 'light'].map((role) => `${prefix}-${role}@members.test`);

describe('no secret and no address in any log line', () => {
  after(() => killAll());

  for (const level of ['info', 'trace']) {
    it(`in process, at ${level} level`, async () => {
      const ctx = await buildTestApp({ env: { LOG_LEVEL: level } });
      try {
        const send: Send = async (method, url, options = {}) => {
          const response = await ctx.app.inject({
            method: method as 'GET',
            url,
            headers: {
              ...(options.token && { authorization: `Bearer ${options.token}` }),
              ...(options.form !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
            },
            ...(options.body !== undefined && { payload: options.body as object }),
            ...(options.form !== undefined && { payload: options.form }),
          });
          return { status: response.statusCode, text: response.body };
        };
        const secrets: Secrets = {
          tokens: Object.values(ctx.tokens),
          codes: [],
          invitationCodes: [],
          emails: memberEmails('acme'),
          keys: [TEST_GUEST_CODE_KEY],
        };
        await session(
          send,
          ctx.db,
          { orgId: ctx.orgId, tokens: ctx.tokens, members: ctx.members, adminEmail: 'acme-admin@members.test' },
          secrets,
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.ok(
          secrets.codes.length >= 8 && secrets.tokens.length >= 5,
          'the session handled the secrets it is meant to',
        );
        const text = ctx.logs.map((line) => JSON.stringify(line)).join('\n');
        assert.ok(ctx.logs.filter((line) => line.msg === 'request completed').length >= 45, 'the session was logged');
        assert.ok(
          text.includes('[email]') && text.includes('/guest/[code]'),
          'what was redacted is still there, redacted',
        );
        assert.deepEqual(leaks(text, secrets), []);
      } finally {
        await ctx.close();
      }
    });
  }

  it(
    "through a real server process: its stdout and stderr, the outbox worker's lines included",
    { timeout: 90_000 },
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-log-scan-'));
      const database = process.env.TEST_DATABASE_URL
        ? await freshDatabaseUrl()
        : { url: `sqlite:${path.join(dir, 'data', 'guests.sqlite')}`, drop: async () => undefined };
      const env = {
        DATABASE_URL: database.url,
        DATA_DIR: path.join(dir, 'data'),
        MAIL_DIR: path.join(dir, 'mail'),
        SEED_DEMO: 'false',
        EMAIL_DNS_CHECK: 'off',
        LOG_LEVEL: 'info',
        OUTBOX_POLL_INTERVAL_MS: '50',
        GUEST_INVITE_LIMIT_PER_HOUR: '0',
        RATE_LIMIT_MAX: '0',
      };
      const db = openDatabase(loadConfig({ ...env, GUEST_CODE_KEY: TEST_GUEST_CODE_KEY }).database);
      let server: Awaited<ReturnType<typeof serveUntilListening>> | undefined;
      try {
        await migrateToLatest(db);
        const org = await createOrgWithMembers(createAdminService(db.kysely), 'Scan', 'scan');
        server = await serveUntilListening(env);
        const base = server.url;
        const send: Send = async (method, url, options = {}) => {
          const response = await fetch(`${base}${url}`, {
            method,
            redirect: 'manual',
            headers: {
              ...(options.token && { authorization: `Bearer ${options.token}` }),
              ...(options.body !== undefined && { 'content-type': 'application/json' }),
              ...(options.form !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
            },
            ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
            ...(options.form !== undefined && { body: options.form }),
          });
          return { status: response.status, text: await response.text() };
        };
        const keys = process.env.TEST_DATABASE_URL ? [TEST_GUEST_CODE_KEY] : [];
        const secrets: Secrets = {
          tokens: Object.values(org.tokens),
          codes: [],
          invitationCodes: [],
          emails: memberEmails('scan'),
          keys,
        };
        await session(send, db, { ...org, adminEmail: 'scan-admin@members.test' }, secrets);
        if (!process.env.TEST_DATABASE_URL)
          secrets.keys.push(fs.readFileSync(path.join(dir, 'data', KEY_FILE_NAME), 'utf8').trim());
        // The worker sends the invitation and the access email (written as files here) and logs each.
        await server.process.waitForStdout(
          (out) => (out.match(/email written to file/g) ?? []).length >= 2,
          10_000,
          "the session's email to be sent",
        );
        const exit = await server.process.stop();
        assert.equal(exit.code, 0, server.process.describe());
        const text = `${server.process.stdout}\n${server.process.stderr}`;
        assert.ok((text.match(/request completed/g) ?? []).length >= 45, 'the session was logged');
        assert.deepEqual(leaks(text, secrets), []);
      } finally {
        await server?.process.stop().catch(() => undefined);
        await db.close();
        await database.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
