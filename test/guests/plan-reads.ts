/**
 * What the statements of one request read on PostgreSQL: each statement the request sent is run
 * again under EXPLAIN ANALYZE, and the rows its plan read from a table are summed over the plan's
 * nodes and loops. For tests that hold a request to reading only what it needs, whatever the
 * planner would otherwise choose.
 */
import assert from 'node:assert/strict';
import type { TestContext } from '../../support/app.js';
import { statementsSentBy, type SentStatement } from '../../support/statement-counter.js';

export interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan read from `relation`, over all its loops. */
export function rowsRead(node: PlanNode, relation: string): number {
  const own = node['Relation Name'] === relation ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, relation), 0);
}

/**
 * The rows of `relation` read by each select the request sent that names `named` (the request is
 * sent once first, so that the token's look-up and other first-time reads are not counted).
 */
export async function rowsReadBy(
  ctx: TestContext,
  request: () => Promise<{ statusCode: number; body: string }>,
  status: number,
  relation: string,
  named = relation,
): Promise<number[]> {
  await request();
  const { sent, result } = await statementsSentBy(request);
  assert.equal(result.statusCode, status, result.body);
  const reads = sent.filter((s: SentStatement) => /^\s*select/i.test(s.text) && s.text.includes(`"${named}"`));
  assert.ok(reads.length > 0, `no statement read ${named}`);
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
    counts.push(rowsRead(plan, relation));
  }
  return counts;
}
