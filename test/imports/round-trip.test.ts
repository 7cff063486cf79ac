/**
 * Export guests -> Import guests (docs/guests.md): an organization's guests exported as CSV and
 * imported into another organization (from a file, as the command line does, and over HTTP) are the
 * same guests, field by field; a malformed file imports nothing; an import cut off after a batch
 * resumes where it stopped, creating every row once; a finished file run again imports nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import {
  authHeaders,
  buildTestAppWithOther,
  createGuest,
  createOrgWithMembers,
  type OrgWithMembers,
  type TestContext,
} from '../../support/app.js';
import { exportText, type ExportFormat } from '../../src/guests/import/export.js';
import { importFile } from '../../src/guests/import/file-import.js';
import { CsvStructureError } from '../../src/guests/import/csv-format.js';
import { createGuestBulk } from '../../src/guests/bulk/bulk.service.js';
import { createGuestService } from '../../src/guests/guest.service.js';
import { EmailDomainChecker } from '../../src/email/dns-check.js';
import { MALFORMED, activeGuests, pollImport } from './import-helpers.js';

const LIMITS = { maxColumns: 100, maxLineBytes: 64 * 1024, maxRows: 100_000 };

describe('Export and import round trip', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  let dir: string;
  let checker: EmailDomainChecker;
  let deps: Parameters<typeof importFile>[0];
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-import-'));
    checker = new EmailDomainChecker(ctx.config.dns, {
      warn: () => undefined,
      info: () => undefined,
      error: () => undefined,
    } as never);
    await checker.start();
    const guests = createGuestService({
      db: ctx.db.kysely,
      emailChecker: checker,
      links: ctx.links,
      inviteLimitPerHour: 0,
    });
    const bulk = createGuestBulk({
      guests,
      publicBaseUrl: ctx.config.publicBaseUrl,
      log: ctx.app.log,
      concurrency: 4,
      emailChecker: checker,
      deadlineMs: 30_000,
      dnsConcurrency: 8,
    });
    deps = { db: ctx.db.kysely, bulk, limits: LIMITS, batchSize: 50, leaseMs: 60_000 };
  });
  after(async () => {
    checker.stop();
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Guests in email order: an import creates rows several at a time, so record order may differ. */
  const byEmail = (list: Array<Record<string, unknown>>) =>
    [...list].sort((a, b) => String(a.email).localeCompare(String(b.email)));
  const exported = async (orgId: string, format: ExportFormat) => {
    let text = '';
    for await (const piece of exportText(ctx.db.kysely, orgId, format)) text += piece;
    return text;
  };
  const writeFile = async (name: string, content: string | Readable) => {
    const file = path.join(dir, name);
    await pipeline(typeof content === 'string' ? Readable.from([content]) : content, fs.createWriteStream(file));
    return file;
  };

  it('CSV and JSON exports of one organization import into another as the same guests', async () => {
    await createGuest(ctx, {
      email: 'round.full@partner.test',
      first_name: 'Zoë',
      last_name: 'O"Brien, Jr.',
      phone_1: '+1 555 0100',
      company_name: 'Line\nbreak Ltd',
      company_url: 'https://full.example/path?q=1',
      timezone: 'Europe/Berlin',
      status: 'VIP',
      external_sync_source: 'salesforce',
      external_date_creation: '2024-05-06 07:08:09',
      cadence_days: ['Monday', 'Thursday'],
      associated_members: [ctx.members.standard],
    });
    await createGuest(ctx, { email: 'round.bare@partner.test' });
    await createGuest(ctx, { email: 'round.formula@partner.test', first_name: '=HYPERLINK("x")' });
    await createGuest(ctx, { email: 'round.removed@partner.test' });
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/organizations/${ctx.orgId}/guests/round.removed%40partner.test`,
      headers: authHeaders(ctx.tokens.admin),
    });
    const csv = await exported(ctx.orgId, 'csv');
    const json = JSON.parse(await exported(ctx.orgId, 'json')) as Array<Record<string, unknown>>;
    assert.equal(json.length, 3, 'removed guests are not exported');
    assert.match(csv, /^email,first_name,last_name,/);
    // A cell a spreadsheet would run is written after a quote (OWASP); the import takes it off again.
    assert.match(csv, /round\.formula@partner\.test,"'=HYPERLINK\(""x""\)"/);
    assert.match(csv, /,'\+1 555 0100,/);

    // The members associated must be members of the target too: the same user joins it.
    const target = await createOrgWithMembers(ctx.admin, 'Target', 'target');
    const memberEmail = (
      await ctx.db.kysely
        .selectFrom('users')
        .select('email')
        .where('id', '=', ctx.members.standard)
        .executeTakeFirstOrThrow()
    ).email;
    await ctx.admin.addMember({ organizationId: target.orgId, email: memberEmail, role: 'standard' });

    const result = await importFile(deps, {
      organizationId: target.orgId,
      path: await writeFile('export.csv', csv),
      owner: 'test',
    });
    assert.equal(result.record.status, 'completed');
    assert.equal(result.record.failed_count, 0, result.record.failed_rows);
    const again = JSON.parse(await exported(target.orgId, 'json')) as Array<Record<string, unknown>>;
    assert.deepEqual(byEmail(again), byEmail(json));

    // Over HTTP into a third organization: the same guests again.
    const third = other;
    await ctx.admin.addMember({ organizationId: third.orgId, email: memberEmail, role: 'standard' });
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/organizations/${third.orgId}/guests/import`,
      headers: { ...authHeaders(third.tokens.admin), 'content-type': 'text/csv; charset=utf-8' },
      payload: csv,
    });
    assert.equal(response.statusCode, 202, response.body);
    const done = await pollImport(
      ctx,
      third.tokens.admin,
      String(response.headers.location).replace('http://guests.test', ''),
    );
    assert.equal(done.counts.created, 3, JSON.stringify(done));
    assert.deepEqual(
      byEmail(JSON.parse(await exported(third.orgId, 'json')) as Array<Record<string, unknown>>),
      byEmail(json),
    );
  });

  for (const bad of MALFORMED) {
    it(`a file with ${bad.name} is refused with its line, and nothing is written`, async () => {
      const target = await createOrgWithMembers(ctx.admin, 'Bad', `bad${MALFORMED.indexOf(bad)}`);
      const file = await writeFile(`bad-${MALFORMED.indexOf(bad)}.csv`, bad.csv());
      const imports = await ctx.db.kysely.selectFrom('guest_imports').selectAll().execute();
      await assert.rejects(
        importFile(deps, { organizationId: target.orgId, path: file, owner: 'test' }),
        (error: unknown) => {
          assert.ok(error instanceof CsvStructureError, String(error));
          assert.equal(error.line, bad.line);
          assert.match(error.message, bad.message);
          return true;
        },
      );
      assert.equal(await activeGuests(ctx, target.orgId), 0);
      assert.equal((await ctx.db.kysely.selectFrom('guest_imports').selectAll().execute()).length, imports.length);
    });
  }

  it('an import cut off after a batch resumes after it and creates every row once; run again, it imports nothing', async () => {
    const target = await createOrgWithMembers(ctx.admin, 'Resume', 'resume');
    const rows = Array.from({ length: 180 }, (_, i) => `resume.${i}@partner.test,R${i}`);
    rows[70] = 'not-an-email,Broken';
    const file = await writeFile('resume.csv', `email,first_name\n${rows.join('\n')}\n`);
    let batches = 0;
    const first = await importFile(deps, {
      organizationId: target.orgId,
      path: file,
      owner: 'first',
      onProgress: () => (batches += 1),
      stopped: () => batches >= 2,
    });
    assert.equal(first.record.status, 'running');
    assert.equal(first.record.rows_done, 100);
    assert.equal(await activeGuests(ctx, target.orgId), 99);

    // A run that dies with an error after its next batch keeps that batch too.
    let thrown = 0;
    await assert.rejects(
      importFile(deps, {
        organizationId: target.orgId,
        path: file,
        owner: 'second',
        onProgress: () => {
          thrown += 1;
          throw new Error('the process died');
        },
      }),
      /the process died/,
    );
    assert.equal(thrown, 1);

    const last = await importFile(deps, { organizationId: target.orgId, path: file, owner: 'third' });
    assert.equal(last.resumedAfter, 150);
    assert.equal(last.record.status, 'completed');
    assert.equal(last.record.rows_done, 180);
    assert.equal(last.record.created_count, 179);
    assert.equal(last.record.existing_count, 0, 'no row was created twice');
    assert.equal(last.record.failed_count, 1);
    assert.deepEqual(
      JSON.parse(last.record.failed_rows).map((r: { line: number }) => r.line),
      [72],
    );
    assert.equal(await activeGuests(ctx, target.orgId), 179);

    const rerun = await importFile(deps, { organizationId: target.orgId, path: file, owner: 'fourth' });
    assert.equal(rerun.alreadyDone, true);
    assert.equal(await activeGuests(ctx, target.orgId), 179);
  });
});
