/**
 * Builds the app in process on a fresh database, with a real DNS server on 127.0.0.1 behind the
 * email checks, and gives tests an organization, members of each role and their tokens.
 *
 * TEST_DATABASE_URL (a postgres:// URL) runs the same tests on PostgreSQL; otherwise each app
 * gets its own in-memory SQLite database.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppContext } from '../src/app.js';
import { LOG_SERIALIZERS } from '../src/core/log-redaction.js';
import { guestCodesFor, type GuestLinks } from '../src/guests/guest-code.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { EmailDomainChecker } from '../src/email/dns-check.js';
import { createAdminService, type AdminService } from '../src/organizations/admin.service.js';
import { startTestDnsServer, type TestDnsServer } from './dns-server.js';
import { TEST_GUEST_CODE_KEY } from './process.js';

export { TEST_GUEST_CODE_KEY };

/** Every *.test domain accepts mail; the special zones exercise each DNS outcome. */
export const TEST_ZONES = {
  'gmail.com': { mx: [{ exchange: 'gmail-smtp-in.l.google.com', priority: 5 }] },
  'nullmx.test': { mx: [{ exchange: '', priority: 0 }] },
  'nomail.test': {},
  'aonly.test': { a: ['192.0.2.10'] },
};

let dns: Promise<TestDnsServer> | undefined;
/** One DNS server per test process, shared by every app it builds. */
export function testDns(): Promise<TestDnsServer> {
  dns ??= startTestDnsServer({
    zones: TEST_ZONES,
    wildcardSuffixes: { test: { mx: [{ exchange: 'mx.mail.test', priority: 10 }] } },
  });
  return dns;
}

export interface TestContext {
  app: FastifyInstance;
  db: Db;
  config: Config;
  admin: AdminService;
  orgId: string;
  /** Tokens of the organization's admin, standard and light members. */
  tokens: { admin: string; standard: string; light: string };
  members: { admin: number; standard: number; light: number };
  /** What the app writes guest links with (its key opens the stored codes). */
  links: GuestLinks;
  /** Lines the app logged (JSON objects). */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface TestOptions {
  env?: Record<string, string>;
  /** Told of every route as the app adds it. */
  onRoute?: AppContext['onRoute'];
  /** The places for searches of List guests, instead of those SEARCH_CONCURRENCY makes. */
  listSearches?: AppContext['listSearches'];
  /** Where searches of List guests read, instead of the worker a SQLite file gets. */
  searchReader?: AppContext['searchReader'];
}

export async function createOrgWithMembers(admin: AdminService, name: string, prefix: string) {
  const org = await admin.createOrganization({ name });
  const members = { admin: 0, standard: 0, light: 0 };
  const tokens = { admin: '', standard: '', light: '' };
  for (const role of ['admin', 'standard', 'light'] as const) {
    const member = await admin.addMember({
      organizationId: org.id,
      email: `${prefix}-${role}@members.test`,
      role,
      firstName: role,
      lastName: prefix,
    });
    members[role] = member.id;
    tokens[role] = (await admin.createToken({ email: member.email })).token;
  }
  return { orgId: org.id, members, tokens };
}

export type OrgWithMembers = Awaited<ReturnType<typeof createOrgWithMembers>>;

/** A test app whose database also holds a second organization ("Other") with its own members. */
export async function buildTestAppWithOther(
  options: TestOptions = {},
): Promise<{ ctx: TestContext; other: OrgWithMembers }> {
  const ctx = await buildTestApp(options);
  return { ctx, other: await createOrgWithMembers(ctx.admin, 'Other', 'other') };
}

/**
 * A fresh database for one app: in-memory SQLite, or on PostgreSQL (TEST_DATABASE_URL) a new
 * schema that the returned `drop` removes again.
 */
export async function freshDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { url: 'sqlite::memory:', drop: async () => undefined };
  const schema = `test_${process.pid}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`drop schema ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function buildTestApp(options: TestOptions = {}): Promise<TestContext> {
  const server = await testDns();
  // What the build has opened so far, undone last first: by close(), or at once when the build
  // fails part-way (a test of a bad setting, say), so that no schema or connection outlives it.
  const opened: Array<() => unknown> = [];
  const closeOpened = async () => {
    for (const undo of opened.splice(0).reverse()) await undo();
  };
  try {
    const database = await freshDatabaseUrl();
    opened.push(() => database.drop());
    const env: Record<string, string> = {
      DATA_DIR: '/nonexistent',
      DATABASE_URL: database.url,
      PUBLIC_BASE_URL: 'http://guests.test',
      DNS_SERVERS: server.address,
      DNS_TIMEOUT_MS: '500',
      LOG_LEVEL: 'info',
      GUEST_CODE_KEY: TEST_GUEST_CODE_KEY,
      // The invite cap has its own tests; elsewhere it would only limit how many guests a test makes.
      GUEST_INVITE_LIMIT_PER_HOUR: '0',
      // So is the throttle of unknown tokens and codes; elsewhere tests try many from one address.
      AUTH_FAILURE_LIMIT: '0',
      ...options.env,
    };
    const config = loadConfig(env);
    const db = openDatabase(config.database);
    opened.push(() => db.close());
    await migrateToLatest(db);
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino(
      { level: config.logLevel, serializers: LOG_SERIALIZERS },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString().split('\n'))
            if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }),
    );
    const emailChecker = new EmailDomainChecker(config.dns, logger);
    opened.push(() => emailChecker.stop());
    await emailChecker.start();
    const links: GuestLinks = { publicBaseUrl: config.publicBaseUrl, codes: guestCodesFor(config) };
    const app = await buildApp({
      config,
      db,
      emailChecker,
      logger,
      codes: links.codes,
      ...(options.onRoute && { onRoute: options.onRoute }),
      ...(options.listSearches && { listSearches: options.listSearches }),
      ...(options.searchReader && { searchReader: options.searchReader }),
    });
    opened.push(() => app.close());
    await app.ready();
    const admin = createAdminService(db.kysely);
    const org = await createOrgWithMembers(admin, 'Acme', 'acme');
    return { app, db, config, admin, links, logs, ...org, close: closeOpened };
  } catch (error) {
    await closeOpened();
    throw error;
  }
}

export function authHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'x-tallyfy-client': 'APIClient' };
}

/** `app.inject` with a token's headers; `body` is sent as JSON. */
export async function call(
  ctx: Pick<TestContext, 'app'>,
  token: string | null,
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return ctx.app.inject({
    method,
    url,
    headers: { ...(token ? authHeaders(token) : {}), ...headers },
    ...(body !== undefined && { payload: body as InjectOptions['payload'] }),
  });
}

let counter = 0;
/** A unique address on a domain the test DNS server accepts. */
export function uniqueEmail(label = 'guest'): string {
  counter += 1;
  return `${label}.${process.pid}.${counter}@partner.test`;
}

/** Creates a guest through the API and returns the answer's data. */
export async function createGuest(
  ctx: TestContext,
  overrides: Record<string, unknown> = {},
  token = ctx.tokens.admin,
  orgId = ctx.orgId,
) {
  const response = await call(ctx, token, 'POST', `/api/organizations/${orgId}/guests`, {
    email: uniqueEmail(),
    ...overrides,
  });
  if (response.statusCode !== 201 && response.statusCode !== 200) {
    throw new Error(`createGuest: ${response.statusCode} ${response.body}`);
  }
  return response.json<{
    data: Record<string, unknown> & { id: number; email: string; details: Record<string, unknown> };
  }>().data;
}

export function guestsUrl(orgId: string, email?: string, suffix = ''): string {
  return `/api/organizations/${orgId}/guests${email === undefined ? '' : `/${encodeURIComponent(email)}`}${suffix}`;
}

/** Migrates the database and creates an organization with one admin and a token, outside any app. */
export async function seedOrganization(
  database: Config['database'],
  name: string,
  adminEmail: string,
): Promise<{ orgId: string; token: string }> {
  const db = openDatabase(database);
  try {
    await migrateToLatest(db);
    const admin = createAdminService(db.kysely);
    const org = await admin.createOrganization({ name });
    const member = await admin.addMember({ organizationId: org.id, email: adminEmail, role: 'admin' });
    return { orgId: org.id, token: (await admin.createToken({ email: member.email, name: `${name} test` })).token };
  } finally {
    await db.close();
  }
}
