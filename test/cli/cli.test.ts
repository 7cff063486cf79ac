// The `guests` command as a real process (node bin/guests.js) on a temporary SQLite database,
// and its tokens against a real `guests serve` process.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { killAll, runGuests, serveUntilListening, type GuestsProcess, type RunResult } from '../../support/process.js';

/** Runs a command that must succeed with `--json`; returns the parsed stdout. */
async function runJson<T = Record<string, unknown>>(args: string[], env: Record<string, string>): Promise<T> {
  const result = await runGuests([...args, '--json'], env);
  assert.equal(result.code, 0, result.describe);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `--json prints one line\n${result.describe}`);
  return JSON.parse(lines[0] ?? '') as T;
}

/** Runs a command that must fail: the exit code, a message on stderr, nothing on stdout. */
async function runFailing(
  args: string[],
  env: Record<string, string>,
  exitCode: number,
  message: RegExp,
): Promise<RunResult> {
  const result = await runGuests(args, env);
  assert.equal(result.code, exitCode, result.describe);
  assert.equal(result.stdout, '', `nothing on stdout\n${result.describe}`);
  assert.match(result.stderr, message, result.describe);
  assert.doesNotMatch(result.stderr, /unexpected error|at .*\.ts:\d+/, `no stack trace\n${result.describe}`);
  return result;
}

/** Runs a failing `--json` command; stderr must be exactly one JSON error object. */
async function runFailingJson(
  args: string[],
  env: Record<string, string>,
  code: string,
  message: RegExp,
): Promise<void> {
  const result = await runFailing([...args, '--json'], env, 1, message);
  const body = JSON.parse(result.stderr.trim()) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code, result.describe);
  assert.match(body.error.message, message);
}

const HEX32 = /^[0-9a-f]{32}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const TOKEN = /^gst_[A-Za-z0-9_-]{43}$/;

interface Member {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: string;
}

/** What `member add --json` prints beyond id, email, names and role: the membership's dates and actors. */
/** The member object's keys, as the API answers it (the CLI prints the same object). */
const MEMBER_KEYS = [
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
];
/** The member object of the API (src/members/member.schemas.ts), in order. */
const MEMBER_OBJECT_KEYS = [
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
];

/** The five fields every member shape shares, in this order. */
function core(member: Member): Member {
  return {
    id: member.id,
    email: member.email,
    first_name: member.first_name,
    last_name: member.last_name,
    role: member.role,
  };
}

interface CreatedToken {
  id: number;
  token: string;
  expires_at: string | null;
}

function parseTimestampUtc(value: string): number {
  return Date.parse(`${value.replace(' ', 'T')}Z`);
}

// Each process costs ~1.4 s of CPU (tsx + the service's modules), so every run below is also
// used by a later step: ~21 processes in all.
describe('guests CLI (real processes, temporary SQLite database)', () => {
  let dir: string;
  let dbFile: string;
  let env: Record<string, string>;
  let orgId: string;
  let otherOrgId: string;
  const members = {} as Record<'admin' | 'standard' | 'light', Member>;
  const tokens = {} as Record<'admin' | 'admin2' | 'standardExpiring' | 'light', CreatedToken>;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-cli-'));
    dbFile = path.join(dir, 'data', 'guests.sqlite');
    env = { DATA_DIR: path.join(dir, 'data'), EMAIL_DNS_CHECK: 'off' };
  });

  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('migrate creates the database under DATA_DIR', { timeout: 30_000 }, async () => {
    assert.equal(fs.existsSync(dbFile), false);
    assert.deepEqual(await runJson(['migrate'], env), { migrated: true });
    assert.ok(fs.existsSync(dbFile), 'the SQLite file exists under DATA_DIR');
    const db = new SQLite(dbFile, { readonly: true });
    try {
      const names = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
      ).map((r) => r.name);
      for (const name of ['organizations', 'users', 'memberships', 'access_tokens', 'guests', 'organization_guests']) {
        assert.ok(names.includes(name), `table ${name} exists (${names.join(', ')})`);
      }
    } finally {
      db.close();
    }
  });

  test('org create --name (JSON and text output)', { timeout: 30_000 }, async () => {
    const [org, text] = await Promise.all([
      runJson<{ id: string; name: string }>(['org', 'create', '--name', '  Acme Corp  '], env),
      runGuests(['org', 'create', '--name', 'Other Inc'], env),
    ]);
    assert.deepEqual(Object.keys(org), ['id', 'name']);
    assert.match(org.id, HEX32);
    assert.equal(org.name, 'Acme Corp', 'the name is trimmed');
    assert.equal(text.code, 0, text.describe);
    const match = /^Created organization ([0-9a-f]{32}) \(Other Inc\)\.\n$/.exec(text.stdout);
    assert.ok(match?.[1], text.describe);
    assert.notEqual(match[1], org.id);
    orgId = org.id;
    otherOrgId = match[1];
  });

  test('member add for each role', { timeout: 30_000 }, async () => {
    const [admin, standard, light] = await Promise.all([
      runJson<Member>(
        [
          'member',
          'add',
          '--org',
          orgId,
          '--email',
          'Ada.Admin@Acme.TEST',
          '--role',
          'admin',
          '--first-name',
          'Ada',
          '--last-name',
          'Admin',
        ],
        env,
      ),
      runJson<Member>(
        ['member', 'add', '--org', orgId, '--email', 'sam@acme.test', '--role', 'standard', '--first-name', ' Sam '],
        env,
      ),
      runJson<Member>(['member', 'add', '--org', orgId, '--email', 'lee@acme.test', '--role', 'standard'], env),
    ]);
    for (const member of [admin, standard, light]) {
      assert.deepEqual(Object.keys(member), MEMBER_KEYS);
      assert.ok(Number.isInteger(member.id) && member.id > 0, `id ${member.id}`);
      const record = member as unknown as Record<string, unknown>;
      assert.match(String(record.created_at), TIMESTAMP);
      assert.equal(record.status, 'active');
      for (const key of ['invited_by', 'disabled_at', 'disabled_by', 'reactivated_at', 'reactivated_by']) {
        assert.equal(record[key], null, `${key} of a member added by the CLI`);
      }
    }
    assert.deepEqual(
      { ...core(admin), id: 0 },
      { id: 0, email: 'ada.admin@acme.test', first_name: 'Ada', last_name: 'Admin', role: 'admin' },
    );
    assert.deepEqual(
      { ...core(standard), id: 0 },
      { id: 0, email: 'sam@acme.test', first_name: 'Sam', last_name: null, role: 'standard' },
    );
    assert.deepEqual(
      { ...core(light), id: 0 },
      { id: 0, email: 'lee@acme.test', first_name: null, last_name: null, role: 'standard' },
    );
    assert.equal(new Set([admin.id, standard.id, light.id]).size, 3);

    // Adding an existing member again changes the role; same user, same id, same membership.
    const changed = await runJson<Member>(
      ['member', 'add', '--org', orgId, '--email', 'LEE@acme.test', '--role', 'light'],
      env,
    );
    assert.deepEqual(changed, { ...light, role: 'light' });
    Object.assign(members, { admin, standard, light: changed });
  });

  test(
    'token create: without expiry, with --name, with --expires-in DAYS (JSON and text)',
    { timeout: 30_000 },
    async () => {
      const startedAt = Date.now();
      const [admin, admin2, expiring, lightText] = await Promise.all([
        runJson<CreatedToken>(['token', 'create', '--email', 'ada.admin@acme.test'], env),
        runJson<CreatedToken>(['token', 'create', '--email', ' ADA.ADMIN@acme.test ', '--name', 'ci deploy'], env),
        runJson<CreatedToken>(['token', 'create', '--email', 'sam@acme.test', '--expires-in', '7'], env),
        runGuests(['token', 'create', '--email', 'lee@acme.test', '--expires-in', '1'], env),
      ]);
      for (const token of [admin, admin2, expiring]) {
        assert.deepEqual(Object.keys(token), ['id', 'token', 'expires_at']);
        assert.ok(Number.isInteger(token.id) && token.id > 0);
        assert.match(token.token, TOKEN);
      }
      assert.equal(admin.expires_at, null);
      assert.equal(admin2.expires_at, null);
      assert.match(expiring.expires_at ?? '', TIMESTAMP);
      const expiresAt = parseTimestampUtc(expiring.expires_at ?? '');
      const week = 7 * 86_400_000;
      assert.ok(
        expiresAt >= Math.floor(startedAt / 1000) * 1000 + week && expiresAt <= Date.now() + week,
        `expires_at ${expiring.expires_at} is 7 days from now (UTC)`,
      );

      assert.equal(lightText.code, 0, lightText.describe);
      const match =
        /^Token (\d+) \(shown only this once\): (gst_[A-Za-z0-9_-]{43})\nExpires at (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC\.\n$/.exec(
          lightText.stdout,
        );
      assert.ok(match, lightText.describe);
      const light = { id: Number(match[1]), token: match[2] ?? '', expires_at: match[3] ?? null };
      assert.ok(Math.abs(parseTimestampUtc(light.expires_at ?? '') - (startedAt + 86_400_000)) < 60_000);

      assert.equal(new Set([admin, admin2, expiring, light].map((t) => t.token)).size, 4);
      assert.equal(new Set([admin, admin2, expiring, light].map((t) => t.id)).size, 4);
      // Only the hash is stored.
      const db = new SQLite(dbFile, { readonly: true });
      try {
        const stored = db.prepare('SELECT token_hash, name FROM access_tokens WHERE id = ?').get(admin2.id) as {
          token_hash: string;
          name: string | null;
        };
        assert.notEqual(stored.token_hash, admin2.token);
        assert.ok(!stored.token_hash.includes(admin2.token.slice(4)));
        assert.equal(stored.name, 'ci deploy');
      } finally {
        db.close();
      }
      Object.assign(tokens, { admin, admin2, standardExpiring: expiring, light });
    },
  );

  test('usage errors: exit 2, message and usage on stderr, nothing on stdout', { timeout: 30_000 }, async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate', '--json'], /unknown command "frobnicate"/],
      [['org', 'create', '--json'], /--name is required/],
      [
        ['token', 'create', '--email', 'ada.admin@acme.test', '--expires-in', 'abc', '--json'],
        /--expires-in must be a whole number, got "abc"/,
      ],
    ];
    const results = await Promise.all(cases.map(([args, message]) => runFailing(args, env, 2, message)));
    for (const result of results) assert.match(result.stderr, /Usage: guests <command>/, result.describe);
  });

  test('failures: exit 1, one JSON error on stderr (--json), nothing on stdout', { timeout: 30_000 }, async () => {
    await Promise.all([
      runFailingJson(
        ['member', 'add', '--org', orgId, '--email', 'bad-role@acme.test', '--role', 'owner'],
        env,
        'VALIDATION_FAILED',
        /role must be one of admin, standard, light/,
      ),
      runFailingJson(
        ['member', 'add', '--org', '0'.repeat(32), '--email', 'nobody@acme.test', '--role', 'admin'],
        env,
        'RESOURCE_NOT_FOUND',
        /No organization 0{32}/,
      ),
      runFailingJson(
        ['token', 'create', '--email', 'ada.admin@acme.test', '--expires-in', '0'],
        env,
        'VALIDATION_FAILED',
        /from 1 to 3650/,
      ),
      runFailingJson(['token', 'revoke', '--id', '999999'], env, 'RESOURCE_NOT_FOUND', /No token with id 999999/),
    ]);
    // The rejected member add created no user, so no token can be made for that address.
    await runFailingJson(
      ['token', 'create', '--email', 'bad-role@acme.test'],
      env,
      'RESOURCE_NOT_FOUND',
      /No user with email bad-role@acme\.test/,
    );
  });

  describe('tokens against a running server (guests serve)', () => {
    let server: GuestsProcess;
    let base: string;
    let usersUrl: string;

    const get = (
      token: string,
      url = usersUrl,
      headers: Record<string, string> = { 'X-Tallyfy-Client': 'APIClient' },
    ) =>
      fetch(url, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...headers },
        signal: AbortSignal.timeout(5_000),
      });

    async function assertUnauthenticated(response: Response): Promise<void> {
      assert.equal(response.status, 401);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body.code, 'UNAUTHENTICATED');
      assert.equal(body.status, 401);
      assert.equal(typeof body.message, 'string');
    }

    before(async () => {
      ({ process: server, url: base } = await serveUntilListening(env, { timeoutMs: 20_000 }));
      usersUrl = `${base}/api/organizations/${orgId}/users`;
    });

    after(async () => {
      if (server?.running) await server.stop(10_000);
    });

    test('the database already has organizations: no demo data is seeded', () => {
      assert.doesNotMatch(server.stdout, /New database|gst_/);
    });

    test(
      "CLI tokens read the organization's members, with or without the client header",
      { timeout: 15_000 },
      async () => {
        const ok = await get(tokens.admin.token);
        assert.equal(ok.status, 200);
        const body = (await ok.json()) as { data: Array<Member & Record<string, unknown>> };
        const expected = [members.admin, members.standard, members.light].sort((a, b) => a.id - b.id);
        assert.deepEqual(body.data.map(core), expected.map(core), 'every member, by id');
        for (const [i, member] of body.data.entries()) {
          assert.deepEqual(Object.keys(member), MEMBER_OBJECT_KEYS, member.email);
          const added = expected[i] as unknown as Record<string, unknown>;
          assert.deepEqual(
            {
              username: member.username,
              full_name: member.full_name,
              profile_pic: member.profile_pic,
              timezone: member.timezone,
              status: member.status,
              created_at: member.created_at,
              last_login_at: member.last_login_at,
            },
            {
              username: null,
              full_name: [member.first_name, member.last_name].filter(Boolean).join(' ') || null,
              profile_pic: null,
              timezone: null,
              status: 'active',
              created_at: added.created_at,
              last_login_at: null,
            },
            member.email,
          );
        }
        // A light member may read too; the token with --expires-in is valid until it expires.
        assert.equal((await get(tokens.light.token)).status, 200);
        assert.equal((await get(tokens.standardExpiring.token)).status, 200);
        // X-Tallyfy-Client is optional by default (REQUIRE_CLIENT_HEADER=false): absent or any value.
        assert.equal((await get(tokens.admin.token, usersUrl, {})).status, 200, 'without X-Tallyfy-Client');
        for (const client of ['TallyfySDK', 'n8n']) {
          assert.equal((await get(tokens.admin.token, usersUrl, { 'X-Tallyfy-Client': client })).status, 200, client);
        }
        // A member of one organization only: the other one is forbidden.
        const forbidden = await get(tokens.admin.token, `${base}/api/organizations/${otherOrgId}/users`);
        assert.equal(forbidden.status, 403);
        assert.equal(((await forbidden.json()) as { code: string }).code, 'FORBIDDEN');
      },
    );

    test(
      "token revoke turns the token away at once; the user's other tokens still work",
      { timeout: 30_000 },
      async () => {
        assert.deepEqual(await runJson(['token', 'revoke', '--id', String(tokens.admin.id)], env), {
          id: tokens.admin.id,
          revoked: true,
        });
        await assertUnauthenticated(await get(tokens.admin.token));
        await assertUnauthenticated(await get(tokens.admin.token, `${base}/organizations/${orgId}/users`));
        await assertUnauthenticated(await get(tokens.admin.token, `${base}/api/organizations/${orgId}/guests`));
        assert.equal((await get(tokens.admin2.token)).status, 200);
        // Revoking again is not an error, and the token stays revoked.
        const again = await runGuests(['token', 'revoke', '--id', String(tokens.admin.id)], env);
        assert.equal(again.code, 0, again.describe);
        assert.equal(again.stdout, `Token ${tokens.admin.id} revoked.\n`);
        await assertUnauthenticated(await get(tokens.admin.token));
      },
    );

    test('an expired token is turned away', { timeout: 15_000 }, async () => {
      // A day cannot be waited for: move the expiry into the past in the database the server uses.
      const db = new SQLite(dbFile);
      try {
        db.pragma('busy_timeout = 5000');
        const changed = db
          .prepare('UPDATE access_tokens SET expires_at = ? WHERE id = ?')
          .run('2000-01-01 00:00:00', tokens.standardExpiring.id);
        assert.equal(changed.changes, 1);
      } finally {
        db.close();
      }
      await assertUnauthenticated(await get(tokens.standardExpiring.token));
    });

    test('unknown and missing tokens are turned away', { timeout: 15_000 }, async () => {
      await assertUnauthenticated(await get(`gst_${'A'.repeat(43)}`));
      await assertUnauthenticated(
        await fetch(usersUrl, { headers: { 'X-Tallyfy-Client': 'APIClient' }, signal: AbortSignal.timeout(5_000) }),
      );
    });

    test('SIGTERM stops the server with exit code 0', { timeout: 15_000 }, async () => {
      const exit = await server.stop(10_000);
      assert.deepEqual(exit, { code: 0, signal: null }, server.describe());
    });
  });
});
