/**
 * Groups: create, read, update and delete, the group object, and every field rule of a write.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';
import { uniqueViolation } from '../../src/core/database-errors.js';
import { assertProblem } from '../../support/problem.js';
import { assertGroupShape, createGroup, groupsUrl, type GroupData } from './group-helpers.js';

const MISSING_ID = '0123456789abcdef0123456789abcdef';

describe('groups: create, get, update, delete', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('POST creates a group: 201 with every key, lists sorted, description null when absent', async () => {
    const [g1, g2] = [await createGuest(ctx), await createGuest(ctx)];
    const response = await call(ctx, ctx.tokens.admin, 'POST', groupsUrl(ctx.orgId), {
      name: 'Sales',
      members: [ctx.members.standard, ctx.members.admin],
      guests: [g2.email, g1.email],
    });
    assert.equal(response.statusCode, 201, response.body);
    const group = response.json<{ data: GroupData }>().data;
    assertGroupShape(group);
    assert.equal(group.name, 'Sales');
    assert.equal(group.description, null);
    assert.deepEqual(
      group.members,
      [ctx.members.admin, ctx.members.standard].sort((a, b) => a - b),
    );
    assert.deepEqual(group.guests, [g1.email, g2.email].sort());
    assert.equal(group.created_at, group.updated_at);
  });

  it('accepts what n8n sends: string member ids, "" description, and duplicates once', async () => {
    const guest = await createGuest(ctx);
    const response = await call(
      ctx,
      ctx.tokens.standard,
      'POST',
      groupsUrl(ctx.orgId),
      {
        name: 'From n8n',
        description: '',
        members: [String(ctx.members.light), ctx.members.light, ` ${ctx.members.admin} `],
        guests: [guest.email.toUpperCase(), guest.email],
      },
      { 'x-tallyfy-client': 'n8n', 'content-type': 'application/json' },
    );
    assert.equal(response.statusCode, 201, response.body);
    const group = response.json<{ data: GroupData }>().data;
    assert.equal(group.description, null);
    assert.deepEqual(
      group.members,
      [ctx.members.admin, ctx.members.light].sort((a, b) => a - b),
    );
    assert.deepEqual(group.guests, [guest.email]);
  });

  it('trims the name, keeps a description, drops unknown fields, and answers at the root path too', async () => {
    const response = await call(ctx, ctx.tokens.admin, 'POST', groupsUrl(ctx.orgId, undefined, ''), {
      name: '  Trimmed  ',
      description: 'People who  matter',
      color: 'red',
    });
    assert.equal(response.statusCode, 201, response.body);
    const group = response.json<{ data: GroupData & { color?: string } }>().data;
    assert.equal(group.name, 'Trimmed');
    assert.equal(group.description, 'People who  matter');
    assert.equal(group.color, undefined);
    assert.deepEqual(group.members, []);
    assert.deepEqual(group.guests, []);
  });

  it('GET answers the group; an unknown or malformed id is 404', async () => {
    const created = await createGroup(ctx, { name: 'Readable', members: [ctx.members.admin] });
    const response = await call(ctx, ctx.tokens.light, 'GET', groupsUrl(ctx.orgId, created.id));
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json<{ data: GroupData }>().data, created);
    for (const id of [MISSING_ID, created.id.toUpperCase(), 'abc', `${created.id}0`, 'a'.repeat(300)]) {
      assertProblem(await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, id)), 404, 'RESOURCE_NOT_FOUND', id);
    }
  });

  it('PUT without a name changes only what it sends: 201', async () => {
    const guest = await createGuest(ctx);
    const created = await createGroup(ctx, {
      name: 'Partial',
      description: 'old',
      members: [ctx.members.admin],
      guests: [guest.email],
    });
    const response = await call(ctx, ctx.tokens.standard, 'PUT', groupsUrl(ctx.orgId, created.id), {
      description: 'new',
    });
    assert.equal(response.statusCode, 201, response.body);
    const group = response.json<{ data: GroupData }>().data;
    assertGroupShape(group);
    assert.deepEqual(
      { ...group, updated_at: '', last_updated: '' },
      { ...created, description: 'new', updated_at: '', last_updated: '' },
    );
    assert.equal(group.created_at, created.created_at);
  });

  it('PUT lists replace the whole list; null and [] empty it; description null clears', async () => {
    const [g1, g2] = [await createGuest(ctx), await createGuest(ctx)];
    const created = await createGroup(ctx, {
      name: 'Replace',
      description: 'd',
      members: [ctx.members.admin, ctx.members.standard],
      guests: [g1.email],
    });
    let response = await call(ctx, ctx.tokens.admin, 'PUT', groupsUrl(ctx.orgId, created.id), {
      members: [String(ctx.members.light)],
      guests: [g2.email],
    });
    assert.equal(response.statusCode, 201, response.body);
    let group = response.json<{ data: GroupData }>().data;
    assert.deepEqual(group.members, [ctx.members.light]);
    assert.deepEqual(group.guests, [g2.email]);
    response = await call(ctx, ctx.tokens.admin, 'PUT', groupsUrl(ctx.orgId, created.id), {
      members: [],
      guests: null,
      description: null,
    });
    group = response.json<{ data: GroupData }>().data;
    assert.deepEqual([group.members, group.guests, group.description, group.name], [[], [], null, 'Replace']);
    response = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, created.id));
    assert.deepEqual(response.json<{ data: GroupData }>().data, group);
  });

  it('PUT renames, also to another case of its own name; an empty body changes nothing', async () => {
    const created = await createGroup(ctx, { name: 'rename me' });
    let response = await call(ctx, ctx.tokens.admin, 'PUT', groupsUrl(ctx.orgId, created.id), { name: 'Rename Me' });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json<{ data: GroupData }>().data.name, 'Rename Me');
    response = await call(ctx, ctx.tokens.admin, 'PUT', groupsUrl(ctx.orgId, created.id), undefined, {
      'content-type': 'application/json',
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json<{ data: GroupData }>().data.name, 'Rename Me');
  });

  it('PUT of an unknown or malformed group id is 404', async () => {
    for (const id of [MISSING_ID, 'not-a-group']) {
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'PUT', groupsUrl(ctx.orgId, id), { description: 'x' }),
        404,
        'RESOURCE_NOT_FOUND',
        id,
      );
    }
  });

  it('DELETE answers 204 with an empty body; the group is gone after', async () => {
    const created = await createGroup(ctx, {
      name: 'Doomed',
      members: [ctx.members.admin],
      guests: [(await createGuest(ctx)).email],
    });
    const response = await call(ctx, ctx.tokens.standard, 'DELETE', groupsUrl(ctx.orgId, created.id), undefined, {
      'content-type': 'application/json',
    });
    assert.equal(response.statusCode, 204, response.body);
    assert.equal(response.body, '');
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, created.id)),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'DELETE', groupsUrl(ctx.orgId, created.id)),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(await call(ctx, ctx.tokens.admin, 'DELETE', groupsUrl(ctx.orgId, 'xyz')), 404, 'RESOURCE_NOT_FOUND');
    // The name is free again.
    await createGroup(ctx, { name: 'doomed' });
  });

  it("a guest removed from the organization leaves the group's guests, and cannot be added", async () => {
    const [stays, leaves] = [await createGuest(ctx), await createGuest(ctx)];
    const created = await createGroup(ctx, { name: 'Leavers', guests: [stays.email, leaves.email] });
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, leaves.email))).statusCode, 200);
    const response = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, created.id));
    assert.deepEqual(response.json<{ data: GroupData }>().data.guests, [stays.email]);
    const refused = await call(ctx, ctx.tokens.admin, 'PUT', groupsUrl(ctx.orgId, created.id), {
      guests: [stays.email, leaves.email],
    });
    const problem = assertProblem(refused, 422, 'VALIDATION_FAILED');
    assert.deepEqual(Object.keys(problem.errors ?? {}), ['guests.1']);
    // Joined again, the guest starts outside every group, as a new guest would.
    assert.equal(
      (await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: leaves.email })).statusCode,
      201,
    );
    const rejoined = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, created.id));
    assert.deepEqual(rejoined.json<{ data: GroupData }>().data.guests, [stays.email]);
  });
});

describe('groups: field rules of create and update', () => {
  let ctx: TestContext;
  let existing: GroupData;
  before(async () => {
    ctx = await buildTestApp();
    existing = await createGroup(ctx, { name: 'Taken Name' });
  });
  after(() => ctx.close());

  async function errorsOf(
    body: unknown,
    method: 'POST' | 'PUT' = 'POST',
    groupId?: string,
  ): Promise<Record<string, string[]>> {
    const response = await call(ctx, ctx.tokens.admin, method, groupsUrl(ctx.orgId, groupId), body);
    return assertProblem(response, 422, 'VALIDATION_FAILED', JSON.stringify(body)).errors ?? {};
  }

  it('a name is required: missing, null, "" and blanks are refused', async () => {
    for (const body of [{}, { name: null }, { name: '' }, { name: '   ' }, { description: 'no name' }]) {
      assert.deepEqual(await errorsOf(body), { name: ['The name field is required.'] }, JSON.stringify(body));
    }
  });

  it('a name is a string of at most 200 characters', async () => {
    assert.deepEqual(await errorsOf({ name: 'x'.repeat(201) }), {
      name: ['The name may not be greater than 200 characters.'],
    });
    assert.deepEqual(await errorsOf({ name: 42 }), { name: ['The name must be a string.'] });
    assert.equal((await createGroup(ctx, { name: 'y'.repeat(200) })).name.length, 200);
  });

  it('a name is unique in the organization without regard to case, on create and on rename', async () => {
    for (const name of ['Taken Name', 'taken name', 'TAKEN NAME', '  Taken name ']) {
      assert.deepEqual(await errorsOf({ name }), { name: ['The name has already been taken.'] }, name);
    }
    const other = await createGroup(ctx, { name: 'Other Name' });
    assert.deepEqual(await errorsOf({ name: 'TAKEN name' }, 'PUT', other.id), {
      name: ['The name has already been taken.'],
    });
    const after = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, other.id));
    assert.equal(after.json<{ data: GroupData }>().data.name, 'Other Name');
  });

  it('concurrent creates of one name: exactly one wins, the others get the same 422', async () => {
    const responses = await Promise.all(
      ['Race', 'race', 'RACE', 'Race', 'rAce'].map((name) =>
        call(ctx, ctx.tokens.admin, 'POST', groupsUrl(ctx.orgId), { name }),
      ),
    );
    assert.equal(responses.filter((r) => r.statusCode === 201).length, 1, responses.map((r) => r.body).join('\n'));
    for (const response of responses.filter((r) => r.statusCode !== 201)) {
      assert.deepEqual(assertProblem(response, 422, 'VALIDATION_FAILED').errors, {
        name: ['The name has already been taken.'],
      });
    }
  });

  it('the database itself refuses a second name key, under the constraint name the service maps to 422', async () => {
    const row = {
      organization_id: ctx.orgId,
      name: 'TAKEN NAME',
      name_key: 'taken name',
      description: null,
      created_by: null,
      created_at: existing.created_at,
      updated_at: existing.created_at,
    };
    const error = await ctx.db.kysely
      .insertInto('groups')
      .values({ ...row, id: 'f'.repeat(32) })
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.equal(uniqueViolation(error), 'groups__organization_id__name_key');
  });

  it('a description is at most 5000 characters', async () => {
    assert.deepEqual(await errorsOf({ name: 'Long', description: 'd'.repeat(5001) }), {
      description: ['The description may not be greater than 5000 characters.'],
    });
    assert.deepEqual(await errorsOf({ name: 'Long', description: ['d'] }), {
      description: ['The description must be a string.'],
    });
    assert.equal((await createGroup(ctx, { name: 'Long', description: 'd'.repeat(5000) })).description?.length, 5000);
  });

  it('members must be member ids of this organization, as integers or strings of digits', async () => {
    const errors = await errorsOf({
      name: 'Bad members',
      members: [ctx.members.admin, 999_999, 'abc', true, 1.5, '99999999999', 0, -3, null, '999999'],
    });
    assert.deepEqual(errors, {
      'members.2': ['The members.2 format is invalid.'],
      'members.3': ['The members.3 must be an integer.'],
      'members.4': ['The members.4 must be an integer.'],
      'members.8': ['The members.8 field is required.'],
      'members.1': ['The selected members.1 is not a member of this organization.'],
      'members.5': ['The selected members.5 is not a member of this organization.'],
      'members.6': ['The selected members.6 is not a member of this organization.'],
      'members.7': ['The selected members.7 is not a member of this organization.'],
      'members.9': ['The selected members.9 is not a member of this organization.'],
    });
    assert.deepEqual(await errorsOf({ name: 'Bad members', members: '1,2' }), {
      members: ['The members must be an array.'],
    });
    assert.deepEqual(await errorsOf({ name: 'Bad members', members: Array(1001).fill(ctx.members.admin) }), {
      members: ['The members may not have more than 1000 items.'],
    });
  });

  it('guests must be emails of active guests of this organization', async () => {
    const guest = await createGuest(ctx);
    const errors = await errorsOf({
      name: 'Bad guests',
      guests: [guest.email, uniqueEmail('stranger'), 42, 'not an email', `${'a'.repeat(250)}@x.test`],
    });
    assert.deepEqual(errors, {
      'guests.2': ['The guests.2 must be a string.'],
      'guests.4': ['The guests.4 may not be greater than 254 characters.'],
      'guests.1': ['The selected guests.1 is not a guest of this organization.'],
      'guests.3': ['The selected guests.3 is not a guest of this organization.'],
    });
    assert.deepEqual(await errorsOf({ name: 'Bad guests', guests: { email: guest.email } }), {
      guests: ['The guests must be an array.'],
    });
    assert.deepEqual(await errorsOf({ name: 'Bad guests', guests: Array(1001).fill(guest.email) }), {
      guests: ['The guests may not have more than 1000 items.'],
    });
  });

  it('reports every failing field at once, and writes nothing', async () => {
    const errors = await errorsOf({
      name: 'taken NAME',
      description: 'd'.repeat(5001),
      members: [999_999],
      guests: [uniqueEmail()],
    });
    assert.deepEqual(Object.keys(errors).sort(), ['description', 'guests.0', 'members.0', 'name']);
    const list = await call(ctx, ctx.tokens.admin, 'GET', `${groupsUrl(ctx.orgId)}?q=taken`);
    assert.equal(list.json<{ data: GroupData[] }>().data.length, 1);
  });

  it('the same rules hold on update, all at once, and a refused update changes nothing', async () => {
    const target = await createGroup(ctx, { name: 'Update target', members: [ctx.members.admin] });
    const errors = await errorsOf(
      { name: '', members: ['x', 999_999], guests: [uniqueEmail()], description: 7 },
      'PUT',
      target.id,
    );
    assert.deepEqual(Object.keys(errors).sort(), ['description', 'guests.0', 'members.0', 'members.1', 'name']);
    const after = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId, target.id));
    assert.deepEqual(after.json<{ data: GroupData }>().data, target);
  });

  it('a body that is not an object is refused', async () => {
    for (const body of [[{ name: 'x' }], 'name']) {
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'POST', groupsUrl(ctx.orgId), JSON.stringify(body), {
          'content-type': 'application/json',
        }),
        422,
        'VALIDATION_FAILED',
      );
    }
    assert.equal(existing.name, 'Taken Name');
  });
});
