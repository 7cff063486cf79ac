/**
 * An import's batch (src/guests/bulk/batch.service.ts) answers every row as Create guest answers
 * the same body: new guests, guests already here, a removed guest joined again, a guest of
 * another organization, a repeated email, a member's email and members that are not the
 * organization's, all in one batch; each failed row carries the very errors Create guest gives.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { authHeaders, buildTestAppWithOther, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { activeGuests, pollImport } from './import-helpers.js';

describe('Import guests: a batch answers each row as Create guest', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
  });
  after(() => ctx.close());

  const guestsUrl = (orgId: string) => `/api/organizations/${orgId}/guests`;
  const create = (body: Record<string, unknown>, orgId = ctx.orgId, token = ctx.tokens.admin) =>
    ctx.app.inject({ method: 'POST', url: guestsUrl(orgId), headers: authHeaders(token), payload: body });
  const get = (email: string) =>
    ctx.app.inject({
      method: 'GET',
      url: `${guestsUrl(ctx.orgId)}/${encodeURIComponent(email)}`,
      headers: authHeaders(ctx.tokens.admin),
    });

  it('creates, joins again and refuses rows exactly as single creates would', async () => {
    assert.equal((await create({ email: 'batch.here@partner.test' })).statusCode, 201);
    assert.equal((await create({ email: 'batch.gone@partner.test', first_name: 'Old' })).statusCode, 201);
    const removed = await ctx.app.inject({
      method: 'DELETE',
      url: `${guestsUrl(ctx.orgId)}/batch.gone%40partner.test`,
      headers: authHeaders(ctx.tokens.admin),
    });
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(
      (await create({ email: 'batch.elsewhere@partner.test' }, other.orgId, other.tokens.admin)).statusCode,
      201,
    );
    const before = await activeGuests(ctx, ctx.orgId);

    const failing = {
      4: { email: 'acme-standard@members.test' },
      5: { email: 'batch.nonmember@partner.test', associated_members: [ctx.members.light, other.members.admin] },
      8: { email: 'batch.nomail@nomail.test' },
    };
    const csv = [
      'email,first_name,associated_members',
      'Batch.New@Partner.test,New,', // 2: created (normalized)
      'batch.here@partner.test,,', // 3: a guest already: existing
      'acme-standard@members.test,,', // 4: a member's email
      `batch.nonmember@partner.test,,${ctx.members.light};${other.members.admin}`, // 5: another organization's member
      'batch.gone@partner.test,Back,', // 6: removed before: created again, fresh
      'batch.new@partner.test,Again,', // 7: a repeat of line 2: existing
      'batch.nomail@nomail.test,,', // 8: a domain without mail
      `batch.elsewhere@partner.test,Else,${ctx.members.standard}`, // 9: a guest of another organization: created here
      '',
    ].join('\n');
    const response = await ctx.app.inject({
      method: 'POST',
      url: `${guestsUrl(ctx.orgId)}/import`,
      headers: { ...authHeaders(ctx.tokens.admin), 'content-type': 'text/csv' },
      payload: csv,
    });
    assert.equal(response.statusCode, 202, response.body);
    const location = String(response.headers.location).replace('http://guests.test', '');
    const done = await pollImport(ctx, ctx.tokens.admin, location);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.counts, { rows: 8, processed: 8, imported: 5, created: 3, existing: 2, failed: 3 });
    assert.equal(await activeGuests(ctx, ctx.orgId), before + 3);

    // Each failed row: its line, and the errors Create guest answers for the same body (which writes nothing).
    assert.deepEqual(
      done.failed_rows.map((r) => r.line),
      [4, 5, 8],
    );
    for (const row of done.failed_rows) {
      const single = await create(failing[row.line as keyof typeof failing]);
      assert.equal(single.statusCode, 422, single.body);
      const expected = single.json<{ code: string; errors: Record<string, string[]> }>();
      assert.equal(row.code, expected.code);
      assert.deepEqual(row.errors, expected.errors, `line ${row.line}`);
    }
    assert.deepEqual(Object.keys(done.failed_rows[1]?.errors ?? {}), ['associated_members.1']);

    const fresh = (await get('batch.new@partner.test')).json<{ data: { first_name: string } }>().data;
    assert.equal(fresh.first_name, 'New');
    const back = await get('batch.gone@partner.test');
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json<{ data: { first_name: string } }>().data.first_name, 'Back');
    const elsewhere = (await get('batch.elsewhere@partner.test')).json<{
      data: { first_name: string; details: { associated_members: number[] } };
    }>().data;
    assert.deepEqual([elsewhere.first_name, elsewhere.details.associated_members], ['Else', [ctx.members.standard]]);
  });
});
