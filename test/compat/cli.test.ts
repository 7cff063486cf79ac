/**
 * Compatibility with Tallyfy's Go CLI, `tallyfy/cli` (pkg/tallyfy/{client,resources,paginate,types}.go,
 * internal/cli/{user,guest,group,org}.go).
 *
 * What the CLI sends: root paths (DefaultBaseURL https://api.tallyfy.com, no /api), on every request
 * `Accept: application/json` and `X-Tallyfy-Client: APIClient`, `Content-Type: application/json`
 * only when there is a body; path segments through url.PathEscape, which leaves `@` and `+` of a
 * guest email raw. `--all` lists send `page=N&per_page=100` and stop when
 * `meta.pagination.current_page >= total_pages`; without `--all`, only `page=1`.
 *
 * What it reads: `data.id` (a number) of `/me`; `data[].{id,name,created_at}` of `/me/organizations`;
 * `data[].{id,email,first_name,last_name,role,status}` of users; `data.{email,first_name,last_name,created_at}`
 * of guests; `data.{id,name}` of groups; and on errors the status and the top-level `message`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, uniqueEmail, type TestContext } from '../../support/app.js';
import {
  addMember,
  clientFor,
  expectErrorMessage,
  expectJson,
  plusEmail,
  seedGuests,
  sentOf,
  type ClientProfile,
  type CompatClient,
  type GroupData,
  type GuestData,
  type ListBody,
  type MemberData,
  type OrganizationData,
} from './compat-helpers.js';

const CLI: ClientProfile = {
  name: 'tallyfy/cli',
  base: '',
  clientHeader: 'APIClient',
  accept: true,
  jsonOnBodyless: false,
  extraHeaders: { 'user-agent': 'tallyfy-cli/1.0.0' },
};

/** The CLI's Paginate with `--all`: per_page=100, page=1.., until current_page >= total_pages. */
async function collectAll<T>(cli: CompatClient, path: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let page = 1;
  let pages = 0;
  for (;;) {
    // url.Values.Encode() sorts keys: page before per_page.
    const body = expectJson<ListBody<T>>(
      await cli.get(path, { query: { page, per_page: 100 } }),
      200,
      `${path} page ${page}`,
    );
    pages += 1;
    assert.ok(Array.isArray(body.data), 'data is a list');
    items.push(...body.data);
    const pagination = body.meta?.pagination;
    if (!pagination) break;
    assert.equal(pagination.per_page, 100, 'per_page echoed');
    assert.equal(pagination.count, body.data.length, "count is the page's length");
    if (pagination.total_pages > 0) {
      if (pagination.current_page >= pagination.total_pages) break;
    } else if (!(pagination.links as { next?: string } | null)?.next) {
      break;
    }
    page = pagination.current_page > 0 ? pagination.current_page + 1 : page + 1;
    assert.ok(pages < 50, 'the loop ends');
  }
  return { items, pages };
}

describe('tallyfy/cli (Go CLI)', () => {
  let ctx: TestContext;
  let cli: CompatClient;
  const org = () => `/organizations/${ctx.orgId}`;

  before(async () => {
    ctx = await buildTestApp();
    cli = clientFor(ctx, CLI, ctx.tokens.admin);
  });
  after(() => ctx.close());

  describe('auth login / whoami', () => {
    it("GET /me validates the token: data.id is a number, the user's own", async () => {
      const me = expectJson<{
        data: { id: unknown; email: string; username: unknown; first_name: string | null; last_name: string | null };
      }>(await cli.get('/me'), 200).data;
      assert.equal(typeof me.id, 'number');
      assert.equal(me.id, ctx.members.admin);
      assert.equal(me.email, 'acme-admin@members.test');
      assert.equal(me.first_name, 'admin');
      assert.equal(me.last_name, 'acme');
      // Go decodes null into a string field as "": null is fine, a number or object would not be.
      assert.ok(me.username === null || typeof me.username === 'string');
    });

    it('an unknown token: 401 with a top-level message (CLI maps 401 to "not logged in")', async () => {
      expectErrorMessage(await cli.get('/me', { authorization: 'Bearer not-a-real-token' }), 401);
    });
  });

  describe('org list / org switch', () => {
    it("GET /me/organizations?page=1&per_page=100 (--all): each org's id, name, created_at; one page ends the loop", async () => {
      const second = await ctx.admin.createOrganization({ name: 'Beta Corp' });
      await ctx.admin.addMember({ organizationId: second.id, email: 'acme-admin@members.test', role: 'standard' });
      const { items, pages } = await collectAll<OrganizationData>(cli, '/me/organizations');
      assert.equal(pages, 1);
      const byId = new Map(items.map((o) => [o.id, o]));
      assert.equal(byId.get(ctx.orgId)?.name, 'Acme');
      assert.equal(byId.get(second.id)?.name, 'Beta Corp');
      for (const o of items) {
        assert.match(o.id, /^[0-9a-f]{32}$/);
        assert.match(o.created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
    });
  });

  describe('guest create / get / update / list', () => {
    it('guest create --email --first-name --last-name: POST {email, first_name, last_name}; data read as the guest', async () => {
      const email = uniqueEmail('cli');
      const response = await cli.post(`${org()}/guests`, { email, first_name: 'Jo', last_name: 'Lee' });
      const guest = expectJson<{ data: GuestData }>(response, 201).data;
      assert.equal(guest.email, email.toLowerCase());
      assert.equal(guest.first_name, 'Jo');
      assert.equal(guest.last_name, 'Lee');
      assert.match(guest.created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    });

    it('guest create --email only: the e2e body {"email": ...}', async () => {
      const email = uniqueEmail('clionly');
      const guest = expectJson<{ data: GuestData }>(await cli.post(`${org()}/guests`, { email }), 201).data;
      assert.equal(guest.email, email.toLowerCase());
      assert.equal(guest.first_name, null);
    });

    it('guest get <email>: url.PathEscape keeps "@" and "+" raw in the path', async () => {
      const email = plusEmail('cliget');
      expectJson(await cli.post(`${org()}/guests`, { email, first_name: 'Plus' }), 201);
      const response = await cli.get(`${org()}/guests/${email}`);
      assert.ok(
        sentOf(response).url.endsWith(`/guests/${email}`) && !sentOf(response).url.includes('%'),
        'raw @ and + sent',
      );
      const guest = expectJson<{ data: GuestData }>(response, 200).data;
      assert.equal(guest.email, email.toLowerCase());
      assert.equal(guest.first_name, 'Plus');
    });

    it('guest update <email> --first-name: PUT {first_name}; the answer is read as the guest', async () => {
      const email = uniqueEmail('cliupd');
      expectJson(await cli.post(`${org()}/guests`, { email, first_name: 'Old', last_name: 'Name' }), 201);
      const guest = expectJson<{ data: GuestData }>(
        await cli.put(`${org()}/guests/${email}`, { first_name: 'New' }),
        201,
      ).data;
      assert.equal(guest.first_name, 'New');
      assert.equal(guest.last_name, 'Name');
      const again = expectJson<{ data: GuestData }>(await cli.get(`${org()}/guests/${email}`), 200).data;
      assert.equal(again.first_name, 'New');
    });

    it('guest get of an unknown email: 404 with a top-level message', async () => {
      expectErrorMessage(await cli.get(`${org()}/guests/nobody.here@partner.test`), 404);
    });

    it('guest list --all: pages of 100 until current_page >= total_pages, every guest exactly once', async () => {
      const seeded = await seedGuests(ctx, 230, 'clilist');
      const { items, pages } = await collectAll<GuestData>(cli, `${org()}/guests`);
      const emails = items.map((g) => g.email);
      assert.equal(new Set(emails).size, emails.length, 'no guest twice across pages');
      for (const email of seeded) assert.ok(emails.includes(email), `${email} listed`);
      assert.equal(pages, Math.ceil(items.length / 100));
      assert.ok(pages >= 3);
      for (const guest of items) {
        assert.equal(typeof guest.email, 'string');
        assert.equal(typeof guest.created_at, 'string');
      }
    });

    it("guest list (no --all): page=1 only, the server's default page size; meta.pagination is present", async () => {
      const body = expectJson<ListBody<GuestData>>(await cli.get(`${org()}/guests`, { query: { page: 1 } }), 200);
      const pagination = body.meta?.pagination;
      assert.ok(pagination);
      assert.equal(pagination.current_page, 1);
      assert.equal(pagination.total, body.data.length, 'a few hundred guests fit the default page');
      assert.equal(pagination.total_pages, 1);
    });
  });

  describe('user list / get / invite / role / disable / enable', () => {
    it('user list --all: GET users?page=1&per_page=100; id (number), email, names, role, status', async () => {
      const { items, pages } = await collectAll<MemberData>(cli, `${org()}/users`);
      assert.equal(pages, 1);
      for (const role of ['admin', 'standard', 'light'] as const) {
        const member = items.find((u) => u.id === ctx.members[role]);
        assert.ok(member, `${role} listed`);
        assert.equal(typeof member.id, 'number');
        assert.equal(member.email, `acme-${role}@members.test`);
        assert.equal(member.first_name, role);
        assert.equal(member.last_name, 'acme');
        assert.equal(member.role, role);
        assert.equal(member.status, 'active');
        assert.ok(member.last_login_at === null || typeof member.last_login_at === 'string');
      }
    });

    it('user list (no --all): GET users?page=1', async () => {
      const body = expectJson<ListBody<MemberData>>(await cli.get(`${org()}/users`, { query: { page: 1 } }), 200);
      assert.ok(body.data.some((u) => u.id === ctx.members.light));
      assert.equal(body.meta?.pagination?.current_page, 1);
    });

    it('`tallyfy api GET organizations/{org}/users/{id}`: data.id, role', async () => {
      const user = expectJson<{ data: MemberData }>(await cli.get(`${org()}/users/${ctx.members.standard}`), 200).data;
      assert.equal(user.id, ctx.members.standard);
      assert.equal(user.role, 'standard');
      assert.equal(user.email, 'acme-standard@members.test');
    });

    it('user invite --email --first-name --last-name --role: only the non-empty flags are sent', async () => {
      const email = uniqueEmail('cliinvite');
      const data = expectJson<{ data: MemberData }>(
        await cli.post(`${org()}/users/invite`, { email, first_name: 'Jo', last_name: 'Lee', role: 'standard' }),
        200,
      ).data;
      assert.equal(data.email, email.toLowerCase());
      assert.equal(data.status, 'invited');
      assert.equal(data.role, 'standard');
      assert.equal(data.first_name, 'Jo');
      const listed = expectJson<ListBody<MemberData>>(
        await cli.get(`${org()}/users`, { query: { page: 1 } }),
        200,
      ).data;
      assert.equal(listed.find((u) => u.email === email.toLowerCase())?.status, 'invited');
    });

    it('user invite --email only: {"email"}', async () => {
      const email = uniqueEmail('cliinvite2');
      const data = expectJson<{ data: MemberData }>(await cli.post(`${org()}/users/invite`, { email }), 200).data;
      assert.equal(data.email, email.toLowerCase());
      assert.equal(data.status, 'invited');
      assert.equal(data.first_name, null);
    });

    it('user invite of an existing member: 422 with a message', async () => {
      expectErrorMessage(await cli.post(`${org()}/users/invite`, { email: 'acme-light@members.test' }), 422, /member/i);
    });

    it('user role <id> --role light: PUT {role}; 2xx, the role changed', async () => {
      const member = await addMember(ctx, 'standard', 'clirole');
      const response = await cli.put(`${org()}/users/${member.id}/role`, { role: 'light' });
      assert.equal(expectJson<{ data: MemberData }>(response, 200).data.role, 'light');
      const user = expectJson<{ data: MemberData }>(await cli.get(`${org()}/users/${member.id}`), 200).data;
      assert.equal(user.role, 'light');
    });

    it('user role with a role the API does not know: 422 with a message', async () => {
      expectErrorMessage(await cli.put(`${org()}/users/${ctx.members.light}/role`, { role: 'owner' }), 422);
    });

    it('user disable <id>: DELETE users/{id}/disable without Content-Type; user enable <id>: PUT users/{id}/enable without a body', async () => {
      const member = await addMember(ctx, 'standard', 'clidisable');
      const disable = await cli.delete(`${org()}/users/${member.id}/disable`);
      assert.equal(sentOf(disable).headers['content-type'], undefined);
      assert.equal(expectJson<{ data: MemberData }>(disable, 200).data.status, 'disabled');
      const listed = expectJson<ListBody<MemberData>>(
        await cli.get(`${org()}/users`, { query: { page: 1 } }),
        200,
      ).data;
      assert.equal(listed.find((u) => u.id === member.id)?.status, 'disabled');
      const enable = await cli.put(`${org()}/users/${member.id}/enable`);
      assert.equal(sentOf(enable).headers['content-type'], undefined);
      const enabled = expectJson<{ data: MemberData }>(enable, 200).data;
      assert.equal(enabled.status, 'active');
      assert.equal(enabled.id, member.id);
    });

    it('user disable of an unknown id: 404 with a message', async () => {
      expectErrorMessage(await cli.delete(`${org()}/users/987654/disable`), 404);
    });
  });

  describe('group list / create / update / delete', () => {
    it('group create --name: POST {"name"} only; data.id and data.name', async () => {
      const group = expectJson<{ data: GroupData }>(await cli.post(`${org()}/groups`, { name: 'CLI Team' }), 201).data;
      assert.match(group.id, /^[0-9a-f]{32}$/);
      assert.equal(group.name, 'CLI Team');
      assert.deepEqual(group.members, []);
      assert.deepEqual(group.guests, []);
      assert.equal(typeof group.created_at, 'string');
    });

    it('group update <id> --name: PUT {"name"}; group delete <id>: 2xx with an empty body (the CLI decodes nothing on 204)', async () => {
      const group = expectJson<{ data: GroupData }>(
        await cli.post(`${org()}/groups`, { name: 'CLI Rename Me' }),
        201,
      ).data;
      const renamed = expectJson<{ data: GroupData }>(
        await cli.put(`${org()}/groups/${group.id}`, { name: 'CLI Renamed' }),
        201,
      ).data;
      assert.equal(renamed.id, group.id);
      assert.equal(renamed.name, 'CLI Renamed');
      const deleted = await cli.delete(`${org()}/groups/${group.id}`);
      assert.equal(deleted.statusCode, 204, deleted.body);
      assert.equal(deleted.body, '');
      expectErrorMessage(await cli.get(`${org()}/groups/${group.id}`), 404);
    });

    it("group list --all: per_page=100 pages; each group's id, name, created_at", async () => {
      for (const name of ['CLI A', 'CLI B', 'CLI C']) expectJson(await cli.post(`${org()}/groups`, { name }), 201);
      const { items, pages } = await collectAll<GroupData>(cli, `${org()}/groups`);
      assert.equal(pages, 1);
      const names = items.map((g) => g.name);
      for (const name of ['CLI Team', 'CLI A', 'CLI B', 'CLI C']) assert.ok(names.includes(name), `${name} listed`);
      for (const g of items) assert.match(g.id, /^[0-9a-f]{32}$/);
    });

    it('group create with a name already taken: 422 with a message', async () => {
      expectErrorMessage(await cli.post(`${org()}/groups`, { name: 'cli team' }), 422, /taken/);
    });
  });
});
