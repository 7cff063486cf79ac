/**
 * The bulk case through Bulk create guests (`POST /organizations/{org}/guests/bulk`): the same
 * `settings.bulkGuests` creates as the bulk case's one request per guest, sent as requests of
 * 1,000 items (the most one request takes), as many at once as one token may run
 * (`HEAVY_REQUESTS_PER_TOKEN`, as shipped: 2), into one empty organization on a fresh SQLite
 * service. A bulk sync (a CRM, an import script) sends its guests this way.
 */
import { BenchError, type BenchContext } from './context.js';
import { countGuests, freshDatabase, seedDatabase } from './database.js';
import { apiHeaders, nextCreate } from './scenarios.js';
import { startService } from './service.js';

/** Items per request: the most Bulk create guests takes. */
export const BULK_ITEMS = 1000;
/** Requests in flight: what one token may run at once (HEAVY_REQUESTS_PER_TOKEN's default). */
export const BULK_IN_FLIGHT = 2;
/** The case gives up after this long (thirty times its target), reporting how far it got. */
const MAX_SEC = 600;

export interface BulkEndpointResult {
  guests: number;
  /** Items answered 201. */
  created: number;
  requests: number;
  inFlight: number;
  /** Every request was sent and answered (false: cut at MAX_SEC). */
  finished: boolean;
  wallSec: number;
  /** The slowest request, ms. */
  slowestMs: number;
  /** Active guests of the organization in the database afterwards. */
  countInDatabase: number;
  peakRssBytes: number | undefined;
}

interface BulkAnswer {
  meta?: { created?: number; failed?: number };
}

export async function runBulkEndpointCase(context: BenchContext): Promise<BulkEndpointResult> {
  const guests = context.settings.bulkGuests;
  context.log(
    `\n== bulk endpoint: ${guests} guests through Bulk create guests, ${BULK_ITEMS} per request, ${BULK_IN_FLIGHT} at once (sqlite)`,
  );
  const database = await freshDatabase('sqlite', 'bulk-endpoint', context.tmp, '');
  try {
    const seed = await seedDatabase(database, 0);
    const service = await startService(context, 'service-sqlite-bulk-endpoint', database);
    const url = `${service.url}/api/organizations/${seed.createOrgId}/guests/bulk`;
    const headers = { ...apiHeaders(seed.token), 'content-type': 'application/json' };
    const sizes = Array.from({ length: Math.ceil(guests / BULK_ITEMS) }, (_, i) =>
      Math.min(BULK_ITEMS, guests - i * BULK_ITEMS),
    );
    let next = 0;
    let created = 0;
    let slowestMs = 0;
    let finished = true;
    let peakRssBytes: number | undefined;
    let wallSec = 0;
    const started = performance.now();
    try {
      const sender = async () => {
        for (let i = next++; i < sizes.length; i = next++) {
          if ((performance.now() - started) / 1000 > MAX_SEC) {
            finished = false;
            return;
          }
          // Bodies are built as they are sent, so the benchmark holds at most one per sender.
          const items = Array.from({ length: sizes[i] ?? 0 }, () => nextCreate(seed).body).join(',');
          const sent = performance.now();
          const response = await fetch(url, { method: 'POST', headers, body: `[${items}]` });
          const text = await response.text();
          slowestMs = Math.max(slowestMs, performance.now() - sent);
          const answer = (response.status === 200 ? JSON.parse(text) : {}) as BulkAnswer;
          if (response.status !== 200 || answer.meta?.failed !== 0 || answer.meta.created !== sizes[i])
            throw new BenchError(`bulk endpoint: request ${i} answered ${response.status}: ${text.slice(0, 500)}`);
          created += sizes[i] ?? 0;
        }
      };
      await Promise.all(Array.from({ length: BULK_IN_FLIGHT }, sender));
      wallSec = (performance.now() - started) / 1000;
      peakRssBytes = service.peakRssBytes();
      if (!service.running)
        throw new BenchError(`the service stopped during the bulk endpoint case\n${service.describe()}`);
    } finally {
      await service.stop();
    }
    const countInDatabase = await countGuests(database, seed.createOrgId);
    if (countInDatabase !== created)
      throw new BenchError(`bulk endpoint: ${created} answered 201 and the database holds ${countInDatabase}`);
    context.log(
      `  ${created} guests in ${wallSec.toFixed(1)} s (${(created / wallSec).toFixed(0)}/s), slowest request ${slowestMs.toFixed(0)} ms; ${countInDatabase} in the database`,
    );
    return {
      guests,
      created,
      requests: sizes.length,
      inFlight: BULK_IN_FLIGHT,
      finished,
      wallSec,
      slowestMs,
      countInDatabase,
      peakRssBytes,
    };
  } finally {
    await database.drop();
  }
}
