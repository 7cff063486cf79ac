/**
 * Guest ids are global and drawn at random (docs/guests.md, Create guest): an organization that
 * adds an address cannot tell from the id whether the address was a guest elsewhere already, nor
 * how many guests the service has.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestAppWithOther,
  createGuest,
  uniqueEmail,
  type OrgWithMembers,
  type TestContext,
} from '../../support/app.js';
import { MAX_RANDOM_ID, randomId, withRandomId } from '../../src/core/ids.js';

let ctx: TestContext;
let other: OrgWithMembers;

before(async () => ({ ctx, other } = await buildTestAppWithOther()));
after(() => ctx.close());

/** How many neighbours go up; a random order has about half, a counter all of them. */
function ascents(ids: number[]): number {
  let n = 0;
  for (let i = 1; i < ids.length; i += 1) if ((ids[i] as number) > (ids[i - 1] as number)) n += 1;
  return n;
}

describe('guest ids', () => {
  it('are not handed out in increasing order, and are positive integers within PostgreSQL integer', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 60; i += 1) ids.push((await createGuest(ctx)).id);
    for (const id of ids) assert.ok(Number.isSafeInteger(id) && id >= 1 && id <= MAX_RANDOM_ID, String(id));
    assert.equal(new Set(ids).size, ids.length);
    // 59 neighbours: a counter gives 59 ascents, a random order 29.5 on average (sd about 2.2).
    const up = ascents(ids);
    assert.ok(up >= 15 && up <= 44, `${up} of 59 neighbours go up`);
  });

  it('an address that is a guest elsewhere gets an id that looks like a new one', async () => {
    // Addresses that are guests of another organization already, from long ago.
    const known: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      const email = uniqueEmail('known');
      await createGuest(ctx, { email }, other.tokens.admin, other.orgId);
      known.push(email);
    }
    // This organization adds them, each next to a brand new address: with counted ids the known
    // one would be the older (smaller) one every time; with random ids about half the time.
    let knownSmaller = 0;
    for (const email of known) {
      const joined = await createGuest(ctx, { email });
      const fresh = await createGuest(ctx);
      if (joined.id < fresh.id) knownSmaller += 1;
    }
    assert.ok(
      knownSmaller >= 12 && knownSmaller <= 48,
      `the known address had the smaller id in ${knownSmaller} of 60 pairs`,
    );
  });
});

describe('withRandomId', () => {
  it('draws again while the id is taken, and gives up after its attempts', async () => {
    const seen: number[] = [];
    const id = await withRandomId(async (candidate) => {
      seen.push(candidate);
      return seen.length < 3 ? undefined : candidate;
    });
    assert.equal(seen.length, 3);
    assert.equal(id, seen[2]);
    let tries = 0;
    await assert.rejects(
      withRandomId(async () => {
        tries += 1;
        return undefined;
      }, 4),
      /no free random id after 4 attempts/,
    );
    assert.equal(tries, 4);
  });

  it('draws within 1..MAX_RANDOM_ID', () => {
    for (let i = 0; i < 1000; i += 1) {
      const id = randomId();
      assert.ok(Number.isInteger(id) && id >= 1 && id <= MAX_RANDOM_ID);
    }
  });
});
