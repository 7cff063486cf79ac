/**
 * Compatibility with the code samples of Tallyfy's API documentation, `tallyfy/documentation`
 * (src/content/docs/pro/integrations/open-api/code-samples/{guests,members,groups}/*.mdx:
 * JavaScript, Python, Java, Go, C++ and C# samples).
 *
 * What the samples send: base `https://go.tallyfy.com/api`; `Authorization: Bearer`,
 * `Accept: application/json`, `X-Tallyfy-Client: APIClient`; `Content-Type: application/json`
 * only with a body. A guest email in the path is encoded by the language's own function:
 * encodeURIComponent / Python quote / Java URLEncoder (`%40`, `+` -> `%2B`), C# HttpUtility.UrlEncode
 * (lower-case `%2b`), Go url.PathEscape (raw `@` and `+`).
 *
 * What they check: the exact status of success — guest create 201 (Java, Go, C++), guest get 200 or
 * 201 (Go, Java, C++), guest update 201 (Java, Go, C++), guest delete 200 (Python, Java, Go, C++),
 * invite 200 (Java, Go, C++) with `data.status` "invited", role change 200, member removal 200,
 * group update 201 (Java, Go, C++), group delete 204 with an empty body (every sample); and the
 * documented errors: 422 when deleting an email that is not a guest.
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
  type ClientProfile,
  type CompatClient,
  type GroupData,
  type GuestData,
  type ListBody,
  type MemberData,
} from './compat-helpers.js';

const DOCS: ClientProfile = {
  name: 'tallyfy/documentation samples',
  base: '/api',
  clientHeader: 'APIClient',
  accept: true,
  jsonOnBodyless: false,
};

/** How each sample language puts an email into a path segment. */
const ENCODERS: Record<string, (email: string) => string> = {
  'JavaScript encodeURIComponent': (e) => encodeURIComponent(e),
  'Python quote': (e) => encodeURIComponent(e),
  'Java URLEncoder.encode': (e) => encodeURIComponent(e).replace(/%20/g, '+'),
  'C# HttpUtility.UrlEncode': (e) => encodeURIComponent(e).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  'Go url.PathEscape': (e) => e,
};

describe('tallyfy/documentation (API code samples)', () => {
  let ctx: TestContext;
  let docs: CompatClient;
  const org = () => `/organizations/${ctx.orgId}`;

  before(async () => {
    ctx = await buildTestApp();
    docs = clientFor(ctx, DOCS, ctx.tokens.admin);
  });
  after(() => ctx.close());

  describe('guests', () => {
    it('create guest: {email, first_name, last_name, company_name} -> exactly 201 (Java/Go/C++ check Created)', async () => {
      const email = uniqueEmail('docs');
      const guest = expectJson<{ data: GuestData }>(
        await docs.post(`${org()}/guests`, {
          email,
          first_name: 'CPP',
          last_name: 'Guest',
          company_name: 'Example Systems',
        }),
        201,
      ).data;
      assert.equal(guest.email, email.toLowerCase());
      assert.equal(guest.details.company_name, 'Example Systems');
      assert.equal(typeof guest.id, 'number');
      assert.match(String(guest.link), /^http:\/\/guests\.test\/guest\//);
      assert.equal(guest.deleted_at, null);
    });

    for (const [language, encode] of Object.entries(ENCODERS)) {
      it(`get guest (${language}): 200 (or 201), the guest; ?with=stats adds stats`, async () => {
        const email = plusEmail('docsget');
        expectJson(await docs.post(`${org()}/guests`, { email, first_name: 'Enc' }), 201);
        const response = await docs.get(`${org()}/guests/${encode(email)}`, { query: { with: 'stats' } });
        assert.ok(
          response.statusCode === 200 || response.statusCode === 201,
          `${language}: ${response.statusCode} ${response.body}`,
        );
        const guest = (JSON.parse(response.body) as { data: GuestData }).data;
        assert.equal(guest.email, email.toLowerCase());
        assert.equal(guest.first_name, 'Enc');
        assert.equal(typeof guest.stats?.assigned_tasks, 'number');
      });
    }

    it('list guests: ?with=stats&per_page=50&page=1 -> 200, data with stats, meta.pagination', async () => {
      const body = expectJson<ListBody<GuestData>>(
        await docs.get(`${org()}/guests`, { query: { with: 'stats', per_page: 50, page: 1 } }),
        200,
      );
      assert.ok(body.data.length > 0);
      assert.ok(body.data.every((g) => typeof g.stats?.tasks_completed === 'number'));
      assert.equal(body.meta?.pagination?.per_page, 50);
      assert.equal(body.meta?.pagination?.current_page, 1);
    });

    it('update guest: PUT %40-encoded {associated_members} -> exactly 201 (Java/Go/C++ check Created), the list replaced', async () => {
      const email = uniqueEmail('docsupd');
      expectJson(await docs.post(`${org()}/guests`, { email }), 201);
      const members = [ctx.members.admin, ctx.members.standard];
      const updated = expectJson<{ data: GuestData }>(
        await docs.put(`${org()}/guests/${encodeURIComponent(email)}`, { associated_members: members }),
        201,
      ).data;
      assert.equal(updated.email, email.toLowerCase());
      assert.deepEqual(updated.details.associated_members, members);
    });

    it('delete guest: DELETE %40-encoded -> exactly 200 (Python/Java/Go/C++), data is the removed guest', async () => {
      const email = uniqueEmail('docsdel');
      const created = expectJson<{ data: GuestData }>(await docs.post(`${org()}/guests`, { email }), 201).data;
      const removed = expectJson<{ data: GuestData }>(
        await docs.delete(`${org()}/guests/${encodeURIComponent(email)}`),
        200,
      ).data;
      assert.equal(removed.id, created.id);
      assert.equal(removed.email, email.toLowerCase());
      assert.notEqual(removed.deleted_at, null);
      expectErrorMessage(await docs.get(`${org()}/guests/${encodeURIComponent(email)}`), 404);
    });

    it('delete guest of an email that is not a guest: 422 (as documented)', async () => {
      const response = await docs.delete(`${org()}/guests/${encodeURIComponent('guest.to.delete@example.com')}`);
      expectErrorMessage(response, 422);
      const errors = (JSON.parse(response.body) as { errors?: Record<string, string[]> }).errors;
      assert.ok(errors?.email, 'the error is on email');
    });

    it('disable then enable a guest: DELETE guests/{email}/disable 200, PUT guests/{email}/enable 200', async () => {
      const email = uniqueEmail('docsdis');
      expectJson(await docs.post(`${org()}/guests`, { email }), 201);
      const disabled = expectJson<{ data: GuestData }>(
        await docs.delete(`${org()}/guests/${encodeURIComponent(email)}/disable`),
        200,
      ).data;
      assert.notEqual(disabled.details.disabled_at, null);
      const enabled = expectJson<{ data: GuestData }>(
        await docs.put(`${org()}/guests/${encodeURIComponent(email)}/enable`),
        200,
      ).data;
      assert.equal(enabled.details.disabled_at, null);
    });
  });

  describe('members', () => {
    it('invite member: {email, first_name, last_name, role, message} -> exactly 200, data.status "invited", invited_by, role', async () => {
      const email = uniqueEmail('docsinvite');
      const data = expectJson<{ data: MemberData }>(
        await docs.post(`${org()}/users/invite`, {
          email,
          first_name: 'Peppermint',
          last_name: 'Patty',
          role: 'standard',
          message: 'Welcome aboard.',
        }),
        200,
      ).data;
      assert.equal(data.status, 'invited');
      assert.equal(data.email, email.toLowerCase());
      assert.equal(data.role, 'standard');
      assert.equal(data.invited_by, ctx.members.admin);
      assert.equal(data.first_name, 'Peppermint');
    });

    it('invite member who is already a member: 422', async () => {
      expectErrorMessage(
        await docs.post(`${org()}/users/invite`, {
          email: 'acme-light@members.test',
          first_name: 'A',
          last_name: 'B',
          role: 'light',
          message: 'Hi',
        }),
        422,
      );
    });

    it('list members: ?with=groups&per_page=50&page=1 -> 200', async () => {
      const body = expectJson<ListBody<MemberData>>(
        await docs.get(`${org()}/users`, { query: { with: 'groups', per_page: 50, page: 1 } }),
        200,
      );
      assert.ok(body.data.some((u) => u.id === ctx.members.admin && u.role === 'admin'));
      assert.equal(body.meta?.pagination?.per_page, 50);
    });

    it('get member: 200, data.id', async () => {
      const data = expectJson<{ data: MemberData }>(await docs.get(`${org()}/users/${ctx.members.standard}`), 200).data;
      assert.equal(data.id, ctx.members.standard);
      assert.equal(data.email, 'acme-standard@members.test');
    });

    it('update member role: PUT users/{id}/role {role: "light"} -> exactly 200, data.role', async () => {
      const member = await addMember(ctx, 'standard', 'docsrole');
      const data = expectJson<{ data: MemberData }>(
        await docs.put(`${org()}/users/${member.id}/role`, { role: 'light' }),
        200,
      ).data;
      assert.equal(data.id, member.id);
      assert.equal(data.role, 'light');
    });

    it('remove member: DELETE users/{id} -> exactly 200 (Java/Go/C++); with ?with_reassignment=true&to={id} too', async () => {
      const plain = await addMember(ctx, 'light', 'docsremove');
      const removed = expectJson<{ data: MemberData }>(await docs.delete(`${org()}/users/${plain.id}`), 200).data;
      assert.equal(removed.id, plain.id);
      const reassigned = await addMember(ctx, 'standard', 'docsremove2');
      const data = expectJson<{ data: MemberData }>(
        await docs.delete(`${org()}/users/${reassigned.id}`, {
          query: { with_reassignment: 'true', to: ctx.members.admin },
        }),
        200,
      ).data;
      assert.equal(data.id, reassigned.id);
      const listed = expectJson<ListBody<MemberData>>(await docs.get(`${org()}/users`), 200).data;
      assert.ok(!listed.some((u) => u.id === plain.id || u.id === reassigned.id), 'both gone from the list');
    });

    it('disable member then permanent delete: DELETE users/{id}/disable 200, DELETE users/{id}/delete 200', async () => {
      const member = await addMember(ctx, 'light', 'docsdelete');
      const disabled = expectJson<{ data: MemberData }>(
        await docs.delete(`${org()}/users/${member.id}/disable`),
        200,
      ).data;
      assert.equal(disabled.status, 'disabled');
      const erased = expectJson<{ data: { id: number; email: string } }>(
        await docs.delete(`${org()}/users/${member.id}/delete`),
        200,
      ).data;
      assert.equal(erased.id, member.id);
      expectErrorMessage(await docs.get(`${org()}/users/${member.id}`), 404);
    });

    it('permanent delete without disabling first: an error, as documented', async () => {
      const member = await addMember(ctx, 'light', 'docsdelete2');
      const response = await docs.delete(`${org()}/users/${member.id}/delete`);
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, response.body);
    });
  });

  describe('groups', () => {
    it('create group: {name, description, members} -> 201 (docs), data.id; members kept', async () => {
      const group = expectJson<{ data: GroupData }>(
        await docs.post(`${org()}/groups`, {
          name: 'Client Onboarding',
          description: 'Team responsible for new client onboarding.',
          members: [ctx.members.admin, ctx.members.standard],
        }),
        201,
      ).data;
      assert.match(group.id, /^[0-9a-f]{32}$/);
      assert.equal(group.description, 'Team responsible for new client onboarding.');
      assert.deepEqual(
        group.members,
        [ctx.members.admin, ctx.members.standard].sort((a, b) => a - b),
      );
    });

    it('get group -> 200', async () => {
      const created = expectJson<{ data: GroupData }>(
        await docs.post(`${org()}/groups`, { name: 'Docs Get', description: 'x' }),
        201,
      ).data;
      const group = expectJson<{ data: GroupData }>(await docs.get(`${org()}/groups/${created.id}`), 200).data;
      assert.equal(group.id, created.id);
      assert.equal(group.description, 'x');
    });

    it('list groups: ?with=assets&per_page=10&page=1 -> 200, meta.pagination with links', async () => {
      const body = expectJson<ListBody<GroupData>>(
        await docs.get(`${org()}/groups`, { query: { with: 'assets', per_page: 10, page: 1 } }),
        200,
      );
      assert.ok(body.data.some((g) => g.name === 'Client Onboarding'));
      assert.equal(body.meta?.pagination?.per_page, 10);
      assert.equal(typeof body.meta?.pagination?.links, 'object');
    });

    it('update group: Java {name, description} and Go {description, members} -> exactly 201; lists replaced', async () => {
      const created = expectJson<{ data: GroupData }>(
        await docs.post(`${org()}/groups`, {
          name: 'Docs Update',
          description: 'Before',
          members: [ctx.members.admin],
        }),
        201,
      ).data;
      const renamed = expectJson<{ data: GroupData }>(
        await docs.put(`${org()}/groups/${created.id}`, {
          name: 'Renamed Java Group',
          description: 'Updated description.',
        }),
        201,
      ).data;
      assert.equal(renamed.name, 'Renamed Java Group');
      assert.equal(renamed.description, 'Updated description.');
      assert.deepEqual(renamed.members, [ctx.members.admin]);
      const replaced = expectJson<{ data: GroupData }>(
        await docs.put(`${org()}/groups/${created.id}`, {
          description: 'Core finance team for approvals.',
          members: [ctx.members.standard, ctx.members.light],
        }),
        201,
      ).data;
      assert.deepEqual(
        replaced.members,
        [ctx.members.standard, ctx.members.light].sort((a, b) => a - b),
      );
      assert.equal(replaced.name, 'Renamed Java Group');
    });

    it('delete group: exactly 204 with an empty body (every sample), then 404', async () => {
      const created = expectJson<{ data: GroupData }>(
        await docs.post(`${org()}/groups`, { name: 'Docs Delete', description: 'x' }),
        201,
      ).data;
      const response = await docs.delete(`${org()}/groups/${created.id}`);
      assert.equal(response.statusCode, 204, response.body);
      assert.equal(response.body, '');
      expectErrorMessage(await docs.get(`${org()}/groups/${created.id}`), 404);
    });
  });
});
