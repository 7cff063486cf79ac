/**
 * The `guests` command-line tool: serve, migrate, and the operator actions that have no HTTP
 * endpoint (organizations, members, tokens). `--json` prints machine-readable output; errors go
 * to stderr with exit code 1 (2 for a usage error).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, type Db } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { toAppError } from '../core/to-app-error.js';
import { createAdminService } from '../organizations/admin.service.js';
import { runServer } from '../server.js';
import { memberRowToMember } from '../members/member.mapper.js';
import { findEmailCollisions } from '../email/stored-emails.js';
import { guestCodesFor } from '../guests/guest-code.js';
import { prepareStoredCodes, rekeyCodes } from '../guests/guest-code.store.js';
import { runExport, runImport } from './import-export.js';
import { CsvStructureError } from '../guests/import/csv-format.js';
import { openAuthPublisher } from '../auth/auth-channels.js';

const USAGE = `Usage: guests <command> [options] [--json]

Commands:
  serve [--port 3000] [--host 127.0.0.1]      run the HTTP service (migrates first)
  migrate                                      apply database migrations (and encrypt plain guest codes)
  codes rekey                                  re-encrypt every stored guest code with GUEST_CODE_KEY
                                               (after a key change; README, "Guest code encryption")
  org create --name NAME                       create an organization
  org timezone --org ID --zone ZONE            set the organization's time zone (IANA name, e.g.
                                               Europe/Berlin): the digest hour of guests with none
  member add --org ID --email EMAIL --role admin|standard|light [--first-name F] [--last-name L]
                                               add a member (or change their role)
  token create --email EMAIL [--name N] [--expires-in DAYS]
                                               create an access token (shown once)
  token revoke --id ID                         revoke an access token
  import FILE.csv --org ID                      import guests from a CSV file (header: the fields of Create
                                               guest); resumable: running it again continues where it
                                               stopped. Exit 1 when rows failed (listed with their lines)
  export --org ID --format csv|json [--output FILE]
                                               write the organization's guests as CSV or JSON (stdout
                                               unless --output)
  doctor emails                                list stored rows that are one address written in
                                               several ways, for an operator to resolve

Settings come from environment variables (see README): DATABASE_URL, DATA_DIR, ...`;

class UsageError extends Error {}

/** A file that cannot be opened or read (missing, a directory, no permission). */
function isFileError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && ['ENOENT', 'EISDIR', 'EACCES', 'EPERM', 'ENOTDIR'].includes(code);
}

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  name: { type: 'string' },
  org: { type: 'string' },
  email: { type: 'string' },
  role: { type: 'string' },
  'first-name': { type: 'string' },
  'last-name': { type: 'string' },
  'expires-in': { type: 'string' },
  id: { type: 'string' },
  zone: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

function required(values: Values, flag: keyof Values): string {
  const value = values[flag];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${String(flag)} is required`);
  return value;
}

/** Warnings of the CLI's own: on stderr, one line each. */
const cliLog = {
  info: () => undefined,
  warn: (_details: object, message: string) => process.stderr.write(`warning: ${message}\n`),
};

async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(config.database);
  // A token revoked or a member changed here is announced to the serving instances, which may
  // remember the old answer (src/auth/auth-channels.ts).
  const stopAnnouncing = await openAuthPublisher(config, db, cliLog);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await stopAnnouncing();
    await db.close();
  }
}

/** What a command prints; `exitCode` 1 for a partial success (an import with failed rows). */
type Output = { json: unknown; text: string; exitCode?: number; toStdout?: boolean };

async function runCommand(
  command: string,
  values: Values,
  positionals: string[],
  env: NodeJS.ProcessEnv,
): Promise<Output | 'serving'> {
  if (command === 'serve') {
    const port = wholeNumber(values.port, 'port');
    const config = loadConfig({
      ...env,
      ...(port !== undefined && { PORT: String(port) }),
      ...(values.host && { HOST: values.host }),
    });
    await runServer(config);
    return 'serving';
  }
  const config = loadConfig(env);
  const admin = (db: Db) => createAdminService(db.kysely);
  switch (command) {
    case 'migrate':
      return withDatabase(config, async (db) => {
        await prepareStoredCodes(db.kysely, guestCodesFor(config));
        return { json: { migrated: true }, text: 'Database is up to date.' };
      });
    case 'codes rekey': {
      const codes = guestCodesFor(config);
      const rekeyed = await withDatabase(config, (db) => rekeyCodes(db.kysely, codes));
      return {
        json: { rekeyed, key_id: codes.currentKeyId },
        text: `Re-encrypted ${rekeyed} guest code${rekeyed === 1 ? '' : 's'} with key ${codes.currentKeyId}; every stored code now opens with the current key.`,
      };
    }
    case 'org create': {
      const org = await withDatabase(config, (db) => admin(db).createOrganization({ name: required(values, 'name') }));
      return { json: org, text: `Created organization ${org.id} (${org.name}).` };
    }
    case 'org timezone': {
      const org = await withDatabase(config, (db) =>
        admin(db).setOrganizationTimezone(required(values, 'org'), required(values, 'zone')),
      );
      return { json: org, text: `Organization ${org.id} now uses the time zone ${org.timezone}.` };
    }
    case 'member add': {
      const member = await withDatabase(config, (db) =>
        admin(db).addMember({
          organizationId: required(values, 'org'),
          email: required(values, 'email'),
          role: required(values, 'role'),
          firstName: values['first-name'],
          lastName: values['last-name'],
        }),
      );
      return { json: memberRowToMember(member), text: `Member ${member.id}: ${member.email} (${member.role}).` };
    }
    case 'token create': {
      const token = await withDatabase(config, (db) =>
        admin(db).createToken({
          email: required(values, 'email'),
          name: values.name,
          expiresInDays: wholeNumber(values['expires-in'], 'expires-in'),
        }),
      );
      return {
        json: token,
        text: `Token ${token.id} (shown only this once): ${token.token}${token.expires_at ? `\nExpires at ${token.expires_at} UTC.` : ''}`,
      };
    }
    case 'token revoke': {
      const id = wholeNumber(required(values, 'id'), 'id') as number;
      const result = await withDatabase(config, (db) => admin(db).revokeToken(id));
      return { json: result, text: `Token ${result.id} revoked.` };
    }
    case 'import': {
      const file = positionals[1];
      if (!file || positionals.length > 2)
        throw new UsageError('import takes one CSV file: guests import FILE.csv --org ID');
      const organizationId = required(values, 'org');
      return withDatabase(config, (db) => runImport(db, config, { file, organizationId, json: values.json === true }));
    }
    case 'export': {
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, got "${format}"`);
      const organizationId = required(values, 'org');
      return withDatabase(config, (db) => runExport(db, { organizationId, format, output: values.output }));
    }
    case 'doctor emails': {
      const collisions = await withDatabase(config, (db) => findEmailCollisions(db.kysely));
      const text =
        collisions.length === 0
          ? 'No stored email address is written in more than one way.'
          : collisions
              .map((c) =>
                [
                  `${c.table} ${c.normalized}${c.organizationId ? ` (open invitations in ${c.organizationId})` : ''}:`,
                  ...c.rows.map(
                    (r) =>
                      `  id ${r.id}: ${r.email}${r.organizations.length > 0 ? ` — organizations ${r.organizations.join(', ')}` : ''}`,
                  ),
                ].join('\n'),
              )
              .join('\n');
      return { json: { collisions }, text };
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

/** Runs the CLI; returns the exit code (serve keeps running and returns undefined). */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    process.stderr.write(`guests: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const single = ['serve', 'migrate', 'import', 'export'].includes(positionals[0] ?? '');
  const command = positionals.slice(0, single ? 1 : 2).join(' ');
  try {
    const result = await runCommand(command, values, positionals, env);
    if (result === 'serving') return undefined;
    const summary = `${values.json ? JSON.stringify(result.json) : result.text}\n`;
    // An export written to stdout keeps stdout for itself; its summary goes to stderr.
    if (result.toStdout) process.stderr.write(summary);
    else process.stdout.write(summary);
    return result.exitCode ?? 0;
  } catch (error) {
    const json = values.json === true;
    if (error instanceof UsageError) {
      process.stderr.write(`guests: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    let code: string;
    let message: string;
    if (error instanceof ConfigError) {
      code = 'CONFIG_INVALID';
      message = error.message;
    } else if (error instanceof CsvStructureError) {
      // A flaw of the file itself: nothing was imported (docs/guests.md, Import guests).
      code = 'CSV_INVALID';
      message = `${positionals[1] ?? 'the file'}, ${error.message} Nothing was imported.`;
    } else if (isFileError(error)) {
      code = 'FILE_UNREADABLE';
      message = `cannot read ${error.path ?? 'the file'}: ${error.code}`;
    } else {
      // The same mapping as the API's answers: a refused or unreachable database reads as there.
      const failure = toAppError(error);
      code = failure.code;
      message =
        failure !== error && failure.code === 'INTERNAL'
          ? `unexpected error: ${(error as Error).stack ?? String(error)}`
          : failure.options.errors
            ? Object.values(failure.options.errors).flat().join(' ')
            : failure.message;
    }
    process.stderr.write(json ? `${JSON.stringify({ error: { code, message } })}\n` : `guests: ${message}\n`);
    return 1;
  }
}
