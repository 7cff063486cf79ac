// First run of the real server process (`npm start` = `node bin/guests.js serve`) on an empty
// DATA_DIR: the printed demo data and curl command must work as printed; SIGTERM stops it cleanly;
// a second start on the same data seeds nothing and prints no token.
//
// DNS is left at its defaults on purpose (no EMAIL_DNS_CHECK, no DNS_SERVERS): the printed curl
// must work on a machine whose resolver cannot verify partnerco.com (mode `on` accepts it unverified).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, killAll, serveUntilListening, type GuestsProcess } from '../../support/process.js';

/** Splits a shell command line (single quotes, double quotes, backslash-newline continuations). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  const text = command.replace(/\\\n/g, ' ');
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      assert.ok(end > i, `unterminated single quote in ${command}`);
      current = (current ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      assert.ok(end > i, `unterminated double quote in ${command}`);
      current = (current ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(c)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Reads the printed `curl ...` command (with its continuation lines) into a request. */
function parseCurl(output: string): CurlRequest {
  const lines = output.split('\n');
  const first = lines.findIndex((line) => /^\s*curl\s/.test(line));
  assert.ok(first >= 0, `a curl command is printed:\n${output}`);
  const commandLines: string[] = [];
  for (let i = first; i < lines.length; i++) {
    const line = lines[i] as string;
    commandLines.push(line);
    if (!line.trimEnd().endsWith('\\')) break;
  }
  const words = shellWords(commandLines.join('\n'));
  assert.equal(words.shift(), 'curl');
  const request: CurlRequest = { method: 'GET', url: '', headers: {}, body: undefined };
  while (words.length > 0) {
    const word = words.shift() as string;
    if (word === '-s' || word === '--silent') continue;
    if (word === '-X' || word === '--request') request.method = words.shift() ?? '';
    else if (word === '-H' || word === '--header') {
      const header = words.shift() ?? '';
      const colon = header.indexOf(':');
      assert.ok(colon > 0, `header ${header}`);
      request.headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (word === '-d' || word === '--data' || word === '--data-raw') {
      request.body = words.shift();
      if (request.method === 'GET') request.method = 'POST';
    } else if (word.startsWith('-')) assert.fail(`unexpected curl option ${word}`);
    else {
      assert.equal(request.url, '', `one URL only (${word})`);
      request.url = word;
    }
  }
  return request;
}

const GUEST_KEYS = [
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
];
const DETAIL_KEYS = [
  'status',
  'phone_1',
  'phone_2',
  'timezone',
  'image_url',
  'contact_url',
  'company_url',
  'opportunity_url',
  'company_name',
  'opportunity_name',
  'external_sync_source',
  'external_date_creation',
  'cadence_days',
  'associated_members',
  'last_city',
  'last_country',
  'last_accessed_at',
  'disabled_at',
  'disabled_by',
  'reactivated_at',
  'reactivated_by',
];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

interface GuestBody {
  data: Record<string, unknown> & {
    id: number;
    email: string;
    link: string;
    created_at: string;
    details: Record<string, unknown>;
  };
}

/** The guest answer: exactly the guest object's keys, in order, with the profile sent. */
function assertGuestShape(
  body: unknown,
  expected: { email: string; first_name: string; last_name: string; company_name: string },
  base: string,
): GuestBody['data'] {
  assert.deepEqual(Object.keys(body as object), ['data']);
  const guest = (body as GuestBody).data;
  assert.deepEqual(Object.keys(guest), GUEST_KEYS);
  assert.deepEqual(Object.keys(guest.details), DETAIL_KEYS);
  assert.ok(Number.isInteger(guest.id) && guest.id > 0);
  assert.equal(guest.email, expected.email);
  assert.equal(guest.first_name, expected.first_name);
  assert.equal(guest.last_name, expected.last_name);
  assert.equal(guest.details.company_name, expected.company_name);
  assert.match(guest.created_at, TIMESTAMP);
  assert.ok(
    Math.abs(Date.parse(`${guest.created_at.replace(' ', 'T')}Z`) - Date.now()) < 5 * 60_000,
    `created_at ${guest.created_at} is now (UTC)`,
  );
  assert.equal(guest.deleted_at, null);
  assert.equal(guest.last_accessed_at, null);
  assert.match(guest.link, new RegExp(`^${base.replace(/[.]/g, '\\.')}/guest/[A-Za-z0-9_-]{20,}$`));
  for (const key of DETAIL_KEYS.filter((k) => k !== 'company_name'))
    assert.equal(guest.details[key], null, `details.${key}`);
  return guest;
}

describe('first run of `guests serve` on an empty DATA_DIR', () => {
  let dir: string;
  let env: Record<string, string>;
  let port: number;
  let base: string;
  let server: GuestsProcess;
  let orgId: string;
  let token: string;
  let curl: CurlRequest;
  const guestIds: number[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-first-run-'));
    // Only where the data lives (and a short DNS timeout in case the resolver is slow): the rest is `npm start`.
    env = { DATA_DIR: path.join(dir, 'data'), DNS_TIMEOUT_MS: '500' };
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('starts, and prints the demo organization, a token and a curl command', { timeout: 30_000 }, async () => {
    server = (await serveUntilListening(env, { port })).process;
    const out = server.stdout;
    assert.match(out, /New database: created a demo organization/);
    const org = /organization id : ([0-9a-f]{32})\n/.exec(out);
    const printedToken = /access token {4}: (gst_[A-Za-z0-9_-]{43})\n/.exec(out);
    assert.ok(org?.[1] && printedToken?.[1], out);
    orgId = org[1];
    token = printedToken[1];
    assert.match(out, /admin member {4}: admin@demo\.example \(id \d+\)/);
    // The token appears only in the demo text: the access token line and the curl.
    assert.equal(out.split(token).length - 1, 2, 'the token is printed twice (line + curl), no more');
    assert.doesNotMatch(server.stderr, /unexpected error|failed to start/);

    curl = parseCurl(out);
    assert.equal(curl.method, 'POST');
    assert.equal(curl.url, `${base}/api/organizations/${orgId}/guests`);
    assert.deepEqual(curl.headers, {
      Authorization: `Bearer ${token}`,
      'X-Tallyfy-Client': 'APIClient',
      Accept: 'application/json',
      'Content-Type': 'application/json',
    });
    assert.deepEqual(JSON.parse(curl.body ?? ''), {
      email: 'external.partner@partnerco.com',
      first_name: 'External',
      last_name: 'Partner',
      company_name: 'Partner Co',
    });
  });

  test(
    "the printed curl, sent as printed, creates the guest (201, the contract's guest shape)",
    { timeout: 20_000 },
    async () => {
      const response = await fetch(curl.url, {
        method: curl.method,
        headers: curl.headers,
        body: curl.body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      assert.equal(response.status, 201, text);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const guest = assertGuestShape(JSON.parse(text), JSON.parse(curl.body ?? '') as never, base);
      guestIds.push(guest.id);

      // Sent again: already a guest, 200 with the same record.
      const again = await fetch(curl.url, {
        method: curl.method,
        headers: curl.headers,
        body: curl.body,
        signal: AbortSignal.timeout(15_000),
      });
      assert.equal(again.status, 200);
      assert.deepEqual(await again.json(), JSON.parse(text));
    },
  );

  test('the JavaScript (fetch) equivalent creates another guest', { timeout: 20_000 }, async () => {
    const profile = {
      email: 'second.partner@partnerco.com',
      first_name: 'Second',
      last_name: 'Partner',
      company_name: 'Partner Co',
    };
    const response = await fetch(`${base}/api/organizations/${orgId}/guests`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'X-Tallyfy-Client': 'APIClient',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(profile),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    assert.equal(response.status, 201, text);
    const guest = assertGuestShape(JSON.parse(text), profile, base);
    assert.ok(!guestIds.includes(guest.id));
    guestIds.push(guest.id);
  });

  test('SIGTERM stops the server with exit code 0 within a few seconds', { timeout: 15_000 }, async () => {
    const started = Date.now();
    const exit = await server.stop(8_000);
    assert.deepEqual(exit, { code: 0, signal: null }, server.describe());
    assert.ok(Date.now() - started < 8_000);
    const refused = await fetch(`${base}/api/organizations/${orgId}/users`, {
      signal: AbortSignal.timeout(2_000),
    }).then(
      () => 'answered',
      () => 'refused',
    );
    assert.equal(refused, 'refused', 'nothing listens on the port any more');
  });

  test(
    'a second start on the same DATA_DIR seeds nothing and prints no token; the data is kept',
    { timeout: 30_000 },
    async () => {
      const second = (await serveUntilListening(env, { port, what: 'the second server to listen' })).process;
      assert.doesNotMatch(second.stdout, /gst_/);
      assert.doesNotMatch(second.stdout, /New database/);
      assert.doesNotMatch(second.stdout, /curl/);

      // The first run's token and guests are still there.
      const list = await fetch(`${base}/api/organizations/${orgId}/guests?sort=created_at`, {
        headers: { Authorization: `Bearer ${token}`, 'X-Tallyfy-Client': 'APIClient', Accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
      assert.equal(list.status, 200);
      const body = (await list.json()) as { data: Array<{ id: number; email: string }> };
      assert.deepEqual(body.data.map((g) => g.email).sort(), [
        'external.partner@partnerco.com',
        'second.partner@partnerco.com',
      ]);
      assert.deepEqual(body.data.map((g) => g.id).sort(), [...guestIds].sort());

      assert.deepEqual(await second.stop(8_000), { code: 0, signal: null }, second.describe());
    },
  );
});
