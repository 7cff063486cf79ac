/**
 * Inviting members: every client's body shape, sending again (by re-posting and by the resend
 * route), withdrawing, the refusals, and that no organization reaches another's invitations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestApp,
  call,
  createOrgWithMembers,
  createGuest,
  uniqueEmail,
  type TestContext,
} from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import {
  findOpenInvitation,
  listOpenInvitations,
  withdrawInvitation,
} from '../../src/members/invitation.repository.js';

type Org = Awaited<ReturnType<typeof createOrgWithMembers>>;

interface MemberData {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  role: string;
  status: string;
  invited_by: number | null;
  created_at: string;
}

describe('member invitations', () => {
  let ctx: TestContext;
  let other: Org;
  before(async () => {
    ctx = await buildTestApp();
    other = await createOrgWithMembers(ctx.admin, 'Globex', 'globex');
  });
  after(() => ctx.close());

  const invite = (body: unknown, token = ctx.tokens.admin, orgId = ctx.orgId, prefix = '/api') =>
    call(ctx, token, 'POST', `${prefix}/organizations/${orgId}/users/invite`, body);
  const resend = (userId: number | string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'POST', `/api/organizations/${orgId}/users/${userId}/resend-invite`);
  const withdraw = (userId: number | string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'DELETE', `/api/organizations/${orgId}/users/${userId}/withdraw-invite`);
  const view = (code: string) => ctx.app.inject({ method: 'GET', url: `/api/invitations/${code}` });

  /** The emails queued to `email`, oldest first, with the code of each one's link. */
  async function emailsTo(email: string) {
    const rows = await ctx.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('recipient', '=', email)
      .orderBy('id')
      .execute();
    return rows.map((row) => {
      const match = /http:\/\/guests\.test\/invitations\/([A-Za-z0-9_-]{32})\n/.exec(row.text_body);
      assert.ok(match?.[1], `a link in ${row.text_body}`);
      return { ...row, code: match[1] };
    });
  }
  const invitationRow = (email: string, orgId = ctx.orgId) =>
    ctx.db.kysely
      .selectFrom('invitations')
      .selectAll()
      .where('email', '=', email)
      .where('organization_id', '=', orgId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();

  async function invited(body: Record<string, unknown>, token = ctx.tokens.admin): Promise<MemberData> {
    const response = await invite(body, token);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ data: MemberData }>().data;
  }

  describe('what each client sends', () => {
    it('SDK/MCP/n8n: email, names, role and message -> 200, invited, one email with the link', async () => {
      const email = uniqueEmail('sdk');
      const member = await invited({
        email: email.toUpperCase(),
        first_name: 'Sam',
        last_name: 'Dev',
        role: 'standard',
        message: 'Welcome <b>aboard</b>',
      });
      assert.equal(member.email, email);
      assert.deepEqual(
        {
          first_name: member.first_name,
          last_name: member.last_name,
          full_name: member.full_name,
          role: member.role,
          status: member.status,
          invited_by: member.invited_by,
        },
        {
          first_name: 'Sam',
          last_name: 'Dev',
          full_name: 'Sam Dev',
          role: 'standard',
          status: 'invited',
          invited_by: ctx.members.admin,
        },
      );
      const user = await ctx.db.kysely
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      assert.equal(member.id, user.id);
      const [mail, ...more] = await emailsTo(email);
      assert.ok(mail);
      assert.equal(more.length, 0);
      assert.equal(mail.kind, 'member_invitation');
      assert.equal(mail.subject, 'admin acme invited you to Acme');
      assert.match(mail.text_body, /as a standard member/);
      assert.match(mail.text_body, /> Welcome <b>aboard<\/b>/);
      assert.match(mail.html_body ?? '', /Welcome &lt;b&gt;aboard&lt;\/b&gt;/);
      assert.match(mail.text_body, /works until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      const row = await invitationRow(email);
      assert.notEqual(row.code_hash, mail.code, 'only the hash is stored');
      assert.equal(row.send_count, 1);
      assert.equal((await view(mail.code)).statusCode, 200);
    });

    it('PowerShell: names only (role light) -> 200 at the root path too', async () => {
      const email = uniqueEmail('ps');
      const response = await invite({ first_name: 'Pat', last_name: 'Shell', email }, ctx.tokens.admin, ctx.orgId, '');
      assert.equal(response.statusCode, 200, response.body);
      const member = response.json<{ data: MemberData }>().data;
      assert.deepEqual([member.role, member.status, member.first_name], ['light', 'invited', 'Pat']);
      assert.equal((await emailsTo(email)).length, 1);
    });

    it('CLI: email only -> 200, no names; a standard member may invite', async () => {
      const email = uniqueEmail('cli');
      const member = await invited({ email }, ctx.tokens.standard);
      assert.deepEqual(
        [member.role, member.first_name, member.last_name, member.full_name, member.invited_by],
        ['light', null, null, null, ctx.members.standard],
      );
      const [mail] = await emailsTo(email);
      assert.equal(mail?.subject, 'standard acme invited you to Acme');
      assert.doesNotMatch(mail?.text_body ?? '', /Their message/);
    });

    it("an existing user (a member elsewhere) keeps their id; the invitee shows the names given here, not the other organization's", async () => {
      const response = await invite({ email: 'globex-light@members.test', first_name: 'Other', last_name: 'Name' });
      assert.equal(response.statusCode, 200, response.body);
      const member = response.json<{ data: MemberData }>().data;
      assert.deepEqual([member.id, member.first_name, member.last_name], [other.members.light, 'Other', 'Name']);
    });
  });

  describe('sending again', () => {
    it("re-posting the invite (the SDK's resend) keeps names, role and message; a new link, the old one dead", async () => {
      const email = uniqueEmail('again');
      const first = await invited({ email, first_name: 'Rita', last_name: 'Real', role: 'standard', message: 'Hi' });
      const again = await invited({
        email,
        first_name: 'User',
        last_name: 'Invite',
        role: 'light',
        message: 'Please join Tallyfy',
      });
      assert.deepEqual(again, first);
      const [old, fresh] = await emailsTo(email);
      assert.ok(old && fresh);
      assert.notEqual(old.code, fresh.code);
      assertProblem(await view(old.code), 404, 'RESOURCE_NOT_FOUND');
      const shown = (await view(fresh.code)).json<{ data: { first_name: string; role: string; message: string } }>()
        .data;
      assert.deepEqual([shown.first_name, shown.role, shown.message], ['Rita', 'standard', 'Hi']);
      assert.match(fresh.text_body, /> Hi\n/);
      const row = await invitationRow(email);
      assert.equal(row.send_count, 2);
      assert.deepEqual([row.first_name, row.last_name, row.role, row.message], ['Rita', 'Real', 'standard', 'Hi']);
      assert.ok(row.sent_at >= row.created_at);
    });

    it('POST .../resend-invite: 200, a new link; unknown user, a member, a withdrawn invitation -> 404', async () => {
      const email = uniqueEmail('resend');
      const member = await invited({ email, first_name: 'Re', last_name: 'Send' });
      const response = await resend(member.id, ctx.tokens.standard);
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json<{ data: MemberData }>().data, member);
      const [old, fresh] = await emailsTo(email);
      assert.ok(old && fresh && old.code !== fresh.code);
      assertProblem(await view(old.code), 404, 'RESOURCE_NOT_FOUND');
      assert.equal((await view(fresh.code)).statusCode, 200);
      assert.equal((await invitationRow(email)).send_count, 2);
      assertProblem(await resend(2_000_000_000), 404, 'RESOURCE_NOT_FOUND', 'no such user');
      assertProblem(await resend(ctx.members.light), 404, 'RESOURCE_NOT_FOUND', 'a member, never invited');
      assertProblem(await resend('abc'), 422, 'VALIDATION_FAILED', 'not an id');
      assert.equal((await withdraw(member.id)).statusCode, 200);
      assertProblem(await resend(member.id), 404, 'RESOURCE_NOT_FOUND', 'withdrawn');
    });

    it('concurrent invites of one address leave one pending invitation', async () => {
      const email = uniqueEmail('race');
      const responses = await Promise.all(Array.from({ length: 6 }, () => invite({ email, first_name: 'Race' })));
      for (const response of responses) assert.equal(response.statusCode, 200, response.body);
      const ids = new Set(responses.map((r) => r.json<{ data: MemberData }>().data.id));
      assert.equal(ids.size, 1);
      const rows = await ctx.db.kysely.selectFrom('invitations').selectAll().where('email', '=', email).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.send_count, 6);
      const mails = await emailsTo(email);
      assert.equal(mails.length, 6);
      // Only the last link sent works.
      const working = await Promise.all(mails.map(async (m) => (await view(m.code)).statusCode));
      assert.deepEqual(working.filter((s) => s === 200).length, 1);
    });
  });

  describe('withdrawing', () => {
    it('DELETE .../withdraw-invite: 200 with the invitee as it was; the link dies at once; a second time 404', async () => {
      const email = uniqueEmail('withdraw');
      const member = await invited({ email, first_name: 'Wendy', role: 'standard' });
      const [mail] = await emailsTo(email);
      const response = await withdraw(member.id, ctx.tokens.standard);
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json<{ data: MemberData }>().data, member);
      assertProblem(await view(mail?.code ?? ''), 404, 'RESOURCE_NOT_FOUND');
      const row = await invitationRow(email);
      assert.ok(row.revoked_at);
      assert.equal(row.revoked_by, ctx.members.standard);
      assertProblem(await withdraw(member.id), 404, 'RESOURCE_NOT_FOUND', 'again');
      assertProblem(await withdraw(ctx.members.standard), 404, 'RESOURCE_NOT_FOUND', 'a member');
      // Inviting again afterwards is a new invitation, with this body's values.
      const fresh = await invited({ email, first_name: 'Wendy', role: 'light' });
      assert.equal(fresh.role, 'light');
    });
  });

  describe('the repository functions the members list reads', () => {
    it('open = not accepted, not withdrawn, not expired (and not a member meanwhile), by user id', async () => {
      const org = await createOrgWithMembers(ctx.admin, 'Listed', 'listed');
      const ask = async (email: string, first_name?: string) => {
        const response = await invite({ email, ...(first_name && { first_name }) }, org.tokens.admin, org.orgId);
        assert.equal(response.statusCode, 200, response.body);
        return response.json<{ data: MemberData }>().data;
      };
      const open = await ask(uniqueEmail('open'), 'Olga');
      const expired = await ask(uniqueEmail('expired'));
      const withdrawn = await ask(uniqueEmail('withdrawn'));
      const joined = await ask(uniqueEmail('joined'));
      await ctx.db.kysely
        .updateTable('invitations')
        .set({ expires_at: '2020-01-01 00:00:00' })
        .where('user_id', '=', expired.id)
        .execute();
      assert.equal(
        await withdrawInvitation(ctx.db.kysely, org.orgId, withdrawn.id, org.members.admin, '2025-06-01 00:00:00'),
        true,
      );
      assert.equal(
        await withdrawInvitation(ctx.db.kysely, org.orgId, withdrawn.id, org.members.admin, '2025-06-01 00:00:00'),
        false,
      );
      await ctx.admin.addMember({ organizationId: org.orgId, email: joined.email, role: 'light' });

      const list = await listOpenInvitations(ctx.db.kysely, org.orgId);
      assert.deepEqual(list, [
        {
          userId: open.id,
          email: open.email,
          firstName: 'Olga',
          lastName: null,
          role: 'light',
          invitedAt: open.created_at,
          invitedBy: org.members.admin,
        },
      ]);
      assert.deepEqual(await findOpenInvitation(ctx.db.kysely, org.orgId, open.id), list[0]);
      for (const gone of [expired, withdrawn, joined])
        assert.equal(await findOpenInvitation(ctx.db.kysely, org.orgId, gone.id), undefined);
      assert.equal(await findOpenInvitation(ctx.db.kysely, ctx.orgId, open.id), undefined, 'another organization');
      assert.deepEqual(await listOpenInvitations(ctx.db.kysely, other.orgId), []);
    });
  });

  describe('refusals', () => {
    it('422 on email: a member (active or disabled) of this organization, an active guest of it', async () => {
      const member = assertProblem(await invite({ email: 'ACME-standard@members.test' }), 422, 'VALIDATION_FAILED');
      assert.deepEqual(member.errors, {
        email: ['acme-standard@members.test is already a member of this organization.'],
      });
      await ctx.db.kysely
        .updateTable('memberships')
        .set({ disabled_at: '2025-01-01 00:00:00', disabled_by: ctx.members.admin })
        .where('organization_id', '=', ctx.orgId)
        .where('user_id', '=', ctx.members.light)
        .execute();
      try {
        assertProblem(await invite({ email: 'acme-light@members.test' }), 422, 'VALIDATION_FAILED', 'disabled member');
      } finally {
        await ctx.db.kysely
          .updateTable('memberships')
          .set({ disabled_at: null, disabled_by: null })
          .where('organization_id', '=', ctx.orgId)
          .where('user_id', '=', ctx.members.light)
          .execute();
      }
      const guest = await createGuest(ctx);
      const body = assertProblem(await invite({ email: guest.email }), 422, 'VALIDATION_FAILED');
      assert.match(
        body.errors?.email?.[0] ?? '',
        /is a guest of this organization.*POST \/organizations\/[0-9a-f]{32}\/guests\/.*\/to\/member/,
      );
      // A guest of another organization may be invited here.
      const elsewhere = await createGuest(ctx, {}, other.tokens.admin, other.orgId);
      assert.equal((await invite({ email: elsewhere.email })).statusCode, 200);
      assert.equal(
        (
          await ctx.db.kysely
            .selectFrom('outbox')
            .select('id')
            .where('recipient', '=', 'acme-standard@members.test')
            .execute()
        ).length,
        0,
      );
    });

    it('422: bad or missing email, bad role, names and message too long, every field at once', async () => {
      assertProblem(await invite({ email: 'not-an-email' }), 422, 'VALIDATION_FAILED', 'bad email');
      assertProblem(await invite({ first_name: 'No' }), 422, 'VALIDATION_FAILED', 'no email');
      assertProblem(await invite(undefined), 422, 'VALIDATION_FAILED', 'no body');
      assertProblem(await invite({ email: uniqueEmail(), role: 'owner' }), 422, 'VALIDATION_FAILED', 'bad role');
      assertProblem(
        await invite({ email: uniqueEmail(), message: 'x'.repeat(5001) }),
        422,
        'VALIDATION_FAILED',
        'long message',
      );
      const all = assertProblem(
        await invite({ email: 'bad', role: 'Admin', first_name: 'x'.repeat(201), message: 'y'.repeat(5001) }),
        422,
        'VALIDATION_FAILED',
      );
      assert.deepEqual(Object.keys(all.errors ?? {}).sort(), ['email', 'first_name', 'message', 'role']);
      assert.equal(
        (await invite({ email: uniqueEmail(), message: 'x'.repeat(5000), role: '' })).statusCode,
        200,
        'at the limits; "" is no role',
      );
    });

    it('hostile values in any field: 200, 400 or 422, never a 5xx, and nothing queued on a refusal', async () => {
      const values: unknown[] = [
        '',
        ' ',
        'x'.repeat(5001),
        '\u0000',
        '\ud800',
        '😀'.repeat(300),
        '<script>alert(1)</script>',
        "'; drop table users; --",
        '%00',
        null,
        0,
        -1,
        1e308,
        true,
        [],
        {},
        ['a'],
        { a: 1 },
        '\u202e',
        'e\u0301',
      ];
      const fields = ['email', 'first_name', 'last_name', 'role', 'message', '__proto__', 'constructor'];
      for (const field of fields) {
        for (const value of values) {
          const email = uniqueEmail('hostile');
          const response = await invite({ email, [field]: value });
          assert.ok(
            [200, 400, 422].includes(response.statusCode),
            `${field}=${JSON.stringify(value)}: ${response.statusCode} ${response.body}`,
          );
          const queued = await ctx.db.kysely.selectFrom('outbox').select('id').where('recipient', '=', email).execute();
          assert.equal(queued.length, response.statusCode === 200 ? 1 : 0, `${field}=${JSON.stringify(value)}`);
        }
      }
      for (const payload of ['{', '[]', '"x"', 'email=a@b.test', '\u0000']) {
        const response = await ctx.app.inject({
          method: 'POST',
          url: `/api/organizations/${ctx.orgId}/users/invite`,
          payload,
          headers: { authorization: `Bearer ${ctx.tokens.admin}`, 'content-type': 'application/json' },
        });
        assert.ok([400, 422].includes(response.statusCode), `${payload}: ${response.statusCode}`);
      }
    });

    it("403: a light member; a standard member inviting an admin or sending an admin's invitation again", async () => {
      assertProblem(await invite({ email: uniqueEmail() }, ctx.tokens.light), 403, 'FORBIDDEN', 'light');
      const email = uniqueEmail('admin');
      assertProblem(await invite({ email, role: 'admin' }, ctx.tokens.standard), 403, 'FORBIDDEN', 'standard -> admin');
      assert.equal(
        (await ctx.db.kysely.selectFrom('invitations').select('id').where('email', '=', email).execute()).length,
        0,
      );
      const admin = await invited({ email, role: 'admin' });
      assert.equal(admin.role, 'admin');
      assertProblem(
        await invite({ email }, ctx.tokens.standard),
        403,
        'FORBIDDEN',
        'standard re-posting an admin invitation',
      );
      assertProblem(await resend(admin.id, ctx.tokens.standard), 403, 'FORBIDDEN', 'standard resending');
      assertProblem(await resend(admin.id, ctx.tokens.light), 403, 'FORBIDDEN', 'light resending');
      assertProblem(await withdraw(admin.id, ctx.tokens.light), 403, 'FORBIDDEN', 'light withdrawing');
      assert.equal((await emailsTo(email)).length, 1);
    });

    it("tenant isolation: another organization's admin gets 403 here and 404 for our invitees on their own path", async () => {
      const email = uniqueEmail('tenant');
      const member = await invited({ email });
      assertProblem(await resend(member.id, other.tokens.admin), 403, 'FORBIDDEN', 'their token, our path');
      assertProblem(await withdraw(member.id, other.tokens.admin), 403, 'FORBIDDEN', 'their token, our path');
      assertProblem(await invite({ email: uniqueEmail() }, other.tokens.admin), 403, 'FORBIDDEN');
      assertProblem(
        await resend(member.id, other.tokens.admin, other.orgId),
        404,
        'RESOURCE_NOT_FOUND',
        'our id, their path',
      );
      assertProblem(
        await withdraw(member.id, other.tokens.admin, other.orgId),
        404,
        'RESOURCE_NOT_FOUND',
        'our id, their path',
      );
      assert.equal((await invitationRow(email)).revoked_at, null);
      assert.equal((await emailsTo(email)).length, 1);
      assertProblem(
        await call(ctx, null, 'POST', `/api/organizations/${ctx.orgId}/users/invite`, { email }),
        401,
        'UNAUTHENTICATED',
      );
    });
  });
});
