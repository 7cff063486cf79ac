/**
 * The benchmark's email delivery figures beside the create-task case: the outbox counted as the
 * worker leaves it, the bounded wait for its backlog, and the report's line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  emailDelivery,
  formatEmailDelivery,
  outboxCounts,
  waitForDrain,
  type OutboxCounts,
} from '../../bench/lib/email-delivery.js';
import { formatReport, reportJson, type RunResults } from '../../bench/lib/report.js';
import type { LoadResult } from '../../bench/lib/load.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { enqueue, markFailed, markSent, newMessageId } from '../../src/outbox/outbox.repository.js';
import { freshDatabaseUrl, TEST_GUEST_CODE_KEY } from '../../support/app.js';

test('the outbox is counted as the worker leaves it: all, sent, given up on', async () => {
  const { url, drop } = await freshDatabaseUrl();
  const db = openDatabase(loadConfig({ DATABASE_URL: url, GUEST_CODE_KEY: TEST_GUEST_CODE_KEY }).database);
  try {
    await migrateToLatest(db);
    assert.deepEqual(await outboxCounts(db.kysely), { total: 0, sent: 0, failed: 0 });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const message = { kind: 'task_assigned', recipient: `g${i}@mail.example`, subject: 's', text: 't', html: null };
      const { id } = await enqueue(db.kysely, message, newMessageId('http://localhost'));
      ids.push(id);
    }
    await markSent(db.kysely, [ids[0] as number, ids[1] as number]);
    await markFailed(db.kysely, ids[2] as number, 'refused', null);
    // A failure to be retried is still to send.
    await markFailed(db.kysely, ids[3] as number, 'busy', new Date(Date.now() + 60_000));
    assert.deepEqual(await outboxCounts(db.kysely), { total: 6, sent: 2, failed: 1 });
  } finally {
    await db.close();
    await drop();
  }
});

test('the wait for the backlog ends when nothing is left to send', async () => {
  const seen: OutboxCounts[] = [
    { total: 10, sent: 4, failed: 0 },
    { total: 10, sent: 8, failed: 1 },
    { total: 10, sent: 9, failed: 1 },
  ];
  let reads = 0;
  const drain = await waitForDrain(async () => seen[Math.min(reads++, seen.length - 1)] as OutboxCounts, {
    maxSec: 5,
    pollMs: 1,
  });
  assert.equal(drain.drained, true);
  assert.equal(reads, 3);
  assert.deepEqual(drain.counts, { total: 10, sent: 9, failed: 1 });
});

test('the wait for the backlog gives up after its bound, saying so', async () => {
  let reads = 0;
  const drain = await waitForDrain(
    async () => {
      reads += 1;
      return { total: 10, sent: 3, failed: 0 };
    },
    { maxSec: 0.2, pollMs: 20 },
  );
  assert.equal(drain.drained, false);
  assert.ok(drain.seconds >= 0.2, `gave up after ${drain.seconds} s`);
  assert.ok(reads >= 3 && reads < 50, `${reads} reads`);
  const figures = emailDelivery({ total: 0, sent: 0, failed: 0 }, { total: 10, sent: 2, failed: 0 }, drain, 10);
  assert.deepEqual(
    { backlogAtEnd: figures.backlogAtEnd, backlogLeft: figures.backlogLeft, drained: figures.drained },
    { backlogAtEnd: 8, backlogLeft: 7, drained: false },
  );
  assert.match(formatEmailDelivery('sqlite', figures), /a backlog of 8 at its end, 7 still unsent after 0 s \(gave up/);
});

test('the figures: queued and sent during the case, the backlog and its drain, failures called out', () => {
  const atStart = { total: 300, sent: 100, failed: 1 };
  const atEnd = { total: 1300, sent: 700, failed: 1 };
  const drain = { counts: { total: 1300, sent: 1297, failed: 3 }, seconds: 1.5, drained: true };
  const figures = emailDelivery(atStart, atEnd, drain, 10);
  assert.deepEqual(figures, {
    queued: 1000,
    sentDuring: 600,
    failed: 2,
    backlogAtEnd: 599,
    drainSec: 1.5,
    drained: true,
    backlogLeft: 0,
    caseSec: 10,
  });
  assert.equal(
    formatEmailDelivery('postgres', figures),
    '  postgres: 1000 queued (100/s) and 600 sent (60/s) during the 10 s case; a backlog of 599 at its end, sent in 1.5 s with no load (399/s); 2 GIVEN UP (delivery failed)',
  );
  const keptUp = emailDelivery(atStart, { total: 1300, sent: 1299, failed: 1 }, { ...drain, seconds: 0 }, 10);
  assert.match(formatEmailDelivery('sqlite', keptUp), /nothing left to send at its end/);
});

test('the report and its JSON carry the figures of the case that queued email', () => {
  const load: LoadResult = {
    requests: 1000,
    durationSec: 10,
    rps: 100,
    connections: 10,
    meanMs: 10,
    latencyCount: 1000,
    p50Ms: 9,
    p90Ms: 15,
    p99Ms: 30,
    maxMs: 40,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCodes: { '201': 1000 },
  };
  const emails = emailDelivery(
    { total: 0, sent: 0, failed: 0 },
    { total: 1000, sent: 400, failed: 0 },
    { counts: { total: 1000, sent: 1000, failed: 0 }, seconds: 2, drained: true },
    10,
  );
  const results: RunResults = {
    meta: { source: { commit: 'abcdef1234567890', modified: false } },
    httpFloor: {},
    databases: [
      {
        kind: 'sqlite',
        floor: { insert: {}, select: {} },
        cases: [
          { operation: 'create', connections: 10, result: load, peakRssBytes: undefined },
          {
            operation: 'create task with one new guest',
            connections: 10,
            result: load,
            peakRssBytes: undefined,
            emails,
          },
        ],
        queries: { counts: [], idleStatements: 0, peakRssBytes: undefined },
        scale: undefined,
      },
    ],
    bulk: undefined,
    bulkEndpoint: undefined,
    importCase: undefined,
    skipped: [],
  };
  const text = formatReport(results, [], []);
  assert.match(text, /Email delivery beside create task with one new guest/);
  assert.match(text, /sqlite: 1000 queued \(100\/s\) and 400 sent \(40\/s\) during the 10 s case; a backlog of 600/);
  const json = JSON.parse(reportJson(results, [], [])) as { emailDelivery: Record<string, unknown> };
  assert.deepEqual(json.emailDelivery, { sqlite: emails });
});
