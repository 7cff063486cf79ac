/**
 * Member (user) ids are global and drawn at random (docs/members.md): an organization that
 * invites, or adds, someone who is already a user elsewhere gets an id that does not tell it so.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, type OrgWithMembers, type TestContext } from '../../support/app.js';

let ctx: TestContext;
let other: OrgWithMembers;

before(async () => ({ ctx, other } = await buildTestAppWithOther()));
after(() => ctx.close());

async function invite(email: string): Promise<number> {
  const response = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/users/invite`, { email });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ data: { id: number } }>().data.id;
}

describe('member ids', () => {
  it('an invited address that is a user elsewhere gets an id that looks like a new one', async () => {
    const known: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      const member = await ctx.admin.addMember({
        organizationId: other.orgId,
        email: `known-${i}@users.test`,
        role: 'standard',
      });
      known.push(member.email);
    }
    const ids: number[] = [];
    let knownSmaller = 0;
    for (const [i, email] of known.entries()) {
      const existing = await invite(email);
      const fresh = await invite(`fresh-${i}@users.test`);
      ids.push(fresh);
      if (existing < fresh) knownSmaller += 1;
    }
    // Counted ids: the user from elsewhere is older, smaller, every time; random ids: half the time.
    assert.ok(
      knownSmaller >= 12 && knownSmaller <= 48,
      `the known user had the smaller id in ${knownSmaller} of 60 pairs`,
    );
    let up = 0;
    for (let i = 1; i < ids.length; i += 1) if ((ids[i] as number) > (ids[i - 1] as number)) up += 1;
    assert.ok(up >= 15 && up <= 44, `${up} of 59 neighbours go up`);
    assert.equal(new Set(ids).size, ids.length);
  });
});
