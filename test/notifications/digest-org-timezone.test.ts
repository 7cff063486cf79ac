/**
 * The organization's time zone (docs/notifications.md, Digest emails): an operator sets it with
 * `guests org timezone`, checked as an IANA name; the organization answer (docs/account.md, Get
 * organization) shows it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runGuests } from '../../support/process.js';
import { buildTestApp, call, type TestContext } from '../../support/app.js';

describe('guests org timezone', () => {
  let dir: string;
  let env: Record<string, string>;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-org-zone-'));
    env = { DATABASE_URL: `sqlite:${path.join(dir, 'guests.sqlite')}`, SEED_DEMO: 'false' };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sets a valid zone, and refuses one that is not a zone or an organization that does not exist', async () => {
    const created = await runGuests(['org', 'create', '--name', 'Zoned', '--json'], env);
    assert.equal(created.code, 0, created.describe);
    const { id } = JSON.parse(created.stdout) as { id: string };

    const set = await runGuests(['org', 'timezone', '--org', id, '--zone', 'Europe/Berlin', '--json'], env);
    assert.equal(set.code, 0, set.describe);
    assert.deepEqual(JSON.parse(set.stdout), { id, timezone: 'Europe/Berlin' });
    const text = await runGuests(['org', 'timezone', '--org', id, '--zone', 'America/New_York'], env);
    assert.equal(text.stdout.trim(), `Organization ${id} now uses the time zone America/New_York.`);

    const bad = await runGuests(['org', 'timezone', '--org', id, '--zone', 'Mars/Olympus'], env);
    assert.equal(bad.code, 1, bad.describe);
    assert.match(
      bad.stderr,
      /The zone must be an IANA time zone name such as Europe\/Berlin or UTC, got "Mars\/Olympus"\./,
    );
    const missing = await runGuests(['org', 'timezone', '--org', 'f'.repeat(32), '--zone', 'UTC'], env);
    assert.equal(missing.code, 1, missing.describe);
    assert.match(missing.stderr, /No organization f{32}\./);
    const noZone = await runGuests(['org', 'timezone', '--org', id], env);
    assert.equal(noZone.code, 2, noZone.describe);
    assert.match(noZone.stderr, /--zone is required/);
  });
});

describe("the organization answer's timezone", () => {
  let ctx: TestContext;
  before(async () => (ctx = await buildTestApp()));
  after(() => ctx.close());

  it('is null until an operator sets it, then the zone', async () => {
    const zoneOf = async () =>
      (await call(ctx, ctx.tokens.light, 'GET', `/organizations/${ctx.orgId}`)).json<{ data: { timezone: unknown } }>()
        .data.timezone;
    assert.equal(await zoneOf(), null);
    await ctx.admin.setOrganizationTimezone(ctx.orgId, 'Asia/Tokyo');
    assert.equal(await zoneOf(), 'Asia/Tokyo');
    const list = await call(ctx, ctx.tokens.light, 'GET', '/me/organizations');
    assert.equal(list.json<{ data: Array<{ timezone: unknown }> }>().data[0]?.timezone, 'Asia/Tokyo');
  });
});
