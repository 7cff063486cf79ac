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
 *            two inserts) or a get (one indexed select), on the same database kind and schema.
 * It also counts the statements each request sends, watches the service's peak RSS, and creates
 * 100,000 guests through the API in one organization (SQLite, 50 connections).
 *
 *   npm run bench                      full run (about 10 s per case; several minutes)
 *   npm run bench -- --quick           a short run (2 s per case, 2,000 bulk guests): a smoke check
 *   npm run bench -- --json FILE       also write every figure as JSON, to compare runs over time
 *   npm run bench -- --sqlite-only     skip PostgreSQL (otherwise an unreachable server is an error)
 *   npm run bench -- --duration 20 --bulk 50000 --cpu-prof DIR --log-level warn
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

const DEFAULT_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

const USAGE =
  'Usage: npm run bench -- [--quick] [--json FILE] [--sqlite-only] [--duration SEC] [--bulk N] [--cpu-prof DIR] [--log-level LEVEL]';

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        json: { type: 'string' },
        'sqlite-only': { type: 'boolean' },
        duration: { type: 'string' },
        bulk: { type: 'string' },
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

function readSettings(argv: string[]): { settings: BenchSettings; jsonFile: string | undefined; sqliteOnly: boolean } {
  const { values } = parseOptions(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const sqliteOnly = values['sqlite-only'] === true;
  const cpuProfDir = values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']);
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  const settings: BenchSettings = {
    quick,
    durationSec: positive(values.duration, 'duration', quick ? 2 : 10),
    warmupSec: quick ? 0.5 : 2,
    connections: [10, 50],
    listGuests: 10_000,
    tasksGuests: 2_000,
    bulkGuests: Math.round(positive(values.bulk, 'bulk', quick ? 2000 : 100_000)),
    postgresUrl: sqliteOnly ? undefined : process.env.BENCH_DATABASE_URL || DEFAULT_POSTGRES,
    cpuProfDir,
    logLevel: values['log-level'] ?? 'info',
  };
  return { settings, jsonFile: values.json, sqliteOnly };
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

async function main(): Promise<void> {
  const { settings, jsonFile, sqliteOnly } = readSettings(process.argv.slice(2));
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
    tasksGuests: settings.tasksGuests,
    bulkGuests: settings.bulkGuests,
    postgres: settings.postgresUrl ? withoutPassword(settings.postgresUrl) : 'skipped',
    serviceLogLevel: settings.logLevel,
    emailDnsCheck:
      'on, against a local DNS server answering MX for every guest domain; verdicts cached by the service (DNS_CACHE_TTL_SECONDS default)',
  };
  log(
    `benchmark: ${cpus.length} cores, Node ${process.version}, ${settings.durationSec} s per case; progress below, report on stdout`,
  );

  try {
    log('\n== floor 1 (bare node:http, fixed JSON)');
    const results: RunResults = {
      meta,
      httpFloor: await measureHttpFloor(context),
      databases: [],
      bulk: undefined,
      skipped,
    };
    results.databases.push(await runDatabaseSuite(context, 'sqlite'));
    if (settings.postgresUrl) results.databases.push(await runDatabaseSuite(context, 'postgres'));
    results.bulk = await runBulkCase(context);
    meta.finishedAt = new Date().toISOString();
    meta.loadAverageAtEnd = os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');

    const rows = buildRows(results);
    const targets = evaluateTargets(results, rows);
    process.stdout.write(`\n${formatReport(results, rows, targets)}\n`);
    if (settings.cpuProfDir) {
      for (const file of mainThreadProfiles(settings.cpuProfDir)) {
        process.stdout.write(`\n${formatProfile(path.relative(settings.cpuProfDir, file), summarizeProfile(file))}\n`);
      }
    }
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
