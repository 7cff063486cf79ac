/**
 * Compatibility with Tallyfy's n8n node, `tallyfy/n8n` (n8n-nodes-tallyfy 1.1.3:
 * credentials/TallyfyApi.credentials.ts, nodes/Tallyfy/Tallyfy.node.ts, TallyfyTrigger.node.ts).
 *
 * What n8n sends: base `https://go.tallyfy.com/api` + path; the credential adds
 * `Authorization: Bearer` and `X-Tallyfy-Client: n8n` to every request, including the credential
 * test `GET /me` (which adds only `Accept`). Node requests carry `Accept: application/json` and
 * `Content-Type: application/json` on EVERY call, with no body when there is nothing to send
 * (GET, DELETE, body-less PUT/POST). Guest emails go raw into the path. getAll sends `limit`
 * (not per_page), `q` and `sort` (`-created_at, created_at, -updated_at, updated_at, name, -name`);
 * "Return All" drops `limit` and loops `page=1,2,…` while `meta.pagination.has_more_pages` is truthy.
 * Group create always sends `description` (`""` when blank) and member ids as strings; group
 * update never sends `name`. Invite sends email, names, role and message.
 *
 * What it reads: 2xx for the credential test; `data.id` of /me (trigger); `data` arrays of lists;
 * `data[].id` and `name||title||label||email` in the ID finder; `data.id`/`data.name` of groups.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, uniqueEmail, type TestContext } from '../../support/app.js';
import {
  addMember,
  assertOrdered,
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
} from './compat-helpers.js';

const N8N: ClientProfile = {
  name: 'tallyfy/n8n',
  base: '/api',
  clientHeader: 'n8n',
  accept: true,
  jsonOnBodyless: true,
};

const SORTS = ['-created_at', 'created_at', '-updated_at', 'updated_at', 'name', '-name'] as const;

/** n8n's "Return All": no limit, page=1,2,… while meta.pagination.has_more_pages is truthy. */
async function returnAll<T>(
  n8n: CompatClient,
  path: string,
  qs: Record<string, string> = {},
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let page = 1;
  let hasMore = true;
  while (hasMore) {
    const body = expectJson<ListBody<T>>(await n8n.get(path, { query: { ...qs, page } }), 200, `${path} page ${page}`);
    if (Array.isArray(body.data)) items.push(...body.data);
    if (!body.meta?.pagination?.has_more_pages) hasMore = false;
    page += 1;
    assert.ok(page < 20, 'the loop ends');
  }
  return { items, pages: page - 1 };
}

function byName(m: { first_name: string | null; last_name: string | null }): string {
  return [m.first_name, m.last_name]
    .filter((p) => p)
    .join(' ')
    .toLowerCase();
}

describe('tallyfy/n8n (n8n-nodes-tallyfy)', () => {
  let ctx: TestContext;
  let n8n: CompatClient;
  const org = () => `/organizations/${ctx.orgId}`;

  before(async () => {
    ctx = await buildTestApp();
    n8n = clientFor(ctx, N8N, ctx.tokens.admin);
  });
  after(() => ctx.close());

  describe('credential and user resource', () => {
    it('credential test: GET {base}/me with Accept, Authorization and X-Tallyfy-Client: n8n -> 2xx; the trigger reads data.id', async () => {
      const response = await ctx.app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { accept: 'application/json', authorization: `Bearer ${ctx.tokens.admin}`, 'x-tallyfy-client': 'n8n' },
      });
      const me = expectJson<{ data: { id: number } }>(response, 200).data;
      assert.equal(me.id, ctx.members.admin);
    });

    it('a base URL entered with a trailing slash ("…/api/" + "/me"): the doubled slash still reaches /me', async () => {
      const response = await ctx.app.inject({
        method: 'GET',
        url: '/api//me',
        headers: { accept: 'application/json', authorization: `Bearer ${ctx.tokens.admin}`, 'x-tallyfy-client': 'n8n' },
      });
      assert.equal(expectJson<{ data: { id: number } }>(response, 200).data.id, ctx.members.admin);
    });

    it('credential test with a wrong token: 401, so n8n reports the credential as failing', async () => {
      expectErrorMessage(await n8n.get('/me', { authorization: 'Bearer wrong' }), 401);
    });

    it('user getCurrent: GET /me with Content-Type: application/json and no body', async () => {
      const response = await n8n.get('/me');
      assert.equal(sentOf(response).headers['content-type'], 'application/json');
      const me = expectJson<{ data: { id: number; email: string } }>(response, 200).data;
      assert.equal(me.id, ctx.members.admin);
      assert.equal(me.email, 'acme-admin@members.test');
    });

    it('a GET whose transport writes an empty body (Content-Length: 0) under the JSON content type: 200', async () => {
      const response = await ctx.app.inject({
        method: 'GET',
        url: `/api${org()}/users/${ctx.members.standard}`,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Bearer ${ctx.tokens.admin}`,
          'x-tallyfy-client': 'n8n',
        },
        payload: '',
      });
      assert.equal(expectJson<{ data: MemberData }>(response, 200).data.id, ctx.members.standard);
    });

    it('user getOrganization: GET /organizations/{org} -> data.id', async () => {
      const data = expectJson<{ data: { id: string; name: string } }>(await n8n.get(org()), 200).data;
      assert.equal(data.id, ctx.orgId);
      assert.equal(data.name, 'Acme');
    });

    it('user get: GET users/{id} -> the member', async () => {
      const data = expectJson<{ data: MemberData }>(await n8n.get(`${org()}/users/${ctx.members.light}`), 200).data;
      assert.equal(data.id, ctx.members.light);
      assert.equal(data.role, 'light');
    });

    it('user getAll with limit: `limit` is the page size; has_more_pages says there is more', async () => {
      const body = expectJson<ListBody<MemberData>>(await n8n.get(`${org()}/users`, { query: { limit: 2 } }), 200);
      assert.equal(body.data.length, 2);
      assert.equal(body.meta?.pagination?.per_page, 2);
      assert.equal(body.meta?.pagination?.has_more_pages, true);
    });

    it('user getAll return all: page loop on has_more_pages ends; every member once', async () => {
      const { items } = await returnAll<MemberData>(n8n, `${org()}/users`);
      for (const role of ['admin', 'standard', 'light'] as const)
        assert.ok(
          items.some((u) => u.id === ctx.members[role]),
          role,
        );
      assert.equal(new Set(items.map((u) => u.id)).size, items.length);
    });

    for (const sort of SORTS) {
      it(`user getAll with sort=${sort} (and limit=50): 200`, async () => {
        await addMember(ctx, 'light', `sort${sort.replace('-', 'd')}`, { first: 'Zed' });
        const body = expectJson<ListBody<MemberData>>(
          await n8n.get(`${org()}/users`, { query: { sort, limit: 50 } }),
          200,
          `sort=${sort}`,
        );
        assert.ok(body.data.length >= 3);
        if (sort === 'name') assertOrdered(body.data.map(byName), (a, b) => a.localeCompare(b), 'name');
        if (sort === '-name') assertOrdered(body.data.map(byName), (a, b) => b.localeCompare(a), '-name');
        if (sort === 'created_at')
          assertOrdered(
            body.data.map((m) => m.created_at),
            (a, b) => a.localeCompare(b),
            'created_at',
          );
        if (sort === '-created_at')
          assertOrdered(
            body.data.map((m) => m.created_at),
            (a, b) => b.localeCompare(a),
            '-created_at',
          );
      });
    }

    it('user getAll with q (ID finder: q + per_page=10): data[].id and the email as its label (members have no name/title/label)', async () => {
      const body = expectJson<ListBody<MemberData & { name?: string; title?: string; label?: string }>>(
        await n8n.get(`${org()}/users`, { query: { q: 'acme-standard', per_page: 10 } }),
        200,
      );
      assert.deepEqual(
        body.data.map((u) => u.id),
        [ctx.members.standard],
      );
      const u = body.data[0];
      assert.equal(u?.name ?? u?.title ?? u?.label ?? u?.email, 'acme-standard@members.test');
    });

    it('user invite: {email, first_name, last_name, role, message} -> 200, invited with that role', async () => {
      const email = uniqueEmail('n8ninvite');
      const data = expectJson<{ data: MemberData }>(
        await n8n.post(`${org()}/users/invite`, {
          email,
          first_name: 'Nate',
          last_name: 'Eight',
          role: 'standard',
          message: 'You have been invited to join our Tallyfy organization.',
        }),
        200,
      ).data;
      assert.equal(data.email, email.toLowerCase());
      assert.equal(data.status, 'invited');
      assert.equal(data.role, 'standard');
      assert.equal(data.first_name, 'Nate');
      assert.equal(data.last_name, 'Eight');
    });

    it('user updateRole: PUT users/{id}/role {role} -> 200 with the new role', async () => {
      const member = await addMember(ctx, 'light', 'n8nrole');
      const data = expectJson<{ data: MemberData }>(
        await n8n.put(`${org()}/users/${member.id}/role`, { role: 'standard' }),
        200,
      ).data;
      assert.equal(data.id, member.id);
      assert.equal(data.role, 'standard');
    });

    it('user disable / enable: DELETE users/{id}/disable and PUT users/{id}/enable, JSON content type, empty bodies', async () => {
      const member = await addMember(ctx, 'standard', 'n8ndisable');
      const disable = await n8n.delete(`${org()}/users/${member.id}/disable`);
      assert.equal(sentOf(disable).headers['content-type'], 'application/json');
      const disabled = expectJson<{ data: MemberData }>(disable, 200).data;
      assert.equal(disabled.status, 'disabled');
      assert.notEqual(disabled.disabled_at, null);
      const enabled = expectJson<{ data: MemberData }>(await n8n.put(`${org()}/users/${member.id}/enable`), 200).data;
      assert.equal(enabled.status, 'active');
      assert.equal(enabled.disabled_at, null);
    });

    it('user convertToGuest: PUT users/{id}/to/guest, JSON content type, empty body -> the guest', async () => {
      const member = await addMember(ctx, 'standard', 'n8ntoguest', { first: 'Conv', last: 'Erted' });
      const guest = expectJson<{ data: GuestData }>(await n8n.put(`${org()}/users/${member.id}/to/guest`), 200).data;
      assert.equal(guest.email, member.email);
      assert.equal(guest.first_name, 'Conv');
      const members = expectJson<ListBody<MemberData>>(await n8n.get(`${org()}/users`), 200).data;
      assert.ok(!members.some((u) => u.id === member.id), 'no longer a member');
      expectJson(await n8n.get(`${org()}/guests/${member.email}`), 200);
    });
  });

  describe('guest resource', () => {
    it('guest create {email, first_name, last_name}; get with the raw email in the path', async () => {
      const email = uniqueEmail('n8n');
      const created = expectJson<{ data: GuestData }>(
        await n8n.post(`${org()}/guests`, { email, first_name: 'Gus', last_name: 'Tee' }),
        201,
      ).data;
      assert.equal(created.email, email.toLowerCase());
      const got = expectJson<{ data: GuestData }>(await n8n.get(`${org()}/guests/${email}`), 200).data;
      assert.equal(got.id, created.id);
      assert.equal(got.first_name, 'Gus');
    });

    it('guest get with "+" in the raw path is the same guest (not a space)', async () => {
      const email = plusEmail('n8nplus');
      expectJson(await n8n.post(`${org()}/guests`, { email }), 201);
      assert.equal(
        expectJson<{ data: GuestData }>(await n8n.get(`${org()}/guests/${email}`), 200).data.email,
        email.toLowerCase(),
      );
    });

    it('guest update with no names: PUT with JSON content type and no body -> 201, unchanged', async () => {
      const email = uniqueEmail('n8nupd');
      expectJson(await n8n.post(`${org()}/guests`, { email, first_name: 'Keep', last_name: 'Me' }), 201);
      const response = await n8n.put(`${org()}/guests/${email}`);
      assert.equal(sentOf(response).headers['content-type'], 'application/json');
      const data = expectJson<{ data: GuestData }>(response, 201).data;
      assert.equal(data.first_name, 'Keep');
      assert.equal(data.last_name, 'Me');
    });

    it('guest update {first_name} -> 201 with the new name', async () => {
      const email = uniqueEmail('n8nupd2');
      expectJson(await n8n.post(`${org()}/guests`, { email, first_name: 'Old' }), 201);
      assert.equal(
        expectJson<{ data: GuestData }>(await n8n.put(`${org()}/guests/${email}`, { first_name: 'New' }), 201).data
          .first_name,
        'New',
      );
    });

    it('guest disable / enable: DELETE guests/{email}/disable and PUT guests/{email}/enable with empty JSON bodies', async () => {
      const email = uniqueEmail('n8ndis');
      expectJson(await n8n.post(`${org()}/guests`, { email }), 201);
      const disabled = expectJson<{ data: GuestData }>(await n8n.delete(`${org()}/guests/${email}/disable`), 200).data;
      assert.equal(disabled.email, email.toLowerCase());
      assert.notEqual(disabled.details.disabled_at, null);
      const enabled = expectJson<{ data: GuestData }>(await n8n.put(`${org()}/guests/${email}/enable`), 200).data;
      assert.equal(enabled.details.disabled_at, null);
      assert.notEqual(enabled.details.reactivated_at, null);
    });

    it('guest convertToMember: POST guests/{email}/to/member with an empty JSON body -> a member', async () => {
      const email = uniqueEmail('n8ntomember');
      expectJson(await n8n.post(`${org()}/guests`, { email, first_name: 'Soon', last_name: 'Member' }), 201);
      const member = expectJson<{ data: MemberData }>(await n8n.post(`${org()}/guests/${email}/to/member`), 201).data;
      assert.equal(member.email, email.toLowerCase());
      assert.equal(member.role, 'standard');
      expectErrorMessage(await n8n.get(`${org()}/guests/${email}`), 404);
    });

    it('guest delete: DELETE guests/{email} (raw) with JSON content type -> 200, the removed guest', async () => {
      const email = uniqueEmail('n8ndel');
      const created = expectJson<{ data: GuestData }>(await n8n.post(`${org()}/guests`, { email }), 201).data;
      const removed = expectJson<{ data: GuestData }>(await n8n.delete(`${org()}/guests/${email}`), 200).data;
      assert.equal(removed.id, created.id);
      assert.notEqual(removed.deleted_at, null);
    });

    it('guest getAll with limit: data.length = limit, has_more_pages true', async () => {
      await seedGuests(ctx, 5, 'n8nlimit');
      const body = expectJson<ListBody<GuestData>>(await n8n.get(`${org()}/guests`, { query: { limit: 3 } }), 200);
      assert.equal(body.data.length, 3);
      assert.equal(body.meta?.pagination?.per_page, 3);
      assert.equal(body.meta?.pagination?.has_more_pages, true);
      const last = expectJson<ListBody<GuestData>>(
        await n8n.get(`${org()}/guests`, { query: { limit: 100, page: 1 } }),
        200,
      );
      assert.equal(last.meta?.pagination?.has_more_pages, false);
    });

    for (const sort of SORTS) {
      it(`guest getAll with sort=${sort} and limit: 200, ordered`, async () => {
        const body = expectJson<ListBody<GuestData>>(
          await n8n.get(`${org()}/guests`, { query: { q: 'n8nlimit', sort, limit: 50 } }),
          200,
          `sort=${sort}`,
        );
        assert.equal(body.data.length, 5);
        if (sort === 'name') assertOrdered(body.data.map(byName), (a, b) => a.localeCompare(b), 'name');
        if (sort === '-name') assertOrdered(body.data.map(byName), (a, b) => b.localeCompare(a), '-name');
        if (sort === 'created_at')
          assertOrdered(
            body.data.map((g) => g.created_at),
            (a, b) => a.localeCompare(b),
            'created_at',
          );
        if (sort === '-created_at')
          assertOrdered(
            body.data.map((g) => g.created_at),
            (a, b) => b.localeCompare(a),
            '-created_at',
          );
      });
    }

    it('guest getAll return all (no limit): pages of the default size, looped on has_more_pages, every guest once', async () => {
      const seeded = await seedGuests(ctx, 1000, 'n8nall');
      const { items, pages } = await returnAll<GuestData>(n8n, `${org()}/guests`, { sort: '-created_at' });
      assert.ok(pages >= 2, `more than one page (got ${pages})`);
      const emails = items.map((g) => g.email);
      assert.equal(new Set(emails).size, emails.length, 'no guest twice across pages');
      const listed = new Set(emails);
      for (const email of seeded) assert.ok(listed.has(email), `${email} listed`);
      const total = expectJson<ListBody<GuestData>>(await n8n.get(`${org()}/guests`, { query: { limit: 1 } }), 200).meta
        ?.pagination?.total;
      assert.equal(items.length, total);
    });
  });

  describe('group resource', () => {
    it('group create: description "" and member ids as strings -> 201; members are the ids as numbers', async () => {
      const guest = uniqueEmail('n8ngroupguest');
      expectJson(await n8n.post(`${org()}/guests`, { email: guest }), 201);
      const response = await n8n.post(`${org()}/groups`, {
        name: 'n8n Team',
        description: '',
        members: [String(ctx.members.standard), String(ctx.members.light)],
        guests: [guest],
      });
      const group = expectJson<{ data: GroupData }>(response, 201).data;
      assert.match(group.id, /^[0-9a-f]{32}$/);
      assert.equal(group.name, 'n8n Team');
      assert.deepEqual(
        group.members,
        [ctx.members.standard, ctx.members.light].sort((a, b) => a - b),
      );
      assert.deepEqual(group.guests, [guest.toLowerCase()]);
      assert.ok(group.description === null || group.description === '');
    });

    it('group create with only a name and description "": 201', async () => {
      const group = expectJson<{ data: GroupData }>(
        await n8n.post(`${org()}/groups`, { name: 'n8n Bare', description: '' }),
        201,
      ).data;
      assert.equal(group.name, 'n8n Bare');
      assert.deepEqual(group.members, []);
    });

    it('group get: data.id and data.name', async () => {
      const created = expectJson<{ data: GroupData }>(
        await n8n.post(`${org()}/groups`, { name: 'n8n Get', description: '' }),
        201,
      ).data;
      const group = expectJson<{ data: GroupData }>(await n8n.get(`${org()}/groups/${created.id}`), 200).data;
      assert.equal(group.id, created.id);
      assert.equal(group.name, 'n8n Get');
    });

    it('group update without name: {description} -> 201, name unchanged; {members: strings} replaces the members', async () => {
      const created = expectJson<{ data: GroupData }>(
        await n8n.post(`${org()}/groups`, {
          name: 'n8n Update',
          description: '',
          members: [String(ctx.members.admin)],
        }),
        201,
      ).data;
      const described = expectJson<{ data: GroupData }>(
        await n8n.put(`${org()}/groups/${created.id}`, { description: 'Updated by n8n' }),
        201,
      ).data;
      assert.equal(described.name, 'n8n Update');
      assert.equal(described.description, 'Updated by n8n');
      assert.deepEqual(described.members, [ctx.members.admin]);
      const members = expectJson<{ data: GroupData }>(
        await n8n.put(`${org()}/groups/${created.id}`, { members: [String(ctx.members.light)] }),
        201,
      ).data;
      assert.deepEqual(members.members, [ctx.members.light]);
      assert.equal(members.description, 'Updated by n8n');
    });

    it('group update with nothing to change: PUT with JSON content type and no body -> 201, unchanged', async () => {
      const created = expectJson<{ data: GroupData }>(
        await n8n.post(`${org()}/groups`, { name: 'n8n Nothing', description: '' }),
        201,
      ).data;
      const same = expectJson<{ data: GroupData }>(await n8n.put(`${org()}/groups/${created.id}`), 201).data;
      assert.equal(same.name, 'n8n Nothing');
    });

    it('group getAll with limit (no q, no sort): data.length = limit', async () => {
      const body = expectJson<ListBody<GroupData>>(await n8n.get(`${org()}/groups`, { query: { limit: 2 } }), 200);
      assert.equal(body.data.length, 2);
      assert.equal(body.meta?.pagination?.has_more_pages, true);
      const { items } = await returnAll<GroupData>(n8n, `${org()}/groups`);
      for (const name of ['n8n Team', 'n8n Bare', 'n8n Get', 'n8n Update', 'n8n Nothing'])
        assert.ok(
          items.some((g) => g.name === name),
          name,
        );
    });

    it('group ID finder: q + per_page=10 -> data[].id and data[].name', async () => {
      const body = expectJson<ListBody<GroupData>>(
        await n8n.get(`${org()}/groups`, { query: { q: 'n8n get', per_page: 10 } }),
        200,
      );
      assert.deepEqual(
        body.data.map((g) => g.name),
        ['n8n Get'],
      );
    });

    it('group delete: DELETE with JSON content type and an empty body -> 2xx; the group is gone', async () => {
      const created = expectJson<{ data: GroupData }>(
        await n8n.post(`${org()}/groups`, { name: 'n8n Delete', description: '' }),
        201,
      ).data;
      const response = await n8n.delete(`${org()}/groups/${created.id}`);
      assert.equal(response.statusCode, 204, response.body);
      expectErrorMessage(await n8n.get(`${org()}/groups/${created.id}`), 404);
    });
  });
});
