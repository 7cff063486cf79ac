/**
 * The server process: config -> database -> migrations -> (first run: demo data) -> listen.
 * On SIGTERM/SIGINT it stops accepting, finishes the requests in flight, closes the database and
 * exits 0. Connections still open at the end of the grace period (an upload that never ends, an
 * answer that never finishes) are cut so that the database can close; only when closing the
 * database itself hangs does it exit 1.
 */
import { hostname } from 'node:os';
import { buildApp } from './app.js';
import { serverLog } from './core/log-lines.js';
import type { Config } from './config.js';
import { openDatabase, sqliteConnectionOf, type Db } from './db/database.js';
import { startCheckpointer } from './db/checkpointer.js';
import { migrateToLatest } from './db/migrate.js';
import { EmailDomainChecker } from './email/dns-check.js';
import { ConnectionGuard, connectionLimits, readOpenFileLimit } from './http/connection-guard.js';
import { createAdminService } from './organizations/admin.service.js';
import { claimMarker, countOrganizations } from './organizations/organization.repository.js';
import { now } from './core/time.js';
import { randomSecret } from './core/secrets.js';
import { guestCodesFor } from './guests/guest-code.js';
import { prepareStoredCodes } from './guests/guest-code.store.js';
import { accessRequestHandlers } from './public/access.resolve.js';

/** After the grace period, the time closing the database (and the workers) may take before exit 1. */
const CLOSE_DATABASE_MS = 5_000;

/** On an empty database: a demo organization, its admin and a token, printed once with a curl. */
export async function seedDemoIfEmpty(db: Db, config: Config, out: (text: string) => void): Promise<boolean> {
  if ((await countOrganizations(db.kysely)) > 0) return false;
  // Instances starting together on an empty database: only the one that claims the marker seeds.
  if (!(await claimMarker(db.kysely, 'demo_seeded', now()))) return false;
  const admin = createAdminService(db.kysely);
  const org = await admin.createOrganization({ name: 'Demo Organization' });
  const member = await admin.addMember({
    organizationId: org.id,
    email: 'admin@demo.example',
    role: 'admin',
    firstName: 'Demo',
    lastName: 'Admin',
  });
  const token = await admin.createToken({ email: member.email, name: 'first-run demo token' });
  const body = JSON.stringify({
    email: 'external.partner@partnerco.com',
    first_name: 'External',
    last_name: 'Partner',
    company_name: 'Partner Co',
  });
  out(
    [
      '',
      'New database: created a demo organization, an admin member and an access token.',
      `  organization id : ${org.id}`,
      `  admin member    : ${member.email} (id ${member.id})`,
      `  access token    : ${token.token}`,
      '  (the token is shown only this once; `npx guests token create --email admin@demo.example` makes another)',
      '',
      'Create a guest:',
      `  curl -s -X POST ${config.publicBaseUrl}/api/organizations/${org.id}/guests \\`,
      `    -H 'Authorization: Bearer ${token.token}' \\`,
      "    -H 'X-Tallyfy-Client: APIClient' -H 'Accept: application/json' -H 'Content-Type: application/json' \\",
      `    -d '${body}'`,
      '',
    ].join('\n'),
  );
  return true;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  out: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
): Promise<RunningServer> {
  // Lines go out in batches, written out at shutdown and on any exit (src/core/log-lines.ts).
  const log = serverLog(config.logLevel);
  const { logger } = log;
  const db = openDatabase(config.database);
  await migrateToLatest(db, logger.child({ component: 'migrate' }));
  // Plain codes left from before encryption are encrypted now; a key that cannot open the stored
  // codes stops the start here rather than failing every guest answer later.
  const codes = guestCodesFor(config);
  await prepareStoredCodes(db.kysely, codes);
  if (config.seedDemo) await seedDemoIfEmpty(db, config, out);
  const emailChecker = new EmailDomainChecker(config.dns, logger.child({ component: 'dns' }));
  await emailChecker.start();
  const app = await buildApp({ config, db, emailChecker, logger, codes });
  // Caps on open connections, kept below the open-file limit (src/http/connection-guard.ts).
  const limits = connectionLimits(config, readOpenFileLimit());
  const connectionLog = logger.child({ component: 'connections' });
  if (limits.lowered) {
    connectionLog.warn(
      { ...limits.lowered, max: limits.max },
      'MAX_CONNECTIONS lowered to stay below the open-file limit (ulimit -n)',
    );
  }
  const guard = new ConnectionGuard(app.server, limits, config.publicBaseUrl, connectionLog);
  // Sends queued email; with OUTBOX_WORKER=false another instance does. Loaded here, not at the
  // top, so that the CLI's other commands do not load the mail library; and before listening, so
  // that nothing slow runs between "listening" and the signal handlers being in place.
  const outbox = config.outbox.worker
    ? (await import('./outbox/worker.js')).createOutboxWorker({
        db: db.kysely,
        config,
        handlers: accessRequestHandlers({ publicBaseUrl: config.publicBaseUrl, codes }),
        log: logger.child({ component: 'outbox' }),
      })
    : undefined;
  // Runs the scheduled jobs (digest emails, reminders); with SCHEDULER=false another instance does. Loaded
  // here for the same reasons as the worker.
  const scheduler = config.scheduler.enabled
    ? await (async () => {
        const [{ createScheduler }, { scheduledJobs }] = await Promise.all([
          import('./notifications/scheduler.js'),
          import('./notifications/job-list.js'),
        ]);
        return createScheduler({
          jobs: scheduledJobs({
            db: db.kysely,
            links: { publicBaseUrl: config.publicBaseUrl, codes },
            digestHour: config.digestHour,
            reminders: config.reminders,
            leaseMs: config.scheduler.leaseMs,
            owner: `${hostname()}:${process.pid}:${randomSecret(4)}`,
          }),
          intervalMs: config.scheduler.intervalMs,
          log: logger.child({ component: 'scheduler' }),
        });
      })()
    : undefined;
  const url = await app.listen({ host: config.host, port: config.port });
  outbox?.start();
  scheduler?.start();
  // On a SQLite file, WAL checkpoints run in a worker thread instead of inside commits.
  const sqlite = sqliteConnectionOf(db.kysely);
  const checkpointer =
    sqlite && config.database.kind === 'sqlite' && config.database.file !== ':memory:'
      ? startCheckpointer(sqlite, config.database.file, (message) =>
          logger.warn(
            { component: 'checkpoint', message },
            'background WAL checkpoint failed; commits checkpoint by themselves meanwhile',
          ),
        )
      : undefined;
  logger.info(
    { url, database: config.database.kind, maxConnections: limits.max, maxConnectionsPerAddress: limits.perAddress },
    'guest service listening',
  );
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      emailChecker.stop();
      // Requests in flight have the grace period to finish; then whatever connection is still
      // open is cut, so that a client that never finishes its upload cannot hold the shutdown.
      const cut = setTimeout(() => {
        const cutOff = guard.closeAll();
        if (cutOff > 0)
          logger.warn(
            { connections: cutOff, graceMs: config.shutdownGraceMs },
            'shutdown: connections still open after the grace period were closed',
          );
      }, config.shutdownGraceMs);
      try {
        // The worker finishes (or gives back) what it holds while the database is still open.
        await Promise.all([app.close(), outbox?.stop(), scheduler?.stop(), checkpointer?.stop()]);
      } finally {
        clearTimeout(cut);
      }
      await db.close();
      log.end();
    })());
  return { url, close };
}

/** Runs the server until a signal arrives. */
export async function runServer(config: Config): Promise<void> {
  const server = await startServer(config);
  const stop = (signal: string) => {
    const limitMs = config.shutdownGraceMs + CLOSE_DATABASE_MS;
    const timer = setTimeout(() => {
      process.stderr.write(
        `shutdown after ${signal} took longer than ${limitMs} ms (closing the database or a worker hangs); exiting\n`,
      );
      process.exit(1);
    }, limitMs);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
