/**
 * Tenant isolation (docs/conventions.md, Authentication; docs/guests.md): a member of one
 * organization can neither read nor change another's guests or members through any route, under
 * either base path; an unknown or malformed organization id is the same 403 as one the caller is
 * not a member of; a guest of two organizations keeps two independent profiles; and each role gets
 * exactly the access docs/ gives it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256 } from '../../src/core/secrets.js';
import type { InjectOptions } from 'fastify';
import {
  buildTestApp,
  call,
  createGuest,
  createOrgWithMembers,
  uniqueEmail,
  type TestContext,
} from '../../support/app.js';
import { assertProblem, sameAnswerPart } from '../../support/problem.js';

const BASES = ['/api', ''] as const;
const ROLES = ['admin', 'standard', 'light'] as const;
type Role = (typeof ROLES)[number];

interface Org {
  orgId: string;
  tokens: Record<Role, string>;
  members: Record<Role, number>;
}

interface ResponseLike {
  statusCode: number | undefined;
  headers: Record<string, unknown>;
  body: string;
}

interface GuestData {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  link: string;
  deleted_at: string | null;
  details: Record<string, unknown>;
}

interface ListBody {
  data: GuestData[];
  meta: { pagination: { total: number; count: number } };
}

/** `createGuest`, typed with the fields these tests read. */
async function newGuest(...args: Parameters<typeof createGuest>): Promise<GuestData> {
  return (await createGuest(...args)) as unknown as GuestData;
}

interface RouteCase {
  method: InjectOptions['method'];
  url: string;
  body?: unknown;
}

/**
 * Every route of the bearer API on `orgId`, under `base`; `emails` are the guests named in the
 * per-guest routes. The POST bodies are valid, so only the access check can stop them.
 */
function everyRoute(base: string, orgId: string, emails: string[], newEmail = uniqueEmail('intruder')): RouteCase[] {
  const org = `${base}/organizations/${orgId}`;
  const cases: RouteCase[] = [
    { method: 'POST', url: `${org}/guests`, body: { email: newEmail, first_name: 'Intruder' } },
    { method: 'GET', url: `${org}/guests` },
    { method: 'GET', url: `${org}/guests?without_pagination=true` },
    { method: 'GET', url: `${org}/guests?q=a&with=stats&per_page=5&page=1` },
    { method: 'GET', url: `${org}/users` },
  ];
  for (const email of emails) {
    const one = `${org}/guests/${encodeURIComponent(email)}`;
    cases.push(
      { method: 'POST', url: `${org}/guests`, body: { email, first_name: 'Hijacked' } },
      { method: 'GET', url: one },
      { method: 'GET', url: `${one}?with=stats` },
      { method: 'PUT', url: one, body: { first_name: 'Hacked', company_name: 'Hacked Inc', associated_members: [] } },
      { method: 'DELETE', url: one },
    );
  }
  return cases;
}

/** A raw HTTP request, so that the path reaches the server exactly as written (no `..` folding). */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<ResponseLike> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ statusCode: response.statusCode, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('tenant isolation', () => {
  let ctx: TestContext;
  let a: Org;
  let b: Org;
  /** Guests of A only, of B only, and one of both (different profiles). */
  let aGuest: GuestData;
  let bGuest: GuestData;
  let bGuest2: GuestData;
  let shared: string;
  const unknownOrg = '0123456789abcdef0123456789abcdef';

  before(async () => {
    ctx = await buildTestApp();
    a = { orgId: ctx.orgId, tokens: ctx.tokens, members: ctx.members };
    b = await createOrgWithMembers(ctx.admin, 'Beta', 'beta');
    aGuest = await newGuest(ctx, { first_name: 'Alfredo', last_name: 'Alphaonly', company_name: 'Alpha Only Co' });
    bGuest = await newGuest(
      ctx,
      { email: uniqueEmail('zebulon'), first_name: 'Zebulon', last_name: 'Quixote', company_name: 'Bravo Only Ltd' },
      b.tokens.admin,
      b.orgId,
    );
    bGuest2 = await newGuest(
      ctx,
      { email: uniqueEmail('yolanda'), first_name: 'Yolanda', company_name: 'Bravo Two' },
      b.tokens.admin,
      b.orgId,
    );
    shared = uniqueEmail('shared');
    await createGuest(ctx, { email: shared, first_name: 'Sharedalpha', company_name: 'Seen by A', phone_1: '111' });
    await createGuest(
      ctx,
      { email: shared, first_name: 'Sharedbravo', company_name: 'Seen by B', phone_1: '222' },
      b.tokens.admin,
      b.orgId,
    );
  });
  after(() => ctx.close());

  /** Everything the database holds about an organization, for before/after comparisons. */
  async function snapshot(orgId: string) {
    const k = ctx.db.kysely;
    const records = await k
      .selectFrom('organization_guests')
      .selectAll()
      .where('organization_id', '=', orgId)
      .orderBy('id')
      .execute();
    const guestIds = records.map((r) => r.guest_id);
    const guests =
      guestIds.length === 0
        ? []
        : await k.selectFrom('guests').selectAll().where('id', 'in', guestIds).orderBy('id').execute();
    const memberships = await k
      .selectFrom('memberships')
      .selectAll()
      .where('organization_id', '=', orgId)
      .orderBy('user_id')
      .execute();
    const invites = await k.selectFrom('invite_windows').selectAll().where('organization_id', '=', orgId).execute();
    const organization = await k.selectFrom('organizations').selectAll().where('id', '=', orgId).execute();
    return { organization, records, guests, memberships, invites };
  }

  /** Everything B's own admin can read through the API. */
  async function readAsOwner(org: Org) {
    const list = await call(
      ctx,
      org.tokens.admin,
      'GET',
      `/api/organizations/${org.orgId}/guests?without_pagination=true`,
    );
    assert.equal(list.statusCode, 200, list.body);
    const users = await call(ctx, org.tokens.admin, 'GET', `/api/organizations/${org.orgId}/users`);
    assert.equal(users.statusCode, 200, users.body);
    return { guests: list.json<ListBody>().data, users: users.json<{ data: unknown[] }>().data };
  }

  async function globalGuest(email: string) {
    return ctx.db.kysely.selectFrom('guests').selectAll().where('email', '=', email).executeTakeFirst();
  }

  async function run(token: string, route: RouteCase) {
    return call(ctx, token, route.method, route.url, route.body);
  }

  describe('a member of A calling any route on B', () => {
    for (const role of ROLES) {
      for (const base of BASES) {
        it(`${role} of A, under ${base || '/'}: 403 FORBIDDEN everywhere, B unchanged`, async () => {
          const beforeDb = await snapshot(b.orgId);
          const beforeApi = await readAsOwner(b);
          const aBefore = await snapshot(a.orgId);
          const intruder = uniqueEmail('intruder');
          const routes = everyRoute(base, b.orgId, [bGuest.email, shared, aGuest.email], intruder);
          for (const route of routes) {
            assertProblem(await run(a.tokens[role], route), 403, 'FORBIDDEN', `${route.method} ${route.url}`);
          }
          assert.deepEqual(await snapshot(b.orgId), beforeDb, "B's rows are unchanged");
          assert.deepEqual(await readAsOwner(b), beforeApi, 'B reads the same through its own admin');
          assert.deepEqual(await snapshot(a.orgId), aBefore, "A's rows are unchanged too");
          assert.equal(await globalGuest(intruder), undefined, 'no global guest was created');
        });
      }
    }

    it("B's members calling A: the same 403 (the check is symmetric)", async () => {
      const beforeDb = await snapshot(a.orgId);
      for (const role of ROLES) {
        for (const base of BASES) {
          for (const route of everyRoute(base, a.orgId, [aGuest.email, shared])) {
            assertProblem(await run(b.tokens[role], route), 403, 'FORBIDDEN', `${role} ${route.method} ${route.url}`);
          }
        }
      }
      assert.deepEqual(await snapshot(a.orgId), beforeDb);
    });

    it('the 403 says nothing about B or its guests', async () => {
      const known = await call(
        ctx,
        a.tokens.admin,
        'GET',
        `/api/organizations/${b.orgId}/guests/${encodeURIComponent(bGuest.email)}`,
      );
      const unknown = await call(
        ctx,
        a.tokens.admin,
        'GET',
        `/api/organizations/${b.orgId}/guests/${encodeURIComponent(uniqueEmail('nobody'))}`,
      );
      assert.deepEqual(sameAnswerPart(known), sameAnswerPart(unknown));
      assert.doesNotMatch(known.body, /Beta|Zebulon|zebulon/);
    });
  });

  describe("organization ids that are not the caller's", () => {
    it('an organization that does not exist: 403, the same answer as a real one (no existence leak)', async () => {
      for (const base of BASES) {
        for (const [token, notMine] of [
          [a.tokens.admin, b.orgId],
          [a.tokens.light, b.orgId],
          [b.tokens.admin, a.orgId],
        ] as const) {
          const missing = everyRoute(base, unknownOrg, [shared, bGuest.email]);
          const existing = everyRoute(base, notMine, [shared, bGuest.email]);
          for (const [index, route] of missing.entries()) {
            const response = await run(token, route);
            assertProblem(response, 403, 'FORBIDDEN', `${route.method} ${route.url}`);
            // The same answer as for an organization that exists but is not the caller's.
            const real = existing[index];
            assert.ok(real);
            const answer = await run(token, real);
            assert.equal(answer.statusCode, 403);
            assert.deepEqual(sameAnswerPart(response), sameAnswerPart(answer), `${route.method} ${route.url}`);
          }
        }
      }
      const rows = await ctx.db.kysely
        .selectFrom('organization_guests')
        .select('id')
        .where('organization_id', '=', unknownOrg)
        .execute();
      assert.deepEqual(rows, []);
    });

    it("malformed ids, even ones that spell the caller's own organization another way: 403, never 500", async () => {
      const malformed = [
        a.orgId.toUpperCase(), // uppercase hex of A's own id
        a.orgId.slice(0, 31), // 31 characters
        `${a.orgId}0`, // 33 characters
        `${a.orgId.slice(0, 31)}g`, // not hex
        `%20${a.orgId}`, // leading space
        `${a.orgId}%20`,
        `${a.orgId}%00`,
        '..%2F', // "../" encoded
        '%2E%2E%2F',
        '..%2F..%2Fusers',
        '%27%20OR%201%3D1--', // ' OR 1=1--
        '%25',
        '*',
      ];
      const beforeDb = await snapshot(a.orgId);
      for (const id of malformed) {
        for (const base of BASES) {
          for (const role of ROLES) {
            const intruder = uniqueEmail('malformed');
            for (const route of everyRoute(base, id, [aGuest.email, shared], intruder)) {
              assertProblem(await run(a.tokens[role], route), 403, 'FORBIDDEN', `${role} ${route.method} ${route.url}`);
            }
            assert.equal(await globalGuest(intruder), undefined);
          }
        }
      }
      assert.deepEqual(await snapshot(a.orgId), beforeDb);
    });

    it('a literal ../ in the path, sent as is over HTTP: 403, never 500', async () => {
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = ctx.app.server.address() as AddressInfo;
      const headers = { authorization: `Bearer ${a.tokens.admin}`, 'x-tallyfy-client': 'APIClient' };
      for (const base of BASES) {
        for (const [method, path] of [
          ['GET', `${base}/organizations/../guests`],
          ['GET', `${base}/organizations/../users`],
          ['GET', `${base}/organizations/../guests/${encodeURIComponent(aGuest.email)}`],
          ['DELETE', `${base}/organizations/../guests/${encodeURIComponent(aGuest.email)}`],
          ['GET', `${base}/organizations/..%2F${a.orgId}/guests`],
          ['GET', `${base}/organizations/${a.orgId}%2F..%2F${b.orgId}/guests`],
        ] as const) {
          // Sent raw, `..` is not folded away: it arrives as the org id, and is no member's.
          assertProblem(await rawRequest(port, method, path, headers), 403, 'FORBIDDEN', `${method} ${path}`);
        }
      }
      // In process, light-my-request folds `..` away (`/api/organizations/../guests` is `/api/guests`):
      // no such endpoint, still the error body and no 500.
      for (const base of BASES) {
        assertProblem(
          await call(ctx, a.tokens.admin, 'GET', `${base}/organizations/../guests`),
          404,
          'ENDPOINT_NOT_FOUND',
        );
      }
      const still = await call(
        ctx,
        a.tokens.admin,
        'GET',
        `/api/organizations/${a.orgId}/guests/${encodeURIComponent(aGuest.email)}`,
      );
      assert.equal(still.statusCode, 200);
    });

    it("over-long and badly percent-encoded org ids answer the contract's error body", async () => {
      const long = await call(ctx, a.tokens.admin, 'GET', `/api/organizations/${'x'.repeat(600)}/guests`);
      assertProblem(long, 414, 'URI_TOO_LONG', 'over-long');
      assert.doesNotMatch(long.body, /x{100}/, 'the URL is not echoed back');
      const undecodable = await call(ctx, a.tokens.admin, 'GET', '/api/organizations/%E0%A4%A/guests');
      assertProblem(undecodable, 400, 'BAD_REQUEST', 'undecodable');
    });
  });

  describe('a guest of both organizations', () => {
    /** A new email joined to A and to B with different profiles. */
    async function shareNewGuest() {
      const email = uniqueEmail('both');
      const inA = await newGuest(ctx, {
        email,
        first_name: 'Ann',
        last_name: 'Alpha',
        company_name: 'A Corp',
        status: 'A status',
      });
      const inB = await newGuest(
        ctx,
        { email, first_name: 'Bea', last_name: 'Bravo', company_name: 'B Corp', cadence_days: ['Monday'] },
        b.tokens.admin,
        b.orgId,
      );
      return { email, inA, inB };
    }
    const getIn = (org: Org, email: string, base = '/api') =>
      call(ctx, org.tokens.admin, 'GET', `${base}/organizations/${org.orgId}/guests/${encodeURIComponent(email)}`);
    const putIn = (org: Org, email: string, body: unknown, base = '/api') =>
      call(
        ctx,
        org.tokens.admin,
        'PUT',
        `${base}/organizations/${org.orgId}/guests/${encodeURIComponent(email)}`,
        body,
      );
    const deleteIn = (org: Org, email: string, base = '/api') =>
      call(ctx, org.tokens.admin, 'DELETE', `${base}/organizations/${org.orgId}/guests/${encodeURIComponent(email)}`);

    it('has one global id and one global row, but each organization its own profile and link', async () => {
      const { email, inA, inB } = await shareNewGuest();
      assert.equal(inA.id, inB.id);
      assert.notEqual(inA.link, inB.link);
      const rows = await ctx.db.kysely.selectFrom('guests').select('id').where('email', '=', email).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.id, inA.id);
      for (const base of BASES) {
        const fromA = (await getIn(a, email, base)).json<{ data: GuestData }>().data;
        const fromB = (await getIn(b, email, base)).json<{ data: GuestData }>().data;
        assert.equal(fromA.id, fromB.id);
        assert.deepEqual(
          [
            fromA.first_name,
            fromA.last_name,
            fromA.details.company_name,
            fromA.details.status,
            fromA.details.cadence_days,
          ],
          ['Ann', 'Alpha', 'A Corp', 'A status', null],
        );
        assert.deepEqual(
          [
            fromB.first_name,
            fromB.last_name,
            fromB.details.company_name,
            fromB.details.status,
            fromB.details.cadence_days,
          ],
          ['Bea', 'Bravo', 'B Corp', null, ['Monday']],
        );
        assert.equal(fromA.link, inA.link);
        assert.equal(fromB.link, inB.link);
      }
    });

    it('an update in A is invisible in B, and one in B invisible in A', async () => {
      const { email } = await shareNewGuest();
      const bBefore = (await getIn(b, email)).json();
      const updatedA = await putIn(a, email, {
        first_name: 'Changed',
        company_name: null,
        phone_1: '+1 555',
        associated_members: [a.members.standard],
        timezone: 'Europe/London',
      });
      assert.equal(updatedA.statusCode, 201, updatedA.body);
      assert.equal(updatedA.json().data.first_name, 'Changed');
      assert.deepEqual((await getIn(b, email)).json(), bBefore);

      const aBefore = (await getIn(a, email, '')).json();
      const updatedB = await putIn(
        b,
        email,
        { last_name: 'Renamed', status: 'B only', cadence_days: null, associated_members: [b.members.light] },
        '',
      );
      assert.equal(updatedB.statusCode, 201, updatedB.body);
      assert.equal(updatedB.json().data.last_name, 'Renamed');
      assert.deepEqual((await getIn(a, email, '')).json(), aBefore);
      assert.deepEqual(aBefore.data.details.associated_members, [a.members.standard]);
    });

    it("A cannot associate B's members with its record of the shared guest", async () => {
      const { email } = await shareNewGuest();
      const response = await putIn(a, email, { associated_members: [b.members.admin] });
      assert.equal(response.statusCode, 422, response.body);
      assert.ok(response.json().errors['associated_members.0']);
    });

    it("removing from A leaves B's record working; the global guest is soft-deleted only when removed from B too", async () => {
      const { email, inA, inB } = await shareNewGuest();
      const bBefore = (await getIn(b, email)).json();

      const removed = await deleteIn(a, email);
      assert.equal(removed.statusCode, 200, removed.body);
      assert.notEqual(removed.json().data.deleted_at, null);
      assertProblem(await getIn(a, email), 404, 'RESOURCE_NOT_FOUND');

      for (const base of BASES) {
        const inBNow = await getIn(b, email, base);
        assert.equal(inBNow.statusCode, 200, inBNow.body);
        assert.deepEqual(inBNow.json(), bBefore);
        assert.equal(inBNow.json().data.deleted_at, null);
      }
      assert.equal((await globalGuest(email))?.deleted_at, null, 'still a guest of B: not soft-deleted');
      const bRecord = await ctx.db.kysely
        .selectFrom('organization_guests')
        .selectAll()
        .where('organization_id', '=', b.orgId)
        .where('guest_id', '=', inB.id)
        .executeTakeFirstOrThrow();
      assert.equal(bRecord.deleted_at, null);
      assert.notEqual(bRecord.guest_code_encrypted, null, "B's link still works");
      assert.equal(bRecord.guest_code_hash, sha256(inB.link.split('/').pop() as string));

      const listB = (
        await call(ctx, b.tokens.admin, 'GET', `/api/organizations/${b.orgId}/guests?q=${encodeURIComponent(email)}`)
      ).json<ListBody>();
      assert.deepEqual(
        listB.data.map((g) => g.email),
        [email],
      );
      const listA = (
        await call(ctx, a.tokens.admin, 'GET', `/api/organizations/${a.orgId}/guests?q=${encodeURIComponent(email)}`)
      ).json<ListBody>();
      assert.deepEqual(listA.data, []);

      // B can still update its record; A's removed one is not revived by it.
      assert.equal((await putIn(b, email, { first_name: 'Still here' })).statusCode, 201);
      assertProblem(await putIn(a, email, { first_name: 'Ghost' }), 404, 'RESOURCE_NOT_FOUND');
      // Removing again: not a guest of A any more, answered as Tallyfy documents (422 on the email).
      const again = await deleteIn(a, email);
      assert.equal(again.statusCode, 422, again.body);
      assert.equal(again.json().code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(again.json().errors), ['email']);

      const removedB = await deleteIn(b, email, '');
      assert.equal(removedB.statusCode, 200, removedB.body);
      assert.notEqual((await globalGuest(email))?.deleted_at, null, 'no organization has the guest: soft-deleted');
      assert.equal((await globalGuest(email))?.id, inA.id);
    });

    it('removing from B first works the same way round', async () => {
      const { email } = await shareNewGuest();
      const aBefore = (await getIn(a, email)).json();
      assert.equal((await deleteIn(b, email)).statusCode, 200);
      assert.deepEqual((await getIn(a, email)).json(), aBefore);
      assert.equal((await globalGuest(email))?.deleted_at, null);
      assert.equal((await deleteIn(a, email)).statusCode, 200);
      assert.notEqual((await globalGuest(email))?.deleted_at, null);
    });

    it("creating the shared email again in A answers A's record, not B's profile", async () => {
      const { email, inA } = await shareNewGuest();
      const again = await call(ctx, a.tokens.admin, 'POST', `/api/organizations/${a.orgId}/guests`, {
        email,
        first_name: 'Other',
      });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().data.first_name, 'Ann');
      assert.equal(again.json().data.link, inA.link);
    });
  });

  describe('lists', () => {
    const listA = async (query: string, base = '/api') => {
      const response = await call(ctx, a.tokens.admin, 'GET', `${base}/organizations/${a.orgId}/guests${query}`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json<ListBody>();
    };
    const bOnlyEmails = () => [bGuest.email, bGuest2.email];

    it("A's list holds A's guests only, with A's profile of the shared guest", async () => {
      const activeInA = await ctx.db.kysely
        .selectFrom('organization_guests')
        .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
        .select('guests.email')
        .where('organization_id', '=', a.orgId)
        .where('organization_guests.deleted_at', 'is', null)
        .execute();
      const expected = activeInA.map((r) => r.email).sort();
      for (const base of BASES) {
        for (const query of ['', '?without_pagination=true', '?per_page=1000', '?sort=-email', '?with=stats']) {
          const list = await listA(query, base);
          assert.deepEqual(list.data.map((g) => g.email).sort(), expected, `${base} ${query}`);
          assert.equal(list.meta.pagination.total, expected.length);
          for (const email of bOnlyEmails()) assert.ok(!list.data.some((g) => g.email === email), `${base} ${query}`);
          const sharedInA = list.data.find((g) => g.email === shared);
          assert.equal(sharedInA?.first_name, 'Sharedalpha');
          assert.equal(sharedInA?.details.company_name, 'Seen by A');
        }
      }
      // Page by page too: the pages together are exactly A's guests.
      const seen: string[] = [];
      for (let page = 1; page <= expected.length; page++) {
        const list = await listA(`?per_page=1&page=${page}`);
        assert.equal(list.meta.pagination.total, expected.length);
        seen.push(...list.data.map((g) => g.email));
      }
      assert.deepEqual(seen.sort(), expected);
    });

    it("q matching only B's guests finds nothing in A, paginated or not", async () => {
      const queries = [
        'Zebulon',
        'zebulon',
        'Quixote',
        'Bravo Only',
        'bravo',
        'Yolanda',
        bGuest.email,
        bGuest2.email,
        'Sharedbravo',
        'Seen by B',
      ];
      for (const q of queries) {
        for (const base of BASES) {
          for (const extra of ['', '&without_pagination=true']) {
            const list = await listA(`?q=${encodeURIComponent(q)}${extra}`, base);
            assert.deepEqual(list.data, [], `q=${q}${extra}`);
            assert.equal(list.meta.pagination.total, 0);
          }
        }
      }
      // The same queries do find them in B: the guests are there, just not A's.
      const inB = await call(ctx, b.tokens.admin, 'GET', `/api/organizations/${b.orgId}/guests?q=Zebulon`);
      assert.deepEqual(
        inB.json<ListBody>().data.map((g) => g.email),
        [bGuest.email],
      );
      const sharedInB = await call(
        ctx,
        b.tokens.admin,
        'GET',
        `/api/organizations/${b.orgId}/guests?q=Sharedbravo&without_pagination=true`,
      );
      assert.deepEqual(
        sharedInB.json<ListBody>().data.map((g) => [g.email, g.first_name]),
        [[shared, 'Sharedbravo']],
      );
    });

    it("q matching the shared guest's A profile lists it in A with A's profile only", async () => {
      for (const extra of ['', '&without_pagination=true']) {
        const list = await listA(`?q=Sharedalpha${extra}`);
        assert.deepEqual(
          list.data.map((g) => [g.email, g.first_name, g.details.company_name, g.details.phone_1]),
          [[shared, 'Sharedalpha', 'Seen by A', '111']],
        );
      }
    });

    it("A's users are A's members only", async () => {
      for (const base of BASES) {
        const users = await call(ctx, a.tokens.light, 'GET', `${base}/organizations/${a.orgId}/users`);
        assert.equal(users.statusCode, 200);
        const ids = users.json<{ data: Array<{ id: number; email: string }> }>().data.map((u) => u.id);
        for (const role of ROLES) {
          assert.ok(ids.includes(a.members[role]));
          assert.ok(!ids.includes(b.members[role]));
        }
      }
    });
  });

  describe('roles', () => {
    for (const base of BASES) {
      const guests = () => `${base}/organizations/${a.orgId}/guests`;
      const one = (email: string) => `${guests()}/${encodeURIComponent(email)}`;

      it(`light member, under ${base || '/'}: 403 FORBIDDEN on POST, PUT and DELETE, nothing changes`, async () => {
        const target = await newGuest(ctx, { first_name: 'Lighttarget' });
        const beforeDb = await snapshot(a.orgId);
        const email = uniqueEmail('light');
        assertProblem(await call(ctx, a.tokens.light, 'POST', guests(), { email }), 403, 'FORBIDDEN', 'POST');
        // Invalid bodies too: the role is checked before anything is parsed.
        assertProblem(
          await call(ctx, a.tokens.light, 'POST', guests(), { email: 'not an email', nope: 1 }),
          403,
          'FORBIDDEN',
          'POST invalid',
        );
        assertProblem(
          await call(ctx, a.tokens.light, 'POST', guests(), { email: target.email }),
          403,
          'FORBIDDEN',
          'POST existing',
        );
        assertProblem(
          await call(ctx, a.tokens.light, 'PUT', one(target.email), { first_name: 'Changed' }),
          403,
          'FORBIDDEN',
          'PUT',
        );
        assertProblem(
          await call(ctx, a.tokens.light, 'PUT', one(uniqueEmail('absent')), { first_name: 'x' }),
          403,
          'FORBIDDEN',
          'PUT absent',
        );
        assertProblem(await call(ctx, a.tokens.light, 'DELETE', one(target.email)), 403, 'FORBIDDEN', 'DELETE');
        assert.deepEqual(await snapshot(a.orgId), beforeDb);
        assert.equal(await globalGuest(email), undefined);
      });

      it(`light member, under ${base || '/'}: 200 on list, get and users`, async () => {
        const target = await newGuest(ctx, { first_name: 'Readable' });
        const list = await call(ctx, a.tokens.light, 'GET', `${guests()}?q=Readable`);
        assert.equal(list.statusCode, 200, list.body);
        assert.ok(list.json<ListBody>().data.some((g) => g.email === target.email));
        const streamed = await call(ctx, a.tokens.light, 'GET', `${guests()}?without_pagination=true`);
        assert.equal(streamed.statusCode, 200, streamed.body);
        const got = await call(ctx, a.tokens.light, 'GET', `${one(target.email)}?with=stats`);
        assert.equal(got.statusCode, 200, got.body);
        assert.equal(got.json().data.id, target.id);
        const users = await call(ctx, a.tokens.light, 'GET', `${base}/organizations/${a.orgId}/users`);
        assert.equal(users.statusCode, 200, users.body);
      });

      for (const role of ['standard', 'admin'] as const) {
        it(`${role} member, under ${base || '/'}: creates, updates and removes`, async () => {
          const email = uniqueEmail(role);
          const created = await call(ctx, a.tokens[role], 'POST', guests(), { email, first_name: 'Made' });
          assert.equal(created.statusCode, 201, created.body);
          const updated = await call(ctx, a.tokens[role], 'PUT', one(email), { first_name: 'Remade' });
          assert.equal(updated.statusCode, 201, updated.body);
          assert.equal(updated.json().data.first_name, 'Remade');
          const got = await call(ctx, a.tokens[role], 'GET', one(email));
          assert.equal(got.json().data.first_name, 'Remade');
          const removed = await call(ctx, a.tokens[role], 'DELETE', one(email));
          assert.equal(removed.statusCode, 200, removed.body);
          assert.notEqual(removed.json().data.deleted_at, null);
          assertProblem(await call(ctx, a.tokens[role], 'GET', one(email)), 404, 'RESOURCE_NOT_FOUND');
        });
      }
    }
  });

  it('a user who is a member of no organization gets 403 on every organization route', async () => {
    const email = 'loner@members.test';
    await ctx.db.kysely
      .insertInto('users')
      .values({ email, first_name: 'Lone', last_name: 'Wolf', created_at: '2025-01-01 00:00:00' })
      .execute();
    const { token } = await ctx.admin.createToken({ email });
    const beforeA = await snapshot(a.orgId);
    const beforeB = await snapshot(b.orgId);
    for (const base of BASES) {
      for (const orgId of [a.orgId, b.orgId, unknownOrg, a.orgId.toUpperCase()]) {
        const intruder = uniqueEmail('loner');
        for (const route of everyRoute(base, orgId, [shared, aGuest.email, bGuest.email], intruder)) {
          assertProblem(await run(token, route), 403, 'FORBIDDEN', `${route.method} ${route.url}`);
        }
        assert.equal(await globalGuest(intruder), undefined);
      }
    }
    assert.deepEqual(await snapshot(a.orgId), beforeA);
    assert.deepEqual(await snapshot(b.orgId), beforeB);
  });
});
