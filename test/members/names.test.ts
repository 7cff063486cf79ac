/**
 * Nothing in one organization's answers that another organization wrote: a person's names are
 * kept per organization (docs/members.md), so names one organization gave someone (through a
 * guest profile turned member, or an invitation) never show in another's member objects, invitee
 * objects, lists or guest objects.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestApp,
  call,
  createGuest,
  createOrgWithMembers,
  guestsUrl,
  uniqueEmail,
  type TestContext,
} from '../../support/app.js';

const PLANTED = 'PlantedByOther';

let ctx: TestContext;
let other: Awaited<ReturnType<typeof createOrgWithMembers>>;
/** Every body this organization (ctx.orgId) was answered with. */
const bodies: string[] = [];

before(async () => {
  ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_IP: '0', ACCESS_EMAIL_LIMIT_PER_EMAIL: '0' } });
  other = await createOrgWithMembers(ctx.admin, 'Other', 'other');
});
after(() => ctx.close());

async function here(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
  const response = await call(ctx, ctx.tokens.admin, method, `/api/organizations/${ctx.orgId}${url}`, body);
  bodies.push(response.body);
  return response;
}

/** A person the other organization named: its guest profile, turned into its member. */
async function namedElsewhere(): Promise<string> {
  const email = uniqueEmail('person');
  await createGuest(
    ctx,
    { email, first_name: `${PLANTED}First`, last_name: `${PLANTED}Last` },
    other.tokens.admin,
    other.orgId,
  );
  const converted = await call(ctx, other.tokens.admin, 'POST', guestsUrl(other.orgId, email, '/to/member'));
  assert.equal(converted.statusCode, 201, converted.body);
  assert.ok(converted.body.includes(`${PLANTED}First`), 'the other organization sees the names it gave');
  return email;
}

describe('names another organization wrote', () => {
  it('do not show in an invitation of the person, nor in the member lists', async () => {
    const email = await namedElsewhere();
    const invited = await here('POST', '/users/invite', { email });
    assert.equal(invited.statusCode, 200, invited.body);
    const id = invited.json<{ data: { id: number; first_name: string | null } }>().data.id;
    assert.equal(invited.json<{ data: { first_name: string | null } }>().data.first_name, null);
    assert.equal((await here('GET', `/users/${id}`)).statusCode, 200);
    assert.equal((await here('GET', '/users')).statusCode, 200);
    assert.equal(
      (await here('GET', '/users?q=planted')).json<{ data: unknown[] }>().data.length,
      0,
      'no search hit on names written elsewhere',
    );
  });

  it('do not show when this organization turns the person from its guest into its member, nor back', async () => {
    const email = await namedElsewhere();
    assert.equal((await here('POST', '/guests', { email, first_name: 'Ours' })).statusCode, 201);
    const member = await here('POST', `/guests/${encodeURIComponent(email)}/to/member`);
    assert.equal(member.statusCode, 201, member.body);
    const data = member.json<{ data: { id: number; first_name: string | null; last_name: string | null } }>().data;
    assert.deepEqual([data.first_name, data.last_name], ['Ours', null]);
    assert.equal((await here('GET', '/users-list')).statusCode, 200);
    const guest = await here('PUT', `/users/${data.id}/to/guest`);
    assert.equal(guest.statusCode, 200, guest.body);
    assert.deepEqual([guest.json<{ data: { first_name: string | null } }>().data.first_name], ['Ours']);
    assert.equal((await here('GET', '/guests')).statusCode, 200);
  });

  it("do not show after the person accepts this organization's invitation without giving names", async () => {
    const email = await namedElsewhere();
    assert.equal((await here('POST', '/users/invite', { email })).statusCode, 200);
    const mail = await ctx.db.kysely
      .selectFrom('outbox')
      .select('text_body')
      .where('recipient', '=', email)
      .where('kind', '!=', 'guest_access')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const code = /\/invitations\/([A-Za-z0-9_-]{32})\n/.exec(mail.text_body)?.[1];
    assert.ok(code, mail.text_body);
    const accepted = await ctx.app.inject({ method: 'POST', url: `/api/invitations/${code}/accept` });
    assert.equal(accepted.statusCode, 201, accepted.body);
    const member = accepted.json<{ data: { member: { id: number; first_name: string | null } } }>().data.member;
    assert.equal(member.first_name, null);
    assert.equal((await here('GET', `/users/${member.id}`)).statusCode, 200);
  });

  it('no answer to this organization carried them', () => {
    assert.ok(bodies.length >= 10);
    const leaking = bodies.filter((body) => body.includes(PLANTED));
    assert.deepEqual(leaking, []);
  });
});
