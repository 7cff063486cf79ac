// Slow clients against the real `guests serve` process: hundreds of request bodies that never
// finish, from the same address as the health checker and a normal client, on the public endpoint
// and on a bearer route. Meanwhile /health/live answers within a second and a guest can be
// created; after REQUEST_TIMEOUT_MS every stuck connection has been answered in the error body
// and closed. Once with room for them all, once under an open-file limit of 256, where the
// default connection cap (below that limit) makes new connections take the place of stuck ones.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { seedOrganization } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { GuestsProcess, cleanEnv, delay, freePort, killAll } from '../../support/process.js';
import { parseRaw, rawConnect, unfinishedPost, waitFor, type RawConnection } from './raw-http.js';

const STUCK = 320;
const REQUEST_TIMEOUT_MS = 4000;
const HAS_PRLIMIT = process.platform === 'linux' && spawnSync('prlimit', ['--version']).status === 0;

describe('slow clients against `guests serve`', () => {
  let dir: string;
  let orgId: string;
  let token: string;
  const timeline: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-slow-clients-'));
    ({ orgId, token } = await seedOrganization(
      { kind: 'sqlite', file: path.join(dir, 'data', 'guests.sqlite') },
      'Slow Org',
      'slow-admin@example.org',
    ));
  });

  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
    if (timeline.length > 0) console.log(`observed:\n  ${timeline.join('\n  ')}`);
  });

  /** One /health/live probe: its status (or how it failed) and how long it took. */
  async function health(url: string): Promise<{ status: number | string; ms: number }> {
    const started = Date.now();
    const status = await fetch(`${url}/health/live`, {
      signal: AbortSignal.timeout(3000),
      headers: { connection: 'close' },
    }).then(
      (r) => r.status,
      (error: Error) => `failed ${error.name}`,
    );
    return { status, ms: Date.now() - started };
  }

  async function run(label: string, wrapper: string[], expectEvictions: boolean): Promise<void> {
    const port = await freePort();
    const env = cleanEnv({
      DATA_DIR: path.join(dir, 'data'),
      EMAIL_DNS_CHECK: 'off',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HEADERS_TIMEOUT_MS: '2000',
      ACCESS_EMAIL_LIMIT_PER_IP: '0',
      RATE_LIMIT_MAX: '0',
    });
    const server = new GuestsProcess(['serve', '--port', String(port)], env, wrapper);
    await server.waitForStdout((out) => out.includes('guest service listening'), 25_000, 'the server to listen');
    const url = `http://127.0.0.1:${port}`;
    try {
      const stuck: RawConnection[] = [];
      const openedAt = Date.now();
      for (let i = 0; i < STUCK; i += 20) {
        stuck.push(
          ...(await Promise.all(
            Array.from({ length: 20 }, (_, j) =>
              rawConnect(
                port,
                (i + j) % 2 === 0
                  ? unfinishedPost('/public/guests/access')
                  : unfinishedPost(`/api/organizations/${orgId}/guests`, {
                      Authorization: `Bearer ${token}`,
                      'X-Tallyfy-Client': 'APIClient',
                    }),
              ),
            ),
          )),
        );
      }

      // While they are open: health answers within a second, and a normal client creates a guest.
      const probes: Array<{ status: number | string; ms: number }> = [];
      for (let i = 0; i < 10; i += 1) {
        probes.push(await health(url));
        await delay(100);
      }
      const email = `normal.${label.replace(/\W+/g, '-')}@example.org`;
      const create = await fetch(`${url}/api/organizations/${orgId}/guests`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'X-Tallyfy-Client': 'APIClient',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ email, first_name: 'Normal' }),
        signal: AbortSignal.timeout(5000),
      });
      const stillOpen = stuck.filter((c) => c.closedAt === undefined).length;
      timeline.push(
        `${label}: ${STUCK} stuck bodies opened in ${Date.now() - openedAt} ms; ${stillOpen} still open after the probes; health ${probes.map((p) => `${p.status}/${p.ms}ms`).join(' ')}; create ${create.status}`,
      );
      for (const probe of probes)
        assert.ok(
          probe.status === 200 && probe.ms < 1000,
          `health answered ${probe.status} in ${probe.ms} ms\n${server.describe()}`,
        );
      assert.equal(create.status, 201, await create.text());
      if (expectEvictions) assert.ok(stillOpen < STUCK, 'the cap made stuck connections make room');
      else assert.equal(stillOpen, STUCK, 'with room for them, every stuck connection stays open until its timeout');

      // After the request timeout every stuck connection has its answer, in the error body, and is closed.
      assert.ok(
        await waitFor(() => stuck.every((c) => c.closedAt !== undefined), REQUEST_TIMEOUT_MS + 4000),
        `${stuck.filter((c) => c.closedAt === undefined).length} still open`,
      );
      const codes: Record<string, number> = {};
      for (const c of stuck) {
        const answer = parseRaw(c.received);
        const code = answer.statusCode === 408 ? 'REQUEST_TIMEOUT' : 'SERVICE_UNAVAILABLE';
        assertProblem(answer, answer.statusCode === 408 ? 408 : 503, code);
        codes[code] = (codes[code] ?? 0) + 1;
      }
      timeline.push(`${label}: the stuck connections got ${JSON.stringify(codes)}`);
      assert.ok((codes.REQUEST_TIMEOUT ?? 0) > 0, 'some timed out');
      if (!expectEvictions) assert.deepEqual(codes, { REQUEST_TIMEOUT: STUCK });

      // Nothing the stuck requests carried was written; the normal client's guest was.
      const list = await fetch(`${url}/api/organizations/${orgId}/guests`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const emails = ((await list.json()) as { data: Array<{ email: string }> }).data.map((g) => g.email);
      assert.ok(emails.includes(email), emails.join(', '));
      assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.describe());
    } finally {
      if (server.running) await server.stop().catch(() => undefined);
    }
  }

  test(
    `${STUCK} unfinished bodies with room for all: health and a normal client are served, then each stuck request gets 408`,
    { timeout: 60_000 },
    async () => {
      await run('room for all', [], false);
    },
  );

  test(
    `${STUCK} unfinished bodies under an open-file limit of 256: stuck connections make room, health and a normal client are served`,
    {
      timeout: 60_000,
      skip: HAS_PRLIMIT ? false : 'needs Linux and prlimit',
    },
    async () => {
      await run('open-file limit 256', ['prlimit', '--nofile=256'], true);
    },
  );
});
