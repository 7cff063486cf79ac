/**
 * Who may do what with groups: tokens, roles, and tenant isolation. Another organization can
 * neither see nor change a group, nor put this organization's members or guests in its own.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, createOrgWithMembers, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { createGroup, groupsUrl, type GroupData } from './group-helpers.js';

describe('groups: access', () => {
  let ctx: TestContext;
  let other: Awaited<ReturnType<typeof createOrgWithMembers>>;
  let group: GroupData;
  let guestEmail: string;
  before(async () => {
    ctx = await buildTestApp();
    other = await createOrgWithMembers(ctx.admin, 'Other', 'other');
    guestEmail = (await createGuest(ctx)).email;
    group = await createGroup(ctx, { name: 'Private', members: [ctx.members.admin], guests: [guestEmail] });
  });
  after(() => ctx.close());

  it('401 without a token or with an unknown one, on every route', async () => {
    for (const [method, url] of [
      ['GET', groupsUrl(ctx.orgId)],
      ['POST', groupsUrl(ctx.orgId)],
      ['GET', groupsUrl(ctx.orgId, group.id)],
      ['PUT', groupsUrl(ctx.orgId, group.id)],
      ['DELETE', groupsUrl(ctx.orgId, group.id)],
    ] as const) {
      assertProblem(
        await call(ctx, null, method, url, method === 'POST' || method === 'PUT' ? { name: 'x' } : undefined),
        401,
        'UNAUTHENTICATED',
        `${method} ${url}`,
      );
      assertProblem(await call(ctx, 'nope', method, url), 401, 'UNAUTHENTICATED', `${method} ${url}`);
    }
  });

  it('a light member reads but may not write: 403, nothing changed', async () => {
    assert.equal((await call(ctx, ctx.tokens.light, 'GET', groupsUrl(ctx.orgId))).statusCode, 200);
    assert.equal((await call(ctx, ctx.tokens.light, 'GET', groupsUrl(ctx.orgId, group.id))).statusCode, 200);
    assertProblem(await call(ctx, ctx.tokens.light, 'POST', groupsUrl(ctx.orgId), { name: 'Light' }), 403, 'FORBIDDEN');
    assertProblem(
      await call(ctx, ctx.tokens.light, 'PUT', groupsUrl(ctx.orgId, group.id), { name: 'Light' }),
      403,
      'FORBIDDEN',
    );
    assertProblem(await call(ctx, ctx.tokens.light, 'DELETE', groupsUrl(ctx.orgId, group.id)), 403, 'FORBIDDEN');
    const after = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, group.id));
    assert.deepEqual(after.json<{ data: GroupData }>().data, group);
  });

  it("another organization's admin gets 403 on every route of this organization", async () => {
    for (const [method, url] of [
      ['GET', groupsUrl(ctx.orgId)],
      ['POST', groupsUrl(ctx.orgId)],
      ['GET', groupsUrl(ctx.orgId, group.id)],
      ['PUT', groupsUrl(ctx.orgId, group.id)],
      ['DELETE', groupsUrl(ctx.orgId, group.id)],
    ] as const) {
      assertProblem(
        await call(
          ctx,
          other.tokens.admin,
          method,
          url,
          method === 'POST' || method === 'PUT' ? { name: 'Mine now' } : undefined,
        ),
        403,
        'FORBIDDEN',
        `${method} ${url}`,
      );
    }
  });

  it('through its own organization, another organization cannot read, change or delete the group: 404', async () => {
    const url = groupsUrl(other.orgId, group.id);
    assertProblem(await call(ctx, other.tokens.admin, 'GET', url), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(
      await call(ctx, other.tokens.admin, 'PUT', url, { name: 'Stolen', members: [] }),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(await call(ctx, other.tokens.admin, 'DELETE', url), 404, 'RESOURCE_NOT_FOUND');
    const list = await call(ctx, other.tokens.admin, 'GET', groupsUrl(other.orgId));
    assert.deepEqual(list.json<{ data: GroupData[] }>().data, []);
    const after = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, group.id));
    assert.deepEqual(after.json<{ data: GroupData }>().data, group);
  });

  it("another organization cannot put this organization's members or guests in its groups", async () => {
    const response = await call(ctx, other.tokens.admin, 'POST', groupsUrl(other.orgId), {
      name: 'Poachers',
      members: [other.members.admin, ctx.members.admin, String(ctx.members.standard)],
      guests: [guestEmail],
    });
    assert.deepEqual(assertProblem(response, 422, 'VALIDATION_FAILED').errors, {
      'members.1': ['The selected members.1 is not a member of this organization.'],
      'members.2': ['The selected members.2 is not a member of this organization.'],
      'guests.0': ['The selected guests.0 is not a guest of this organization.'],
    });
    const own = await createGroup(
      ctx,
      { name: 'Own', members: [other.members.standard] },
      other.tokens.admin,
      other.orgId,
    );
    const update = await call(ctx, other.tokens.admin, 'PUT', groupsUrl(other.orgId, own.id), {
      members: [ctx.members.light],
      guests: [guestEmail],
    });
    assert.deepEqual(Object.keys(assertProblem(update, 422, 'VALIDATION_FAILED').errors ?? {}).sort(), [
      'guests.0',
      'members.0',
    ]);
  });

  it('names are unique per organization only', async () => {
    const own = await createGroup(ctx, { name: 'private' }, other.tokens.standard, other.orgId);
    assert.equal(own.name, 'private');
  });
});
