/**
 * Compatibility with the clients that send NO X-Tallyfy-Client header:
 *
 * - the PowerShell module `mattgrif/TallyFy-API-PowerShell-Module` (TallyFy.psm1): base
 *   `https://go.tallyfy.com/api`; `Invoke-RestMethod -ContentType 'application/json'` on every call,
 *   GET and DELETE included; `Authorization` (token type + token) and, on the organization cmdlets,
 *   an extra `org: <organization id>` header; it returns `.data` of each answer. New-TallyFyUser
 *   invites with only `first_name, last_name, email`; Remove-TallyFyUser sends
 *   `DELETE users/{id}` or, with reassignment, `?with_reassignment=$With_Reassignment&to=$AssignTo`
 *   — a PowerShell [boolean] interpolated into a string reads `True`.
 * - Tallyfy's migrator, `tallyfy/migrator` ({trello,asana,…}/src/api/tallyfy_client.py): `requests` session with
 *   `Content-Type: application/json` and `Accept: application/json` (comment: "X-Tallyfy-Client
 *   header is NOT required"), paths `/api/organizations/{org}/...`; create_guest posts
 *   `{email, name, organization_id}` and create_group `{id, name, organization_id, members}` —
 *   keys the API does not know, which must be dropped (and reported in `x-ignored-fields`), not refused.
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

const POWERSHELL: ClientProfile = {
  name: 'TallyFy PowerShell module',
  base: '/api',
  clientHeader: null,
  accept: false,
  jsonOnBodyless: true,
  extraHeaders: { 'user-agent': 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.1' },
};

const MIGRATOR: ClientProfile = {
  name: 'tallyfy/migrator',
  base: '/api',
  clientHeader: null,
  accept: true,
  jsonOnBodyless: true,
  extraHeaders: { 'user-agent': 'python-requests/2.31.0' },
};

describe('headerless clients: TallyFy PowerShell module + tallyfy/migrator (no X-Tallyfy-Client)', () => {
  let ctx: TestContext;
  let ps: CompatClient;
  let migrator: CompatClient;
  const org = () => `/organizations/${ctx.orgId}`;
  const orgHeader = () => ({ org: ctx.orgId });

  before(async () => {
    ctx = await buildTestApp();
    ps = clientFor(ctx, POWERSHELL, ctx.tokens.admin);
    migrator = clientFor(ctx, MIGRATOR, ctx.tokens.admin);
  });
  after(() => ctx.close());

  describe('PowerShell module (TallyFy.psm1)', () => {
    it('Get-TallyFyOrganization: GET organizations/{org} with `org` header and JSON content type, no client header -> .data', async () => {
      const response = await ps.get(org(), { headers: orgHeader() });
      assert.equal(sentOf(response).headers['x-tallyfy-client'], undefined);
      assert.equal(sentOf(response).headers['content-type'], 'application/json');
      const data = expectJson<{ data: OrganizationData }>(response, 200).data;
      assert.equal(data.id, ctx.orgId);
      assert.equal(data.name, 'Acme');
      assert.deepEqual(ignoredFields(response), [], 'a header is not a field');
    });

    it('Get-TallyFyBillingInfo: GET organizations/{org}?with=billing_info -> 200 (the parameter is dropped and reported)', async () => {
      const response = await ps.get(org(), { headers: orgHeader(), query: { with: 'billing_info' } });
      const data = expectJson<{ data: OrganizationData }>(response, 200).data;
      assert.equal(data.id, ctx.orgId);
      assert.deepEqual(ignoredFields(response), ['query.with']);
    });

    it('Get-TallyFyUser: GET users -> .data list; with -ID: GET users/{id} -> .data', async () => {
      const list = expectJson<ListBody<MemberData>>(await ps.get(`${org()}/users`), 200).data;
      for (const role of ['admin', 'standard', 'light'] as const) {
        assert.equal(list.find((u) => u.id === ctx.members[role])?.email, `acme-${role}@members.test`);
      }
      const one = expectJson<{ data: MemberData }>(await ps.get(`${org()}/users/${ctx.members.light}`), 200).data;
      assert.equal(one.id, ctx.members.light);
      assert.equal(one.first_name, 'light');
    });

    it('New-TallyFyUser: POST users/invite {first_name, last_name, email} (no role, no message) -> 200, invited as light', async () => {
      const email = uniqueEmail('psinvite');
      const data = expectJson<{ data: MemberData }>(
        await ps.post(`${org()}/users/invite`, { first_name: 'Power', last_name: 'Shell', email }),
        200,
      ).data;
      assert.equal(data.email, email.toLowerCase());
      assert.equal(data.status, 'invited');
      assert.equal(data.first_name, 'Power');
      assert.equal(data.last_name, 'Shell');
      assert.equal(data.role, 'light');
    });

    it('Remove-TallyFyUser: DELETE users/{id} with JSON content type and an empty body -> 200, .data is the member', async () => {
      const member = await addMember(ctx, 'light', 'psremove');
      const data = expectJson<{ data: MemberData }>(await ps.delete(`${org()}/users/${member.id}`), 200).data;
      assert.equal(data.id, member.id);
      assert.equal(data.email, member.email);
      expectErrorMessage(await ps.get(`${org()}/users/${member.id}`), 404);
    });

    it('Remove-TallyFyUser -With_Reassignment: DELETE users/{id}?with_reassignment=true&to={id} -> 200', async () => {
      const member = await addMember(ctx, 'standard', 'psreassign');
      const data = expectJson<{ data: MemberData }>(
        await ps.delete(`${org()}/users/${member.id}`, {
          query: { with_reassignment: 'true', to: ctx.members.admin },
        }),
        200,
      ).data;
      assert.equal(data.id, member.id);
    });

    it('Remove-TallyFyUser -With_Reassignment $true as PowerShell writes it: ?with_reassignment=True&to={id} -> 200', async () => {
      const member = await addMember(ctx, 'standard', 'psreassign2');
      const data = expectJson<{ data: MemberData }>(
        await ps.delete(`${org()}/users/${member.id}`, {
          query: { with_reassignment: 'True', to: String(ctx.members.admin) },
        }),
        200,
      ).data;
      assert.equal(data.id, member.id);
    });

    it('Remove-TallyFyUser reassigning to someone who is not a member: 422 with a message', async () => {
      const member = await addMember(ctx, 'standard', 'psreassign3');
      expectErrorMessage(
        await ps.delete(`${org()}/users/${member.id}`, { query: { with_reassignment: 'true', to: 987654 } }),
        422,
      );
    });

    it('an unknown token without the client header: 401 (not a complaint about the missing header)', async () => {
      const message = expectErrorMessage(
        await ps.get(org(), { headers: orgHeader(), authorization: 'Bearer nope' }),
        401,
      );
      assert.doesNotMatch(message, /X-Tallyfy-Client/i);
    });
  });

  describe('migrator (tallyfy_client.py)', () => {
    it('create_guest: POST /api/organizations/{org}/guests {email, name, organization_id} -> 201; name and organization_id dropped and listed in x-ignored-fields', async () => {
      const email = uniqueEmail('migr');
      const response = await migrator.post(`${org()}/guests`, {
        email,
        name: 'Migrated Person',
        organization_id: ctx.orgId,
      });
      assert.equal(sentOf(response).headers['x-tallyfy-client'], undefined);
      const guest = expectJson<{ data: GuestData }>(response, 201).data;
      assert.equal(guest.email, email.toLowerCase());
      assert.equal(guest.first_name, null);
      assert.equal(guest.last_name, null);
      assert.deepEqual(ignoredFields(response).sort(), ['name', 'organization_id']);
      const got = expectJson<{ data: GuestData }>(await migrator.get(`${org()}/guests/${email}`), 200).data;
      assert.equal(got.id, guest.id);
    });

    it('create_guest again for the same email (a re-run migration): 2xx, the same guest, not a duplicate', async () => {
      const email = uniqueEmail('migragain');
      const first = expectJson<{ data: GuestData }>(
        await migrator.post(`${org()}/guests`, { email, name: 'Once', organization_id: ctx.orgId }),
        201,
      ).data;
      const again = await migrator.post(`${org()}/guests`, { email, name: 'Twice', organization_id: ctx.orgId });
      assert.ok(again.statusCode === 200 || again.statusCode === 201, again.body);
      assert.equal((JSON.parse(again.body) as { data: GuestData }).data.id, first.id);
      const listed = expectJson<ListBody<GuestData>>(
        await migrator.get(`${org()}/guests`, { query: { q: email } }),
        200,
      ).data;
      assert.equal(listed.length, 1);
    });

    it("create_group: {id, name, organization_id, members} -> 201 with the service's own id; id and organization_id reported", async () => {
      const clientId = 'a'.repeat(32);
      const response = await migrator.post(`${org()}/groups`, {
        id: clientId,
        name: 'Migrated Group',
        organization_id: ctx.orgId,
        members: [],
      });
      const group = expectJson<{ data: GroupData }>(response, 201).data;
      assert.match(group.id, /^[0-9a-f]{32}$/);
      assert.notEqual(group.id, clientId);
      assert.equal(group.name, 'Migrated Group');
      assert.deepEqual(group.members, []);
      assert.deepEqual(ignoredFields(response).sort(), ['id', 'organization_id']);
    });

    it('create_group with member ids as strings (member_ids: List[str]) -> 201, members as numbers', async () => {
      const response = await migrator.post(`${org()}/groups`, {
        id: 'b'.repeat(32),
        name: 'Migrated With Members',
        organization_id: ctx.orgId,
        members: [String(ctx.members.standard)],
      });
      assert.deepEqual(expectJson<{ data: GroupData }>(response, 201).data.members, [ctx.members.standard]);
    });

    it("a GET with the session's JSON content type and no body: 200", async () => {
      const response = await migrator.get(`${org()}/users`);
      assert.equal(sentOf(response).headers['content-type'], 'application/json');
      assert.ok(expectJson<ListBody<MemberData>>(response, 200).data.length >= 3);
    });
  });
});
