/**
 * A guest found by email in an organization is found from the email, then the (organization,
 * guest) key (guestIdOfEmail, src/guests/guest.repository.ts), not by walking the organization's
 * records: on PostgreSQL, an organization its statistics do not know yet (one grown since the
 * table was last analyzed) is estimated at about one record, and a plain join on the email then
 * walks all of them. Checked on the plans PostgreSQL runs for Get guest and for Create task with a
 * guest owner: each statement reads at most one record of the organization.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { statementsSentBy, type SentStatement } from '../../support/statement-counter.js';
import { seedGuests } from './list-seed.js';
import { DEADLINE, tasksUrl } from '../tasks/task-helpers.js';

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan read from `relation`, over all its loops. */
function rowsRead(node: PlanNode, relation: string): number {
  const own = node['Relation Name'] === relation ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, relation), 0);
}

const postgres = Boolean(process.env.TEST_DATABASE_URL);
const NEW_ORG_GUESTS = 600;

describe(
  'guests found by email: one record read, whatever the statistics say (PostgreSQL)',
  { skip: !postgres },
  () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await buildTestApp();
      // An organization the statistics know, then the test's own one, grown after they were gathered.
      const known = 'a0000000000000000000000000000000';
      await ctx.db.kysely
        .insertInto('organizations')
        .values({ id: known, name: 'Known', created_at: '2026-01-01 00:00:00' })
        .execute();
      await seedGuests({ ...ctx, orgId: known }, 3000, 1_000_000);
      await sql`analyze organization_guests`.execute(ctx.db.kysely);
      await sql`analyze guests`.execute(ctx.db.kysely);
      await seedGuests(ctx, NEW_ORG_GUESTS, 2_000_000);
    });
    after(() => ctx?.close());

    /** The organization_guests rows read by each statement the request sent that reads them. */
    async function recordsReadBy(request: () => Promise<{ statusCode: number; body: string }>, status: number) {
      // Once first, so that the token's look-up and the email domain's check are not counted.
      await request();
      const { sent, result } = await statementsSentBy(request);
      assert.equal(result.statusCode, status, result.body);
      const reads = sent.filter(
        (s: SentStatement) => /^\s*select/i.test(s.text) && /"organization_guests"/.test(s.text),
      );
      assert.ok(reads.length > 0, 'no statement read the records');
      const counts: number[] = [];
      for (const read of reads) {
        const { rows } = await ctx.db.kysely.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>({
          sql: `explain (analyze, format json) ${read.text}`,
          parameters: read.values,
          query: { kind: 'RawNode' } as never,
          queryId: { queryId: 'explain' },
        });
        const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
        assert.ok(plan);
        counts.push(rowsRead(plan, 'organization_guests'));
      }
      return counts;
    }

    it('Get guest reads the one record', async () => {
      const email = 'seed.2000300@partner.test';
      const counts = await recordsReadBy(() => call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email)), 200);
      for (const n of counts) assert.ok(n <= 1, `a statement read ${n} records of ${NEW_ORG_GUESTS}`);
    });

    it('Create task with a guest owner reads only that guest record', async () => {
      let i = 0;
      const counts = await recordsReadBy(
        () =>
          call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
            title: `Plan ${i++}`,
            deadline: DEADLINE,
            owners: { guests: ['seed.2000301@partner.test'] },
          }),
        201,
      );
      for (const n of counts) assert.ok(n <= 1, `a statement read ${n} records of ${NEW_ORG_GUESTS}`);
    });
  },
);
