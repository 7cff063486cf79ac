/**
 * The composition root: every repository-backed service, built once from the app's context and
 * handed to the route modules. No route module builds a service; each takes what it needs from here.
 */
import type { Actor } from './core/actor.js';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { EmailDomainChecker } from './email/dns-check.js';
import type { GuestLinks } from './guests/guest-code.js';
import type { RateLimitStore } from './http/rate-limit.js';
import { createFailureThrottle } from './http/auth-throttle.js';
import { createHeavyRequestGate } from './http/heavy-requests.js';
import type { Slots } from './core/slots.js';
import { createListSearches } from './guests/guest-list.js';
import type { SqliteReader } from './db/sqlite-reader.js';
import { createGuestService } from './guests/guest.service.js';
import { createGuestListCache } from './guests/guest-list-cache.js';
import { createGuestListPositions } from './guests/guest-list-positions.js';
import { createGuestLifecycleService } from './guests/lifecycle/lifecycle.service.js';
import { createGuestConversionService } from './guests/conversion/conversion.service.js';
import { createGuestBulk } from './guests/bulk/bulk.service.js';
import { createGuestBatch } from './guests/bulk/batch.service.js';
import { createMemberService } from './members/member.service.js';
import { createAccountService } from './account/account.service.js';
import { createGroupService } from './groups/group.service.js';
import { createTaskService } from './tasks/task.service.js';
import { createInvitationService } from './invitations/invitation.service.js';
import { createPortalService, guestLinkNotFound } from './guest-portal/portal.service.js';
import { createTaskWorkService } from './tasks/task-work.service.js';
import { createGeoLocator } from './guest-portal/geo.js';
import { createAccessService } from './public/access.service.js';
import { UnknownTokens } from './auth/unknown-tokens.js';
import { createUnsubscribeService } from './notifications/unsubscribe.service.js';
import { createFileService } from './files/file.service.js';
import { createImportService } from './guests/import/import.service.js';
import { DEFAULT_MAX_COLUMNS, DEFAULT_MAX_LINE_BYTES } from './guests/import/csv-format.js';
import { hostname } from 'node:os';
import { randomSecret } from './core/secrets.js';

/** What the services are built from. */
export interface ServiceContext {
  config: Config;
  db: Db;
  emailChecker: Pick<EmailDomainChecker, 'checkDomain'>;
  /** The public base and the keys guest links are written with (src/guests/guest-code.ts). */
  links: GuestLinks;
  log: FastifyBaseLogger;
  /** Where request counts live (memory, or Redis shared by every instance). */
  rateLimitStore: RateLimitStore;
  /** The places for searches of List guests; made from SEARCH_CONCURRENCY when not given. */
  listSearches?: Slots | undefined;
  /** Where searches of List guests read on a SQLite file, off the server's thread; none elsewhere. */
  searchReader?: SqliteReader | undefined;
}

/**
 * Items of one bulk request created at once when no invite cap applies. On PostgreSQL each item in
 * flight holds a connection of the pool for its transaction. On SQLite the items share the group
 * commit's transactions (db/group-commit.ts): the more arrive together, the fewer commits.
 */
const BULK_LANES = { postgres: 4, sqlite: 16 } as const;

/** Rows of an import created per batch (one transaction) and saved as one step of progress. */
export const IMPORT_BATCH_ROWS = 500;

/** How long an import's lease lasts without a saved batch before another instance may take it over. */
const IMPORT_LEASE_MS = 5 * 60_000;

/** The time a readiness check gives the database. */
const READY_TIMEOUT_MS = 2000;

/**
 * Builds every service. Async because the GeoIP database (GEOIP_DATABASE) is opened here, once:
 * a configured file that cannot be read fails the start with a message naming the setting.
 */
export async function createServices(context: ServiceContext) {
  const { config, db, emailChecker, links, log, rateLimitStore } = context;
  const guests = createGuestService({
    db: db.kysely,
    emailChecker,
    links,
    inviteLimitPerHour: config.inviteLimitPerHour,
    listCache: config.listCacheBytes > 0 ? createGuestListCache(config.listCacheBytes) : undefined,
    listPositions: createGuestListPositions(),
    listSearches: context.listSearches ?? createListSearches(config.listSearches),
    searchReader: context.searchReader,
  });
  const invitations = createInvitationService({
    db: db.kysely,
    publicBaseUrl: config.publicBaseUrl,
    expiryDays: config.invitationExpiryDays,
  });
  // Item by item, each in its own transaction: for a batch whose shared transaction failed. Under
  // an invite cap, one item at a time: the items refused with 429 are exactly the last new ones.
  // Without a cap only a repeated email's order matters, and several items at once go faster:
  // commits overlap on PostgreSQL, and are shared on SQLite.
  const perItem = createGuestBulk({
    guests,
    publicBaseUrl: config.publicBaseUrl,
    log,
    concurrency: config.inviteLimitPerHour > 0 ? 1 : BULK_LANES[db.kind],
    emailChecker,
    deadlineMs: config.bulk.deadlineMs,
    dnsConcurrency: config.bulk.dnsConcurrency,
  });
  // Bulk creates and imports: a batch of items checked in memory and written by multi-row inserts
  // in one transaction, done again item by item when that transaction fails.
  const guestBatch = createGuestBatch({
    db: db.kysely,
    guests,
    emailChecker,
    publicBaseUrl: config.publicBaseUrl,
    log,
    deadlineMs: config.bulk.deadlineMs,
    dnsConcurrency: config.bulk.dnsConcurrency,
    perItem,
  });
  return {
    /** The settings routes read (public base, limits, descriptions that quote them). */
    config,
    guests,
    guestLifecycle: createGuestLifecycleService({ db: db.kysely, links }),
    guestConversions: createGuestConversionService({ db: db.kysely, guests }),
    /** Bulk create guests (docs/guests.md). */
    guestBulk: {
      createAll: (actor: Actor, items: readonly unknown[]) => guestBatch.createAll(actor, items, { withGuests: true }),
    },
    /** CSV imports over HTTP (docs/guests.md, Import guests): stored, then run in the background under a lease. */
    imports: createImportService({
      db: db.kysely,
      // A batch of rows checked in memory and written by multi-row inserts in one transaction.
      bulk: guestBatch,
      limits: {
        maxColumns: DEFAULT_MAX_COLUMNS,
        maxLineBytes: DEFAULT_MAX_LINE_BYTES,
        maxRows: config.imports.maxRows,
      },
      batchSize: IMPORT_BATCH_ROWS,
      leaseMs: IMPORT_LEASE_MS,
      maxBytes: config.imports.maxBytes,
      owner: `${hostname()}:${process.pid}:${randomSecret(4)}`,
      log: log.child({ component: 'imports' }),
    }),
    members: createMemberService({ db: db.kysely }),
    account: createAccountService({ db: db.kysely }),
    groups: createGroupService({ db: db.kysely }),
    tasks: createTaskService({
      db: db.kysely,
      emailChecker,
      links,
      guests,
      inviteLimitPerHour: config.inviteLimitPerHour,
    }),
    invitations,
    portal: createPortalService({ db: db.kysely }),
    /** Values, comments and completion of tasks, for members and for the tasks' guests. */
    taskWork: createTaskWorkService({ db: db.kysely, links, guestNotFound: guestLinkNotFound }),
    /** Files on tasks (docs/files.md): the bytes in the database, in chunks. */
    files: createFileService({
      db: db.kysely,
      limits: config.files,
      guestNotFound: guestLinkNotFound,
      // A guest's routes give their own URL, which holds their code (docs/guest-side.md).
      urlOf: (actor, file) =>
        actor.kind === 'member'
          ? `${config.publicBaseUrl}/api/organizations/${actor.organizationId}/file/${file.id}/dl`
          : '',
    }),
    geo: await createGeoLocator({ trustProxy: config.trustProxy, databasePath: config.geoipDatabase }),
    access: createAccessService({
      db: db.kysely,
      links,
      limits: config.accessEmailLimits,
      log: log.child({ component: 'guest-access' }),
    }),
    /** Unsubscribe links of digests and reminders (docs/notifications.md, Unsubscribe). */
    unsubscribe: createUnsubscribeService({ db: db.kysely, codes: links.codes }),
    /** Unknown tokens and codes, per client address: past the limit, 429 before any look-up. */
    authFailures: createFailureThrottle({
      store: rateLimitStore,
      limit: config.authFailures.limit,
      windowMs: config.authFailures.windowMs,
    }),
    /** Token hashes the database did not know a moment ago (this instance's memory). */
    unknownTokens: new UnknownTokens(),
    /** Per-token bounds of unpaginated lists and bulk creates. */
    heavy: createHeavyRequestGate({ store: rateLimitStore, ...config.heavyRequests }),
    /** Readiness: resolves when the database answers within its time, rejects otherwise. */
    database: {
      async ping(): Promise<void> {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('database check timed out')), READY_TIMEOUT_MS);
        });
        try {
          await Promise.race([sql`select 1`.execute(db.kysely), timeout]);
        } finally {
          clearTimeout(timer);
        }
      },
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
