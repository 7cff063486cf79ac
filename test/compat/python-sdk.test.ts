/**
 * Compatibility with Tallyfy's Python SDK (`tallyfy` on PyPI: tallyfy/core.py,
 * user_management/{retrieval,invitation}.py, organization_management/retrieval.py, and the older
 * user_management.py) as driven by Tallyfy's MCP server, `tallyfy/mcp-public`
 * (server/tools/{user_management,group_management}.py).
 *
 * What the SDK sends: root paths on https://api.tallyfy.com; a session with default headers
 * `Content-Type: application/json`, `Accept: application/json`, `X-Tallyfy-Client: TallyfySDK` and
 * the bearer token, so GET and DELETE carry the JSON content type too; a body only when there is
 * data. Guest emails go raw into the path. Lists send `page`/`per_page` (the MCP passes 20) and
 * `with=groups` / `with=stats`. Invite always sends a message; "resend" re-posts the invite with
 * placeholder names `User`/`Invite` and role `light`. The MCP posts guest creates itself with
 * `phone_1/phone_2/company_name`, because the SDK's own create sends a singular `phone`, and updates
 * guests with `{email, associated_members}`.
 *
 * What it reads: `data` as a dict (or the first element of a list) for items, `data` + `meta` for
 * paged lists, a flat `data` list for users-list and guests-list, `users_count` of the
 * organization, and the top-level `message` of any non-2xx answer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, uniqueEmail, type TestContext } from '../../support/app.js';
import {
  addMember,
  clientFor,
  expectErrorMessage,
  expectJson,
  ignoredFields,
  sentOf,
  type ClientProfile,
  type CompatClient,
  type GroupData,
  type GuestData,
  type ListBody,
  type MemberData,
  type OrganizationData,
} from './compat-helpers.js';

const SDK: ClientProfile = {
  name: 'tallyfy Python SDK',
  base: '',
  clientHeader: 'TallyfySDK',
  accept: true,
  jsonOnBodyless: true,
  extraHeaders: { 'user-agent': 'python-requests/2.32.3' },
};

const DEFAULT_MESSAGE = "Please join Tallyfy - it's going to help us automate tasks between people.";
const RESEND_MESSAGE =
  'This is a reminder to join Tallyfy - please accept your invitation to help us automate tasks between people.';

/** The SDK's `_extract_data`: `data` as a dict, or the first element when it is a list. */
function extractItem<T>(body: { data?: T | T[] }): T {
  const data = body.data;
  assert.ok(data !== undefined && data !== null, 'data present');
  return Array.isArray(data) ? (data[0] as T) : data;
}

describe('tallyfy Python SDK + tallyfy/mcp-public (MCP server)', () => {
  let ctx: TestContext;
  let sdk: CompatClient;
  const org = () => `/organizations/${ctx.orgId}`;

  before(async () => {
    ctx = await buildTestApp();
    sdk = clientFor(ctx, SDK, ctx.tokens.admin);
  });
  after(() => ctx.close());

  describe('account and organization (get_me, get_organization, organizations)', () => {
    it('get_me: GET /organizations/{org}/me with the JSON content type -> data dict of the caller', async () => {
      const response = await sdk.get(`${org()}/me`);
      assert.equal(sentOf(response).headers['content-type'], 'application/json');
      const me = extractItem(expectJson<{ data: MemberData }>(response, 200));
      assert.equal(me.id, ctx.members.admin);
      assert.equal(me.email, 'acme-admin@members.test');
      assert.equal(me.role, 'admin');
      assert.equal(me.status, 'active');
    });

    it('get_current_user_organizations(page=1, per_page=10): data + meta', async () => {
      const body = expectJson<ListBody<OrganizationData>>(
        await sdk.get('/me/organizations', { query: { page: 1, per_page: 10 } }),
        200,
      );
      assert.deepEqual(
        body.data.map((o) => o.id),
        [ctx.orgId],
      );
      assert.equal(body.meta?.pagination?.per_page, 10);
      assert.equal(body.meta?.pagination?.total, 1);
    });

    it('get_organization: users_count counts active members only (no invitees, no disabled members)', async () => {
      const before = extractItem(expectJson<{ data: OrganizationData }>(await sdk.get(org()), 200));
      assert.equal(before.id, ctx.orgId);
      assert.equal(before.users_count, 3);
      const disabled = await addMember(ctx, 'light', 'sdkcount');
      expectJson(await sdk.delete(`${org()}/users/${disabled.id}/disable`), 200);
      expectJson(
        await sdk.post(`${org()}/users/invite`, {
          email: uniqueEmail('sdkcount'),
          first_name: 'In',
          last_name: 'Vited',
          role: 'light',
          message: DEFAULT_MESSAGE,
        }),
        200,
      );
      const active = await addMember(ctx, 'standard', 'sdkcount2');
      const after = extractItem(expectJson<{ data: OrganizationData }>(await sdk.get(org()), 200));
      assert.equal(after.users_count, 4, 'three members + one new active member');
      const all = expectJson<ListBody<MemberData>>(
        await sdk.get(`${org()}/users`, { query: { page: 1, per_page: 100 } }),
        200,
      ).data;
      assert.equal(all.filter((u) => u.status === 'active').length, after.users_count);
      assert.ok(all.some((u) => u.id === active.id));
    });
  });

  describe('members (get_organization_users, users-list, get_user, invite, resend, role, disable/enable)', () => {
    it('get_organization_users(with_groups, page=1, per_page=20): data list with every status, meta.pagination', async () => {
      const invited = uniqueEmail('sdklist');
      expectJson(
        await sdk.post(`${org()}/users/invite`, {
          email: invited,
          first_name: 'List',
          last_name: 'Ed',
          role: 'light',
          message: DEFAULT_MESSAGE,
        }),
        200,
      );
      const body = expectJson<ListBody<MemberData>>(
        await sdk.get(`${org()}/users`, { query: { page: 1, per_page: 20, with: 'groups' } }),
        200,
      );
      assert.ok(body.data.some((u) => u.id === ctx.members.standard && u.status === 'active'));
      assert.equal(body.data.find((u) => u.email === invited.toLowerCase())?.status, 'invited');
      assert.equal(body.meta?.pagination?.per_page, 20);
      assert.equal(body.meta?.pagination?.current_page, 1);
      assert.equal(typeof body.meta?.pagination?.total, 'number');
    });

    it('MCP fetch_single_page: per_page=20 pages; page 2 has the rest, meta.pagination.total counts every member and invitee', async () => {
      for (let i = 0; i < 20; i += 1) await addMember(ctx, 'light', `sdkpage${i}`);
      const first = expectJson<ListBody<MemberData>>(
        await sdk.get(`${org()}/users`, { query: { page: 1, per_page: 20 } }),
        200,
      );
      const second = expectJson<ListBody<MemberData>>(
        await sdk.get(`${org()}/users`, { query: { page: 2, per_page: 20 } }),
        200,
      );
      const total = first.meta?.pagination?.total ?? 0;
      assert.equal(first.data.length, 20);
      assert.equal(second.data.length, total - 20);
      assert.equal(first.meta?.pagination?.total_pages, Math.ceil(total / 20));
      const ids = [...first.data, ...second.data].map((u) => u.id);
      assert.equal(new Set(ids).size, total, 'no member on both pages');
    });

    it('get_organization_users_list: GET users-list -> a flat data list of members', async () => {
      const body = expectJson<{ data: MemberData[]; meta?: unknown }>(await sdk.get(`${org()}/users-list`), 200);
      assert.ok(Array.isArray(body.data));
      for (const role of ['admin', 'standard', 'light'] as const) {
        const member = body.data.find((u) => u.id === ctx.members[role]);
        assert.equal(member?.email, `acme-${role}@members.test`);
      }
    });

    it('get_user: GET users/{id} -> data dict', async () => {
      const user = extractItem(
        expectJson<{ data: MemberData }>(await sdk.get(`${org()}/users/${ctx.members.light}`), 200),
      );
      assert.equal(user.id, ctx.members.light);
      assert.equal(user.role, 'light');
      assert.equal(user.first_name, 'light');
    });

    it('invite_user_to_organization: {email, first_name, last_name, role, message} -> 200, data read as the user', async () => {
      const email = uniqueEmail('sdkinvite');
      const user = extractItem(
        expectJson<{ data: MemberData }>(
          await sdk.post(`${org()}/users/invite`, {
            email,
            first_name: 'Ada',
            last_name: 'Lovelace',
            role: 'light',
            message: DEFAULT_MESSAGE,
          }),
          200,
        ),
      );
      assert.equal(user.email, email.toLowerCase());
      assert.equal(user.first_name, 'Ada');
      assert.equal(user.status, 'invited');
      assert.equal(user.role, 'light');
      assert.equal(user.invited_by, ctx.members.admin);
    });

    it('resend_invitation: re-posting the invite with "User"/"Invite" and role light succeeds; names and role stay as first sent', async () => {
      const email = uniqueEmail('sdkresend');
      const first = extractItem(
        expectJson<{ data: MemberData }>(
          await sdk.post(`${org()}/users/invite`, {
            email,
            first_name: 'Grace',
            last_name: 'Hopper',
            role: 'standard',
            message: DEFAULT_MESSAGE,
          }),
          200,
        ),
      );
      const resent = extractItem(
        expectJson<{ data: MemberData }>(
          await sdk.post(`${org()}/users/invite`, {
            email,
            first_name: 'User',
            last_name: 'Invite',
            role: 'light',
            message: RESEND_MESSAGE,
          }),
          200,
          'resend',
        ),
      );
      assert.equal(resent.id, first.id);
      assert.equal(resent.status, 'invited');
      assert.equal(resent.first_name, 'Grace');
      assert.equal(resent.last_name, 'Hopper');
      assert.equal(resent.role, 'standard');
      const got = extractItem(expectJson<{ data: MemberData }>(await sdk.get(`${org()}/users/${first.id}`), 200));
      assert.equal(got.first_name, 'Grace');
      assert.equal(got.last_name, 'Hopper');
      assert.equal(got.role, 'standard');
      const listed = expectJson<ListBody<MemberData>>(
        await sdk.get(`${org()}/users`, { query: { page: 1, per_page: 100 } }),
        200,
      ).data;
      assert.equal(listed.filter((u) => u.email === email.toLowerCase()).length, 1, 'one invitee, not two');
    });

    it("invite of an existing member: 422, and the SDK's error message comes from the top-level message", async () => {
      expectErrorMessage(
        await sdk.post(`${org()}/users/invite`, {
          email: 'acme-standard@members.test',
          first_name: 'Dup',
          last_name: 'Licate',
          role: 'light',
          message: DEFAULT_MESSAGE,
        }),
        422,
        /already a member/,
      );
    });

    it('change_user_role: PUT users/{id}/role {role} -> data with the new role', async () => {
      const member = await addMember(ctx, 'light', 'sdkrole');
      const user = extractItem(
        expectJson<{ data: MemberData }>(await sdk.put(`${org()}/users/${member.id}/role`, { role: 'admin' }), 200),
      );
      assert.equal(user.id, member.id);
      assert.equal(user.role, 'admin');
    });

    it('disable_user / enable_user: DELETE users/{id}/disable and PUT users/{id}/enable, JSON content type, no body', async () => {
      const member = await addMember(ctx, 'standard', 'sdkdisable');
      const disabled = extractItem(
        expectJson<{ data: MemberData }>(await sdk.delete(`${org()}/users/${member.id}/disable`), 200),
      );
      assert.equal(disabled.status, 'disabled');
      const enabled = extractItem(
        expectJson<{ data: MemberData }>(await sdk.put(`${org()}/users/${member.id}/enable`), 200),
      );
      assert.equal(enabled.status, 'active');
      assert.equal(enabled.id, member.id);
    });
  });

  describe('guests (create, get, update, guests-list, get_organization_guests, disable/enable)', () => {
    it('MCP create_guest: {email, first_name, last_name, phone_1, phone_2, company_name} -> 201, the fields kept', async () => {
      const email = uniqueEmail('sdkguest');
      const response = await sdk.post(`${org()}/guests`, {
        email,
        first_name: 'Vera',
        last_name: 'Vendor',
        phone_1: '+1 314 555 0100',
        phone_2: '+1 314 555 0101',
        company_name: 'Vendor Inc',
      });
      const body = expectJson<{ data?: GuestData }>(response, 201);
      const guest = body.data ?? (body as unknown as GuestData);
      assert.equal(guest.email, email.toLowerCase());
      assert.equal(guest.first_name, 'Vera');
      assert.equal(guest.details.phone_1, '+1 314 555 0100');
      assert.equal(guest.details.phone_2, '+1 314 555 0101');
      assert.equal(guest.details.company_name, 'Vendor Inc');
      assert.deepEqual(ignoredFields(response), []);
    });

    it('older SDK create_guest: a plain `phone` key is dropped (201, no phone stored) and reported in x-ignored-fields', async () => {
      const email = uniqueEmail('sdkphone');
      const response = await sdk.post(`${org()}/guests`, {
        email,
        first_name: 'Old',
        last_name: 'Sdk',
        phone: '+1 314 555 0199',
      });
      const guest = expectJson<{ data: GuestData }>(response, 201).data;
      assert.equal(guest.email, email.toLowerCase());
      assert.equal(guest.first_name, 'Old');
      assert.equal(guest.details.phone_1, null);
      assert.equal(guest.details.phone_2, null);
      assert.ok(!('phone' in guest.details) && !('phone' in guest), 'no phone key in the answer');
      assert.deepEqual(ignoredFields(response), ['phone']);
    });

    it('get_guest: GET guests/{email} with the raw email -> data dict', async () => {
      const email = uniqueEmail('sdkget');
      expectJson(await sdk.post(`${org()}/guests`, { email, first_name: 'Get', last_name: 'Me' }), 201);
      const guest = extractItem(expectJson<{ data: GuestData }>(await sdk.get(`${org()}/guests/${email}`), 200));
      assert.equal(guest.email, email.toLowerCase());
      assert.equal(guest.last_name, 'Me');
    });

    it('MCP update_guest: PUT {email, associated_members} replaces the list; [] clears it', async () => {
      const email = uniqueEmail('sdkupd');
      expectJson(await sdk.post(`${org()}/guests`, { email, first_name: 'Assoc' }), 201);
      const members = [ctx.members.admin, ctx.members.standard];
      const set = extractItem(
        expectJson<{ data: GuestData }>(
          await sdk.put(`${org()}/guests/${email}`, { email, associated_members: members }),
          201,
        ),
      );
      assert.deepEqual(set.details.associated_members, members);
      assert.equal(set.first_name, 'Assoc');
      const replaced = extractItem(
        expectJson<{ data: GuestData }>(
          await sdk.put(`${org()}/guests/${email}`, { email, associated_members: [ctx.members.light] }),
          201,
        ),
      );
      assert.deepEqual(replaced.details.associated_members, [ctx.members.light]);
      const cleared = extractItem(
        expectJson<{ data: GuestData }>(
          await sdk.put(`${org()}/guests/${email}`, { email, associated_members: [] }),
          201,
        ),
      );
      assert.ok(
        cleared.details.associated_members === null || cleared.details.associated_members.length === 0,
        'cleared',
      );
      const got = extractItem(expectJson<{ data: GuestData }>(await sdk.get(`${org()}/guests/${email}`), 200));
      assert.ok(
        got.details.associated_members === null || got.details.associated_members.length === 0,
        'cleared when read back',
      );
    });

    it('MCP update_guest with a member id of no member: 422 with a message', async () => {
      const email = uniqueEmail('sdkupdbad');
      expectJson(await sdk.post(`${org()}/guests`, { email }), 201);
      expectErrorMessage(await sdk.put(`${org()}/guests/${email}`, { email, associated_members: [987654] }), 422);
    });

    it('get_organization_guests_list: GET guests-list -> a flat data list, one item per active guest', async () => {
      const email = uniqueEmail('sdkflat');
      expectJson(await sdk.post(`${org()}/guests`, { email, first_name: 'Flat', company_name: 'Flat Co' }), 201);
      const body = expectJson<{ data: GuestData[] }>(await sdk.get(`${org()}/guests-list`), 200);
      assert.ok(Array.isArray(body.data));
      const item = body.data.find((g) => g.email === email.toLowerCase());
      assert.ok(item, 'listed');
      assert.equal(item.first_name, 'Flat');
      assert.equal(item.details.company_name, 'Flat Co');
      assert.equal(new Set(body.data.map((g) => g.email)).size, body.data.length);
    });

    it('get_organization_guests(with_stats): GET guests?page=1&per_page=20&with=stats -> data with stats, meta', async () => {
      const body = expectJson<ListBody<GuestData>>(
        await sdk.get(`${org()}/guests`, { query: { page: 1, per_page: 20, with: 'stats' } }),
        200,
      );
      assert.ok(body.data.length > 0);
      for (const guest of body.data) assert.equal(typeof guest.stats?.assigned_tasks, 'number', guest.email);
      assert.equal(body.meta?.pagination?.per_page, 20);
    });

    it('disable_guest / enable_guest: DELETE guests/{email}/disable, PUT guests/{email}/enable, JSON content type, no body', async () => {
      const email = uniqueEmail('sdkdis');
      expectJson(await sdk.post(`${org()}/guests`, { email }), 201);
      const disabled = extractItem(
        expectJson<{ data: GuestData }>(await sdk.delete(`${org()}/guests/${email}/disable`), 200),
      );
      assert.notEqual(disabled.details.disabled_at, null);
      const enabled = extractItem(
        expectJson<{ data: GuestData }>(await sdk.put(`${org()}/guests/${email}/enable`), 200),
      );
      assert.equal(enabled.details.disabled_at, null);
    });
  });

  describe('groups (MCP group tools)', () => {
    it('create {name, description, members (ints), guests}; get; list with q; update a subset; delete', async () => {
      const guest = uniqueEmail('sdkgroup');
      expectJson(await sdk.post(`${org()}/guests`, { email: guest }), 201);
      const created = extractItem(
        expectJson<{ data: GroupData }>(
          await sdk.post(`${org()}/groups`, {
            name: 'SDK Group',
            description: 'Made by the SDK',
            members: [ctx.members.admin, ctx.members.light],
            guests: [guest],
          }),
          201,
        ),
      );
      assert.match(created.id, /^[0-9a-f]{32}$/);
      assert.equal(created.description, 'Made by the SDK');
      assert.deepEqual(
        created.members,
        [ctx.members.admin, ctx.members.light].sort((a, b) => a - b),
      );
      assert.deepEqual(created.guests, [guest.toLowerCase()]);

      const got = extractItem(expectJson<{ data: GroupData }>(await sdk.get(`${org()}/groups/${created.id}`), 200));
      assert.equal(got.name, 'SDK Group');

      const listed = expectJson<ListBody<GroupData>>(
        await sdk.get(`${org()}/groups`, { query: { q: 'sdk' } }),
        200,
      ).data;
      assert.deepEqual(
        listed.map((g) => g.id),
        [created.id],
      );

      const updated = extractItem(
        expectJson<{ data: GroupData }>(
          await sdk.put(`${org()}/groups/${created.id}`, { description: 'Changed', guests: [] }),
          201,
        ),
      );
      assert.equal(updated.name, 'SDK Group');
      assert.equal(updated.description, 'Changed');
      assert.deepEqual(updated.guests, []);
      assert.deepEqual(updated.members, created.members);

      const deleted = await sdk.delete(`${org()}/groups/${created.id}`);
      assert.ok(deleted.statusCode >= 200 && deleted.statusCode < 300, deleted.body);
      expectErrorMessage(await sdk.get(`${org()}/groups/${created.id}`), 404);
    });
  });
});
