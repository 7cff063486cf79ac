/**
 * `npm run bench`: the guest API under load, against floors measured in the same run on the same
 * machine.
 *
 * The service runs as its own process, as `npm start` runs it (compiled by `npm run build`, then
 * `node bin/guests.js serve`, which runs the compiled file), on fresh databases (SQLite,
 * then PostgreSQL), seeded with an organization of 10,000 guests. For each database it measures
 * create, get, update and list (pages spread over the range; first and last page; with=stats)
 * at 10 and 50 connections, as requests/s and p50/p99 latency, and compares them with:
 *   floor 1: a bare node:http server answering a fixed JSON body (the HTTP ceiling);
 *   floor 2: a bare node:http server doing only the database work of a create (one transaction,
 *            two inserts) or a get (one indexed select), on the same database kind and schema;
 *   floor 3: floor 2's database work served by Fastify with one request-log line per request
 *            (what the framework and the log cost; reported beside the floor-2 targets).
 * It also counts the statements each request sends, and measures list and get at scale: an
 * organization of 1,000,000 guests, seeded straight into the database as an import leaves one,
 * beside one of 10,000 seeded the same way, the same cases on both (page 1, the middle page by
 * number and by cursor, the last page, a `q` search, get) at 10 connections, the two sizes taking
 * turns, each list case's cost at 1,000,000 over its cost at 10,000 (bench/lib/scale.ts). It watches the service's peak RSS per
 * case and reports each phase's peak with the case that drove it, creates 100,000 guests through
 * the API in one organization (SQLite, 50 connections), and imports 100,000 guests from a CSV file
 * with `guests import` (SQLite, invite cap off; target < 60 s).
 *
 *   npm run bench                      full run (about 10 s per case; several minutes)
 *   npm run bench -- --quick           a short run (2 s per case, 2,000 bulk guests, a large organization of
 *                                      100,000): a smoke check (and a 2,000-row import)
 *   npm run bench -- --json FILE       also write every figure as JSON, to compare runs over time
 *   npm run bench -- --sqlite-only     skip PostgreSQL (otherwise an unreachable server is an error)
 *   npm run bench -- --duration 20 --bulk 50000 --import-rows 20000 --cpu-prof DIR --log-level warn
 *   npm run bench -- --import-only     only the import case (no floors, suites or bulk case; PostgreSQL not needed)
 *   npm run bench -- --large 300000    the large organization of the scale cases holds 300,000 guests
 *   npm run bench -- --no-million      no scale cases (no large organization is seeded)
 *
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); each run works
 * in new schemas, dropped at the end. Exit code 0 unless the benchmark itself broke (a server did
 * not start, requests failed, a count was wrong): a missed target is reported, not an error.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startTestDnsServer } from '../support/dns-server.js';
import { BenchError, type BenchContext, type BenchSettings } from './lib/context.js';
import { postgresProblem } from './lib/database.js';
import { measureHttpFloor } from './lib/floors.js';
import { stopLoad } from './lib/load.js';
import { GUEST_DOMAIN_SUFFIX } from './lib/people.js';
import { formatProfile, mainThreadProfiles, summarizeProfile } from './lib/profile.js';
import { buildRows, evaluateTargets, formatReport, reportJson, type RunResults } from './lib/report.js';
import { ROOT, runCleanups, tempDir } from './lib/processes.js';
import { runBulkCase, runDatabaseSuite } from './lib/suites.js';
import { runBulkEndpointCase } from './lib/bulk-endpoint.js';
import { importVerdict, runImportCase, type ImportCaseResult } from './lib/import-case.js';

const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

const USAGE =
  'Usage: npm run bench -- [--quick] [--json FILE] [--sqlite-only] [--import-only] [--duration SEC] [--bulk N] [--import-rows N] [--large N] [--no-million] [--cpu-prof DIR] [--log-level LEVEL]';

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        json: { type: 'string' },
        'sqlite-only': { type: 'boolean' },
        'import-only': { type: 'boolean' },
        duration: { type: 'string' },
        bulk: { type: 'string' },
        'import-rows': { type: 'string' },
        large: { type: 'string' },
        'no-million': { type: 'boolean' },
        'cpu-prof': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    throw new BenchError(`${(error as Error).message}\n${USAGE}`);
  }
}

function positive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new BenchError(`--${flag} must be a positive number, got "${value}"`);
  return n;
}

function readSettings(argv: string[]): {
  settings: BenchSettings;
  jsonFile: string | undefined;
  sqliteOnly: boolean;
  importOnly: boolean;
} {
  const { values } = parseOptions(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const importOnly = values['import-only'] === true;
  // The import case runs on SQLite only: PostgreSQL is not needed for it.
  const sqliteOnly = values['sqlite-only'] === true || importOnly;
  const cpuProfDir = values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']);
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  const settings: BenchSettings = {
    quick,
    durationSec: positive(values.duration, 'duration', quick ? 2 : 10),
    warmupSec: quick ? 0.5 : 2,
    connections: [10, 50],
    listGuests: 10_000,
    largeGuests:
      values['no-million'] === true
        ? undefined
        : Math.round(positive(values.large, 'large', quick ? 100_000 : 1_000_000)),
    tasksGuests: 2_000,
    bulkGuests: Math.round(positive(values.bulk, 'bulk', quick ? 2000 : 100_000)),
    importRows: Math.round(positive(values['import-rows'], 'import-rows', quick ? 2000 : 100_000)),
    postgresUrl: sqliteOnly ? undefined : process.env.BENCH_DATABASE_URL || DEFAULT_POSTGRES,
    cpuProfDir,
    logLevel: values['log-level'] ?? 'info',
  };
  return { settings, jsonFile: values.json, sqliteOnly, importOnly };
}

/** The commit measured, and whether the working tree differed from it. */
function sourceVersion(): { commit: string; modified: boolean } {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return {
      commit: git('rev-parse', 'HEAD'),
      modified: git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'bin', 'package.json') !== '',
    };
  } catch {
    return { commit: 'unknown', modified: false };
  }
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function importLine(imported: ImportCaseResult): string {
  return `Import (guests import, sqlite, cap off): ${importVerdict(imported)}`;
}

function printProfiles(cpuProfDir: string | undefined): void {
  if (!cpuProfDir) return;
  for (const file of mainThreadProfiles(cpuProfDir)) {
    process.stdout.write(`\n${formatProfile(path.relative(cpuProfDir, file), summarizeProfile(file))}\n`);
  }
}

async function main(): Promise<void> {
  const { settings, jsonFile, sqliteOnly, importOnly } = readSettings(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const skipped: string[] = [];
  if (settings.postgresUrl) {
    const problem = await postgresProblem(settings.postgresUrl);
    if (problem) {
      throw new BenchError(
        `PostgreSQL at ${withoutPassword(settings.postgresUrl)} is not reachable (${problem}). Start it, set BENCH_DATABASE_URL, or pass --sqlite-only.`,
      );
    }
  } else if (sqliteOnly) {
    skipped.push('PostgreSQL (--sqlite-only)');
  }
  // The service as `npm start` runs it: compiled first, so bin/guests.js runs dist/cli.js.
  log('== building the service (npm run build)');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });

  // Every guest domain (anything under .example) accepts mail; gmail.com is the service's canary.
  const dns = await startTestDnsServer({
    zones: { 'gmail.com': { mx: [{ exchange: 'gmail-smtp-in.l.google.com', priority: 5 }] } },
    wildcardSuffixes: { [GUEST_DOMAIN_SUFFIX]: { mx: [{ exchange: 'mx.mail.example', priority: 10 }] } },
  });
  const context: BenchContext = { settings, tmp: tempDir(), dnsAddress: dns.address, log };
  const cpus = os.cpus();
  const meta: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    source: sourceVersion(),
    node: process.version,
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    loadAverageAtStart: os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
    quick: settings.quick,
    durationSec: settings.durationSec,
    warmupSec: settings.warmupSec,
    connections: settings.connections,
    listGuests: settings.listGuests,
    largeGuests: settings.largeGuests ?? 'skipped',
    tasksGuests: settings.tasksGuests,
    bulkGuests: settings.bulkGuests,
    importRows: settings.importRows,
    postgres: settings.postgresUrl ? withoutPassword(settings.postgresUrl) : 'skipped',
    serviceLogLevel: settings.logLevel,
    emailDnsCheck:
      'on, against a local DNS server answering MX for every guest domain; verdicts cached by the service (DNS_CACHE_TTL_SECONDS default)',
  };
  log(
    `benchmark: ${cpus.length} cores, Node ${process.version}, ${settings.durationSec} s per case; progress below, report on stdout`,
  );

  try {
    if (importOnly) {
      const imported = await runImportCase(context);
      meta.finishedAt = new Date().toISOString();
      meta.loadAverageAtEnd = os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ');
      process.stdout.write(`${importLine(imported)}\n`);
      printProfiles(settings.cpuProfDir);
      if (jsonFile) fs.writeFileSync(jsonFile, `${JSON.stringify({ meta, importCase: imported }, null, 2)}\n`);
      return;
    }
    log('\n== floor 1 (bare node:http, fixed JSON)');
    const results: RunResults = {
      meta,
      httpFloor: await measureHttpFloor(context),
      databases: [],
      bulk: undefined,
      bulkEndpoint: undefined,
      importCase: undefined,
      skipped,
    };
    results.databases.push(await runDatabaseSuite(context, 'sqlite'));
    if (settings.postgresUrl) results.databases.push(await runDatabaseSuite(context, 'postgres'));
    results.bulk = await runBulkCase(context);
    results.bulkEndpoint = await runBulkEndpointCase(context);
    results.importCase = await runImportCase(context);
    meta.finishedAt = new Date().toISOString();
    meta.loadAverageAtEnd = os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');

    const rows = buildRows(results);
    const targets = evaluateTargets(results, rows);
    process.stdout.write(`\n${formatReport(results, rows, targets)}\n`);
    process.stdout.write(`\n${importLine(results.importCase)}\n`);
    printProfiles(settings.cpuProfDir);
    if (jsonFile) {
      fs.writeFileSync(jsonFile, reportJson(results, rows, targets));
      log(`\nwrote ${path.resolve(jsonFile)}`);
    }
  } finally {
    await dns.close();
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, stopping and cleaning up\n`);
    stopLoad();
    void runCleanups(5000).finally(() => process.exit(130));
  });
}

try {
  await main();
  await runCleanups();
} catch (error) {
  if (!interrupted) {
    process.stderr.write(
      `\nbench: the benchmark itself failed: ${error instanceof BenchError ? error.message : ((error as Error).stack ?? String(error))}\n`,
    );
    await runCleanups();
    process.exitCode = 1;
  }
}
