/**
 * Create guest, List guests, Get guest, Update guest and Remove guest (docs/guests.md): what each
 * does and each status it returns.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';

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

describe('create, list, get, update and remove guest', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  describe('A: create', () => {
    it("201 with the seed's shape: every key, in order", async () => {
      const email = uniqueEmail('external.partner');
      const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email,
        first_name: 'External',
        last_name: 'Partner',
        company_name: 'Partner Co',
      });
      assert.equal(response.statusCode, 201);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const { data } = response.json();
      assert.deepEqual(Object.keys(data), GUEST_KEYS);
      assert.deepEqual(Object.keys(data.details), DETAIL_KEYS);
      assert.equal(data.email, email);
      assert.equal(data.first_name, 'External');
      assert.equal(data.details.company_name, 'Partner Co');
      assert.equal(data.deleted_at, null);
      assert.equal(data.last_accessed_at, null);
      assert.match(data.link, /^http:\/\/guests\.test\/guest\/[A-Za-z0-9_-]{32,}$/);
    });

    it('guest codes are unique and carry at least 160 bits', async () => {
      const codes = new Set<string>();
      for (let i = 0; i < 20; i += 1) {
        const guest = await createGuest(ctx);
        const code = String(guest.link).split('/').pop() as string;
        assert.ok(Buffer.from(code, 'base64url').length * 8 >= 160);
        codes.add(code);
      }
      assert.equal(codes.size, 20);
    });

    it('is idempotent on email: 200 with the existing record, unchanged', async () => {
      const first = await createGuest(ctx, { first_name: 'Original' });
      const again = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email: first.email.toUpperCase(),
        first_name: 'Changed',
      });
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json().data, first);
      const count = await ctx.db.kysely
        .selectFrom('organization_guests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('guest_id', '=', first.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1);
    });

    it('joins a guest of another organization: same id, separate profiles', async () => {
      const other = await ctx.admin.createOrganization({ name: 'Globex' });
      const otherAdmin = await ctx.admin.addMember({
        organizationId: other.id,
        email: 'globex-admin@members.test',
        role: 'admin',
      });
      const otherToken = (await ctx.admin.createToken({ email: otherAdmin.email })).token;
      const email = uniqueEmail('shared');
      const inAcme = await createGuest(ctx, { email, first_name: 'Acme view', company_name: 'Acme' });
      const inGlobex = await call(ctx, otherToken, 'POST', guestsUrl(other.id), { email, first_name: 'Globex view' });
      assert.equal(inGlobex.statusCode, 201);
      assert.equal(inGlobex.json().data.id, inAcme.id);
      assert.equal(inGlobex.json().data.details.company_name, null);
      assert.notEqual(inGlobex.json().data.link, inAcme.link);
      const globals = await ctx.db.kysely.selectFrom('guests').select('id').where('email', '=', email).execute();
      assert.equal(globals.length, 1);

      await call(ctx, otherToken, 'PUT', guestsUrl(other.id, email), { last_name: 'Only in Globex' });
      const acmeView = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
      assert.equal(acmeView.json().data.first_name, 'Acme view');
      assert.equal(acmeView.json().data.last_name, null);
    });

    it('standard members may create; the invite cap answers 429 with Retry-After past it', async () => {
      const capped = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '3' } });
      try {
        for (let i = 0; i < 3; i += 1) await createGuest(capped, {}, capped.tokens.standard);
        const existing = await createGuest(capped, {}, capped.tokens.standard).catch((e: Error) => e);
        assert.ok(existing instanceof Error && /429/.test(existing.message));
        const response = await call(capped, capped.tokens.admin, 'POST', guestsUrl(capped.orgId), {
          email: uniqueEmail(),
        });
        assert.equal(response.statusCode, 429);
        assert.equal(response.json().code, 'RATE_LIMIT_EXCEEDED');
        const retryAfter = Number(response.headers['retry-after']);
        assert.ok(retryAfter >= 1 && retryAfter <= 3600, String(retryAfter));
        const rows = await capped.db.kysely
          .selectFrom('organization_guests')
          .select('id')
          .where('organization_id', '=', capped.orgId)
          .execute();
        assert.equal(rows.length, 3, 'a refused invite writes nothing');
        // Creating an existing guest again is no invite: still 200.
        const first = (await capped.db.kysely.selectFrom('guests').select('email').executeTakeFirstOrThrow()).email;
        const again = await call(capped, capped.tokens.admin, 'POST', guestsUrl(capped.orgId), { email: first });
        assert.equal(again.statusCode, 200);
      } finally {
        await capped.close();
      }
    });

    it('a failed create gives its invite back', async () => {
      const capped = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '1' } });
      try {
        const bad = await call(capped, capped.tokens.admin, 'POST', guestsUrl(capped.orgId), {
          email: uniqueEmail(),
          timezone: 'Nowhere/Land',
        });
        assert.equal(bad.statusCode, 422);
        await createGuest(capped);
      } finally {
        await capped.close();
      }
    });
  });

  describe('B: list', () => {
    let listCtx: TestContext;
    const names = ['Charlie', 'alice', 'Bob', 'dave', 'Eve'];
    before(async () => {
      listCtx = await buildTestApp();
      for (const [i, name] of names.entries()) {
        await createGuest(listCtx, {
          email: `${name.toLowerCase()}@list${i}.test`,
          first_name: name,
          last_name: i % 2 ? null : `L${i}`,
          company_name: i === 4 ? 'Findme Corp' : null,
        });
      }
    });
    after(() => listCtx.close());
    const list = (query: string) => call(listCtx, listCtx.tokens.light, 'GET', `${guestsUrl(listCtx.orgId)}${query}`);

    it('lists every guest with the pagination block (default per_page 999)', async () => {
      const response = await list('');
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.equal(body.data.length, 5);
      assert.deepEqual(body.meta.pagination, {
        total: 5,
        count: 5,
        per_page: 999,
        current_page: 1,
        total_pages: 1,
        has_more_pages: false,
        links: {},
      });
      assert.deepEqual(Object.keys(body.data[0]), GUEST_KEYS);
    });

    it('pages with links to the neighbours', async () => {
      const body = (await list('?per_page=2&page=2')).json();
      assert.equal(body.data.length, 2);
      assert.equal(body.meta.pagination.total_pages, 3);
      assert.equal(body.meta.pagination.current_page, 2);
      assert.match(
        body.meta.pagination.links.previous,
        /^http:\/\/guests\.test\/api\/organizations\/[0-9a-f]{32}\/guests\?per_page=2&page=1$/,
      );
      assert.match(body.meta.pagination.links.next, /page=3$/);
      assert.equal(body.meta.pagination.has_more_pages, true);
      const last = (await list('?per_page=2&page=3')).json();
      assert.equal(last.data.length, 1);
      assert.equal(last.meta.pagination.has_more_pages, false);
      const past = (await list('?per_page=2&page=9')).json();
      assert.equal(past.data.length, 0);
      assert.equal(past.meta.pagination.total, 5);
      assert.equal(past.meta.pagination.has_more_pages, false);
    });

    it('sorts by each key, both directions, nulls last; sort_by is an alias', async () => {
      const firstNames = async (query: string) =>
        (await list(query)).json().data.map((g: { first_name: string }) => g.first_name);
      assert.deepEqual(await firstNames(''), names);
      assert.deepEqual(await firstNames('?sort=-created_at'), [...names].reverse());
      assert.deepEqual(await firstNames('?sort=email'), ['alice', 'Bob', 'Charlie', 'dave', 'Eve']);
      assert.deepEqual(await firstNames('?sort_by=-email'), ['Eve', 'dave', 'Charlie', 'Bob', 'alice']);
      const byLast = await firstNames('?sort=last_name');
      assert.deepEqual(byLast.slice(0, 3), ['Charlie', 'Bob', 'Eve']);
      assert.deepEqual(
        await firstNames('?sort=first_name'),
        ['alice', 'Bob', 'Charlie', 'dave', 'Eve'],
        'names sort without regard to case',
      );
      assert.deepEqual(await firstNames('?sort=-first_name'), ['Eve', 'dave', 'Charlie', 'Bob', 'alice']);
      assert.equal((await list('?sort=last_accessed_at')).statusCode, 200);
    });

    it('filters with q over email, names and company, case-insensitively, % and _ literal', async () => {
      const emails = async (query: string) => (await list(query)).json().data.map((g: { email: string }) => g.email);
      assert.deepEqual(await emails('?q=ALI'), ['alice@list1.test']);
      assert.deepEqual(await emails('?q=findme'), ['eve@list4.test']);
      assert.deepEqual(await emails('?q=l2'), ['bob@list2.test']);
      assert.deepEqual(await emails('?q=%25'), []);
      assert.deepEqual(await emails('?q=_'), []);
      const filtered = (await list('?q=list')).json();
      assert.equal(filtered.meta.pagination.total, 5);
    });

    it('streams every guest with without_pagination=true, with stats when asked', async () => {
      const response = await list('?without_pagination=true&with=stats&sort=email');
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assert.equal(body.data.length, 5);
      assert.equal(body.data[0].email, 'alice@list1.test');
      assert.deepEqual(body.data[0].stats, {
        assigned_tasks: 0,
        tasks_completed: 0,
        last_task_completed_at: null,
        one_off_tasks_completed: 0,
        last_one_off_task_completed_at: null,
      });
      assert.equal(body.meta.pagination.total, 5);
    });

    it('streams in chunks: more guests than one chunk, in order', async () => {
      const big = await buildTestApp();
      try {
        const values = Array.from({ length: 1203 }, (_, i) => ({
          email: `bulk${String(i).padStart(5, '0')}@stream.test`,
        }));
        // Seeded through the database: the API's behaviour on a large list is the subject here.
        const ids = [];
        for (const chunk of [values.slice(0, 600), values.slice(600)]) {
          ids.push(
            ...(await big.db.kysely
              .insertInto('guests')
              .values(chunk.map((v) => ({ email: v.email, created_at: '2025-01-01 00:00:00', deleted_at: null })))
              .returning('id')
              .execute()),
          );
        }
        for (let i = 0; i < ids.length; i += 400) {
          await big.db.kysely
            .insertInto('organization_guests')
            .values(
              ids.slice(i, i + 400).map(({ id }) => ({
                organization_id: big.orgId,
                guest_id: id,
                created_at: '2025-01-01 00:00:00',
                updated_at: '2025-01-01 00:00:00',
                guest_code: `code${id}`,
                guest_code_hash: `hash${id}`,
              })),
            )
            .execute();
        }
        const response = await call(
          big,
          big.tokens.admin,
          'GET',
          `${guestsUrl(big.orgId)}?without_pagination=true&sort=-email`,
        );
        const body = response.json();
        assert.equal(body.data.length, 1203);
        assert.equal(body.data[0].email, 'bulk01202@stream.test');
        assert.equal(body.data[1202].email, 'bulk00000@stream.test');
        assert.equal(new Set(body.data.map((g: { id: number }) => g.id)).size, 1203);
      } finally {
        await big.close();
      }
    });

    it('adds stats with with=stats', async () => {
      const body = (await list('?with=stats&per_page=1')).json();
      assert.equal(body.data[0].stats.assigned_tasks, 0);
      assert.equal((await list('?per_page=1')).json().data[0].stats, undefined);
    });

    it('422 for bad query values', async () => {
      // phone_1 became a sort key; fields without an order (lists, the link) and unknown names are still refused.
      for (const query of [
        '?per_page=0',
        '?per_page=1001',
        '?limit=0',
        '?limit=1001',
        '?limit=abc',
        '?page=0',
        '?page=abc',
        '?sort=phone',
        '?sort=link',
        '?sort=cadence_days',
        '?sort=--name',
        '?sort_by=nickname',
        '?with=everything',
        '?without_pagination=maybe',
      ]) {
        const response = await list(query);
        assert.equal(response.statusCode, 422, query);
        assert.equal(response.json().code, 'VALIDATION_FAILED');
      }
    });
  });

  describe('C: get', () => {
    it('200 by email, case-insensitive and URL-encoded; stats on request', async () => {
      const guest = await createGuest(ctx, { email: uniqueEmail('get+me') });
      const response = await call(ctx, ctx.tokens.light, 'GET', guestsUrl(ctx.orgId, guest.email.toUpperCase()));
      assert.equal(response.statusCode, 200);
      // A light member reads the guest but not the link (docs/guests.md, "Links").
      assert.deepEqual(response.json().data, { ...guest, link: null });
      const withStats = await call(ctx, ctx.tokens.light, 'GET', `${guestsUrl(ctx.orgId, guest.email)}?with=stats`);
      assert.equal(withStats.json().data.stats.tasks_completed, 0);
    });

    it('404 for an email that is not a guest here', async () => {
      const response = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, 'nobody@partner.test'));
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().code, 'RESOURCE_NOT_FOUND');
      const member = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, 'acme-admin@members.test'));
      assert.equal(member.statusCode, 404);
    });
  });

  describe('D: update', () => {
    it('changes only the keys sent; null clears', async () => {
      const guest = await createGuest(ctx, {
        first_name: 'A',
        last_name: 'B',
        phone_1: '123',
        timezone: 'Europe/Paris',
      });
      const response = await call(ctx, ctx.tokens.standard, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        last_name: 'C',
        phone_1: null,
        status: 'Active',
      });
      assert.equal(response.statusCode, 201, 'an update answers 201, as Tallyfy documents');
      const data = response.json().data;
      assert.equal(data.first_name, 'A');
      assert.equal(data.last_name, 'C');
      assert.equal(data.details.phone_1, null);
      assert.equal(data.details.timezone, 'Europe/Paris');
      assert.equal(data.details.status, 'Active');
      assert.equal(data.link, guest.link);
      assert.equal(data.created_at, guest.created_at);
    });

    it('404 for a guest not in the organization, or removed', async () => {
      assert.equal(
        (await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, 'nobody@partner.test'), { first_name: 'x' }))
          .statusCode,
        404,
      );
      const guest = await createGuest(ctx);
      await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email));
      assert.equal(
        (await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email), { first_name: 'x' })).statusCode,
        404,
      );
    });
  });

  describe('E: remove', () => {
    it('200 with deleted_at; link dead; no longer listed or readable; a second remove is 422 on the email', async () => {
      const guest = await createGuest(ctx);
      const response = await call(ctx, ctx.tokens.standard, 'DELETE', guestsUrl(ctx.orgId, guest.email));
      assert.equal(response.statusCode, 200);
      const data = response.json().data;
      assert.match(data.deleted_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(data.link, null);
      assert.equal(data.id, guest.id);
      assert.equal((await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))).statusCode, 404);
      const listed = (
        await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?q=${encodeURIComponent(guest.email)}`)
      ).json();
      assert.equal(listed.data.length, 0);
      const again = await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email));
      assert.equal(again.statusCode, 422, again.body);
      assert.equal(again.json().code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(again.json().errors), ['email']);
      const global = await ctx.db.kysely
        .selectFrom('guests')
        .select('deleted_at')
        .where('id', '=', guest.id)
        .executeTakeFirstOrThrow();
      assert.notEqual(
        global.deleted_at,
        null,
        'no other organization has the guest: the global identity is soft-deleted',
      );
    });

    it('a removed guest created again is joined fresh (201, new link, old profile gone)', async () => {
      const guest = await createGuest(ctx, { first_name: 'Old', company_name: 'Old Co' });
      await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email));
      const again = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email: guest.email,
        first_name: 'New',
      });
      assert.equal(again.statusCode, 201);
      const data = again.json().data;
      assert.equal(data.id, guest.id);
      assert.equal(data.first_name, 'New');
      assert.equal(data.details.company_name, null);
      assert.equal(data.deleted_at, null);
      assert.notEqual(data.link, guest.link);
      const global = await ctx.db.kysely
        .selectFrom('guests')
        .select('deleted_at')
        .where('id', '=', guest.id)
        .executeTakeFirstOrThrow();
      assert.equal(global.deleted_at, null);
    });
  });

  describe('members', () => {
    it('GET /users lists the members with their roles', async () => {
      const response = await call(ctx, ctx.tokens.light, 'GET', `/api/organizations/${ctx.orgId}/users`);
      assert.equal(response.statusCode, 200);
      const members = response.json().data as Array<Record<string, unknown>>;
      const admin = members.find((m) => m.email === 'acme-admin@members.test');
      assert.ok(admin, response.body);
      assert.match(String(admin.created_at), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.deepEqual(
        { ...admin, created_at: '' },
        {
          id: ctx.members.admin,
          email: 'acme-admin@members.test',
          username: null,
          first_name: 'admin',
          last_name: 'acme',
          full_name: 'admin acme',
          profile_pic: null,
          timezone: null,
          role: 'admin',
          status: 'active',
          created_at: '',
          last_login_at: null,
          invited_by: null,
          disabled_at: null,
          disabled_by: null,
          reactivated_at: null,
          reactivated_by: null,
        },
      );
      assert.deepEqual(Object.keys(admin), [
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
      ]);
      assert.ok(members.some((m) => m.role === 'light'));
    });
  });
});
