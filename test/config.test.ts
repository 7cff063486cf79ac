// loadConfig(env): defaults, parsing, and a ConfigError naming the variable for every bad value.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, type Config } from '../src/config.js';

/** Asserts that loadConfig(env) throws a ConfigError for `variable` whose message names it. */
function assertRejects(env: Record<string, string>, variable: string): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${JSON.stringify(env)}, got ${String(caught)}`);
  assert.equal(caught.variable, variable);
  assert.equal(caught.name, 'ConfigError');
  assert.match(caught.message, new RegExp(`\\b${variable}\\b`), `message should name ${variable}: ${caught.message}`);
  return caught;
}

describe('loadConfig defaults', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = loadConfig({});
    const dataDir = path.resolve('data');
    const expected: Config = {
      host: '127.0.0.1',
      port: 3000,
      dataDir,
      database: { kind: 'sqlite', file: path.join(dataDir, 'guests.sqlite') },
      publicBaseUrl: 'http://127.0.0.1:3000',
      requireClientHeader: false,
      unknownFields: 'ignore',
      bodyLimitBytes: 1024 * 1024,
      files: { maxBytes: 200 * 1024 * 1024, taskMaxBytes: 1024 * 1024 * 1024, taskMaxCount: 100 },
      imports: { maxBytes: 50 * 1024 * 1024, maxRows: 1_000_000 },
      logLevel: 'info',
      rateLimit: { max: 600, windowMs: 60_000 },
      redisUrl: undefined,
      redisKeyPrefix: 'guests:',
      trustProxy: false,
      inviteLimitPerHour: 30,
      seedDemo: true,
      dns: {
        mode: 'on',
        servers: [],
        timeoutMs: 2000,
        cacheTtlMs: 3600 * 1000,
        canaryDomain: 'gmail.com',
        canaryIntervalMs: 300 * 1000,
      },
      mail: { smtpUrl: undefined, from: 'Guest access <no-reply@localhost>', dir: path.join(dataDir, 'mail') },
      outbox: { worker: true, pollIntervalMs: 1000, maxAttempts: 15, concurrency: 8 },
      scheduler: { enabled: true, intervalMs: 60_000, leaseMs: 300_000 },
      digestHour: 8,
      geoipDatabase: undefined,
      invitationExpiryDays: 7,
      reminders: { leadHours: 24, maxOverdueDays: 7 },
      accessEmailLimits: { perIpPerHour: 20, perEmailPerHour: 3 },
      authCacheTtlMs: 5000,
      listCacheBytes: 16 * 1024 * 1024,
      listSearches: { concurrency: 1, waitMs: 30_000 },
      authFailures: { limit: 60, windowMs: 60_000 },
      heavyRequests: { concurrencyPerToken: 2, unpaginatedRowsPerMinute: 100_000 },
      bulk: { deadlineMs: 30_000, dnsConcurrency: 8 },
      connections: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 72_000,
        maxRequestsPerSocket: 1000,
        max: undefined,
        maxPerAddress: undefined,
        eventLoopStallMs: 1000,
      },
      shutdownGraceMs: 10_000,
      guestCodeKey: { current: undefined, previous: [] },
    };
    assert.deepEqual(config, expected);
  });

  test('SQLITE_BUSY_TIMEOUT_MS is carried with the SQLite database when set, and checked', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite::memory:', SQLITE_BUSY_TIMEOUT_MS: '250' }).database, {
      kind: 'sqlite',
      file: ':memory:',
      busyTimeoutMs: 250,
    });
    assert.throws(() => loadConfig({ SQLITE_BUSY_TIMEOUT_MS: 'soon' }), /SQLITE_BUSY_TIMEOUT_MS/);
    assert.throws(() => loadConfig({ AUTH_FAILURE_LIMIT: '-1' }), /AUTH_FAILURE_LIMIT/);
    assert.throws(() => loadConfig({ BULK_DNS_CONCURRENCY: '0' }), /BULK_DNS_CONCURRENCY/);
  });

  test('AUTH_CACHE_TTL_MS: 5 s by default, 0 turns the token memory off, at most a minute', () => {
    assert.equal(loadConfig({}).authCacheTtlMs, 5000);
    assert.equal(loadConfig({ AUTH_CACHE_TTL_MS: '0' }).authCacheTtlMs, 0);
    assert.equal(loadConfig({ AUTH_CACHE_TTL_MS: '60000' }).authCacheTtlMs, 60_000);
    assert.throws(() => loadConfig({ AUTH_CACHE_TTL_MS: '60001' }), /AUTH_CACHE_TTL_MS must be between 0 and 60000/);
    assert.throws(() => loadConfig({ AUTH_CACHE_TTL_MS: '5s' }), /AUTH_CACHE_TTL_MS must be a whole number/);
  });

  test('LIST_CACHE_MB: 16 MB of list pages by default, 0 keeps none', () => {
    assert.equal(loadConfig({}).listCacheBytes, 16 * 1024 * 1024);
    assert.equal(loadConfig({ LIST_CACHE_MB: '0' }).listCacheBytes, 0);
    assert.equal(loadConfig({ LIST_CACHE_MB: '64' }).listCacheBytes, 64 * 1024 * 1024);
    assert.throws(() => loadConfig({ LIST_CACHE_MB: '4097' }), /LIST_CACHE_MB must be between 0 and 4096/);
  });

  test('SEARCH_CONCURRENCY: 1 on SQLite, a quarter of the pool on PostgreSQL (at least 1); SEARCH_WAIT_MS 30 s', () => {
    assert.deepEqual(loadConfig({}).listSearches, { concurrency: 1, waitMs: 30_000 });
    const postgres = { DATABASE_URL: 'postgres://guests@db.internal:5432/guests', GUEST_CODE_KEY: 'ab'.repeat(32) };
    assert.equal(loadConfig(postgres).listSearches.concurrency, 2);
    assert.equal(loadConfig({ ...postgres, DATABASE_POOL_SIZE: '40' }).listSearches.concurrency, 10);
    assert.equal(loadConfig({ ...postgres, DATABASE_POOL_SIZE: '3' }).listSearches.concurrency, 1);
    assert.equal(loadConfig({ ...postgres, SEARCH_CONCURRENCY: '3' }).listSearches.concurrency, 3);
    assert.equal(loadConfig({ SEARCH_CONCURRENCY: '3' }).listSearches.concurrency, 3);
    assert.equal(loadConfig({ SEARCH_CONCURRENCY: '0' }).listSearches.concurrency, 0);
    assert.equal(loadConfig({ SEARCH_WAIT_MS: '0' }).listSearches.waitMs, 0);
    assert.throws(() => loadConfig({ SEARCH_CONCURRENCY: '1001' }), /SEARCH_CONCURRENCY must be between 0 and 1000/);
    assert.throws(() => loadConfig({ SEARCH_CONCURRENCY: '-1' }), /SEARCH_CONCURRENCY must be a whole number/);
    assert.throws(() => loadConfig({ SEARCH_WAIT_MS: '600001' }), /SEARCH_WAIT_MS must be between 0 and 600000/);
  });

  test('REMINDER_LEAD_HOURS and REMINDER_MAX_OVERDUE_DAYS are read at their edges', () => {
    assert.deepEqual(loadConfig({ REMINDER_LEAD_HOURS: '1', REMINDER_MAX_OVERDUE_DAYS: '0' }).reminders, {
      leadHours: 1,
      maxOverdueDays: 0,
    });
    assert.deepEqual(loadConfig({ REMINDER_LEAD_HOURS: '720', REMINDER_MAX_OVERDUE_DAYS: '365' }).reminders, {
      leadHours: 720,
      maxOverdueDays: 365,
    });
  });

  test('empty and blank values count as unset', () => {
    assert.deepEqual(loadConfig({ PORT: '', LOG_LEVEL: '   ', DATABASE_URL: '', DNS_SERVERS: ' ' }), loadConfig({}));
  });

  test('explicit good values are parsed and normalized', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: ' 8080 ',
      PUBLIC_BASE_URL: 'https://guests.example.com/base///',
      REQUIRE_CLIENT_HEADER: 'Yes',
      UNKNOWN_FIELDS: 'Reject',
      BODY_LIMIT_BYTES: '2048',
      LOG_LEVEL: 'WARN',
      GUEST_INVITE_LIMIT_PER_HOUR: '0',
      SEED_DEMO: 'off',
      EMAIL_DNS_CHECK: 'Strict',
      DNS_SERVERS: '127.0.0.1:5353, [::1]:53,10.0.0.1',
      DNS_TIMEOUT_MS: '500',
      DNS_CACHE_TTL_SECONDS: '0',
      DNS_CANARY_DOMAIN: 'example.org',
      DNS_CANARY_INTERVAL_SECONDS: '60',
    });
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 8080);
    assert.equal(config.publicBaseUrl, 'https://guests.example.com/base');
    assert.equal(config.requireClientHeader, true);
    assert.equal(config.unknownFields, 'reject');
    assert.equal(config.bodyLimitBytes, 2048);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.inviteLimitPerHour, 0);
    assert.equal(config.seedDemo, false);
    assert.deepEqual(config.dns, {
      mode: 'strict',
      servers: ['127.0.0.1:5353', '[::1]:53', '10.0.0.1'],
      timeoutMs: 500,
      cacheTtlMs: 0,
      canaryDomain: 'example.org',
      canaryIntervalMs: 60_000,
    });
  });

  test('the scheduler and digest settings are read', () => {
    const config = loadConfig({
      SCHEDULER: 'off',
      SCHEDULER_INTERVAL_MS: '250',
      NOTIFICATIONS_LEASE_MS: '2000',
      DIGEST_HOUR: '0',
    });
    assert.deepEqual(config.scheduler, { enabled: false, intervalMs: 250, leaseMs: 2000 });
    assert.equal(config.digestHour, 0);
    assert.equal(loadConfig({ DIGEST_HOUR: '23' }).digestHour, 23);
  });

  test('the default public base URL follows HOST and PORT (IPv6 hosts in brackets)', () => {
    assert.equal(loadConfig({ HOST: 'localhost', PORT: '4000' }).publicBaseUrl, 'http://localhost:4000');
    assert.equal(loadConfig({ HOST: '::1', PORT: '4000' }).publicBaseUrl, 'http://[::1]:4000');
  });

  test('PORT accepts the edges 0 and 65535', () => {
    assert.equal(loadConfig({ PORT: '0' }).port, 0);
    assert.equal(loadConfig({ PORT: '65535' }).port, 65535);
  });
});

describe('loadConfig rejects bad values with a ConfigError naming the variable', () => {
  const cases: Array<[string, string]> = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['REQUIRE_CLIENT_HEADER', 'maybe'],
    ['UNKNOWN_FIELDS', 'drop'],
    ['SEED_DEMO', 'sometimes'],
    ['EMAIL_DNS_CHECK', 'sometimes'],
    ['DNS_SERVERS', 'not-an-ip'],
    ['DNS_SERVERS', '127.0.0.1,dns.google'],
    ['DNS_SERVERS', '999.1.1.1'],
    ['DNS_SERVERS', 'cafe'],
    ['DNS_SERVERS', '127.0.0.1:0'],
    ['DNS_SERVERS', '127.0.0.1:99999'],
    ['DNS_SERVERS', '[::1]:0'],
    ['DNS_CANARY_DOMAIN', 'not a domain!'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', '/tmp/plain/path.sqlite'],
    ['PUBLIC_BASE_URL', 'ftp://x'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT_BYTES', '1'],
    ['BODY_LIMIT_BYTES', '104857601'],
    ['FILE_MAX_BYTES', '10'],
    ['FILE_MAX_BYTES', 'big'],
    ['TASK_FILES_MAX_BYTES', '1.5'],
    ['TASK_FILES_MAX_COUNT', '0'],
    ['IMPORT_MAX_BYTES', '100'],
    ['IMPORT_MAX_BYTES', 'lots'],
    ['IMPORT_MAX_ROWS', '0'],
    ['GUEST_INVITE_LIMIT_PER_HOUR', '-1'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DNS_TIMEOUT_MS', '10'],
    ['DNS_CACHE_TTL_SECONDS', 'forever'],
    ['DNS_CANARY_INTERVAL_SECONDS', '1'],
    ['SMTP_URL', 'http://mail.example'],
    ['SMTP_URL', 'not a url'],
    ['MAIL_FROM', 'not an address'],
    ['MAIL_FROM', 'a@b.example\r\nBcc: x@y.example'],
    ['OUTBOX_WORKER', 'sometimes'],
    ['OUTBOX_POLL_INTERVAL_MS', '5'],
    ['OUTBOX_MAX_ATTEMPTS', '0'],
    ['OUTBOX_CONCURRENCY', '0'],
    ['OUTBOX_CONCURRENCY', 'many'],
    ['ACCESS_EMAIL_LIMIT_PER_IP', 'many'],
    ['ACCESS_EMAIL_LIMIT_PER_EMAIL', '-3'],
    ['HEADERS_TIMEOUT_MS', '10'],
    ['HEADERS_TIMEOUT_MS', '40000'],
    ['REQUEST_TIMEOUT_MS', 'slow'],
    ['KEEP_ALIVE_TIMEOUT_MS', '0'],
    ['MAX_REQUESTS_PER_SOCKET', '-1'],
    ['MAX_CONNECTIONS', '5'],
    ['MAX_CONNECTIONS_PER_ADDRESS', 'all'],
    ['EVENT_LOOP_STALL_MS', '10'],
    ['SHUTDOWN_GRACE_MS', '1.5'],
    ['REMINDER_LEAD_HOURS', '0'],
    ['REMINDER_LEAD_HOURS', '721'],
    ['REMINDER_LEAD_HOURS', 'a day'],
    ['REMINDER_MAX_OVERDUE_DAYS', '366'],
    ['REMINDER_MAX_OVERDUE_DAYS', '-1'],
    ['SCHEDULER', 'sometimes'],
    ['SCHEDULER_INTERVAL_MS', '5'],
    ['NOTIFICATIONS_LEASE_MS', '10'],
    ['DIGEST_HOUR', '24'],
    ['DIGEST_HOUR', '-1'],
    ['DIGEST_HOUR', 'eight'],
  ];
  for (const [variable, value] of cases) {
    test(`${variable}=${value}`, () => {
      const error = assertRejects({ [variable]: value }, variable);
      // The operator sees the bad value too (so a typo is easy to spot), but never a URL that may
      // carry a password.
      if (variable !== 'DATABASE_URL' && variable !== 'SMTP_URL')
        assert.ok(error.message.includes(value.split(',').at(-1) ?? value), error.message);
    });
  }

  test('file limits: defaults hold a 100 MB file; a task total smaller than one file is refused', () => {
    assert.deepEqual(loadConfig({}).files, {
      maxBytes: 200 * 1024 * 1024,
      taskMaxBytes: 1024 * 1024 * 1024,
      taskMaxCount: 100,
    });
    const set = loadConfig({ FILE_MAX_BYTES: '5000', TASK_FILES_MAX_BYTES: '20000', TASK_FILES_MAX_COUNT: '3' });
    assert.deepEqual(set.files, { maxBytes: 5000, taskMaxBytes: 20000, taskMaxCount: 3 });
    const error = assertRejects({ FILE_MAX_BYTES: '50000', TASK_FILES_MAX_BYTES: '20000' }, 'TASK_FILES_MAX_BYTES');
    assert.match(error.message, /FILE_MAX_BYTES \(50000\)/);
  });

  test('import limits are read from IMPORT_MAX_BYTES and IMPORT_MAX_ROWS', () => {
    assert.deepEqual(loadConfig({ IMPORT_MAX_BYTES: '4096', IMPORT_MAX_ROWS: '10' }).imports, {
      maxBytes: 4096,
      maxRows: 10,
    });
  });

  test('the message explains the range for out-of-range numbers', () => {
    assert.match(assertRejects({ PORT: '70000' }, 'PORT').message, /between 0 and 65535/);
    assert.match(assertRejects({ BODY_LIMIT_BYTES: '1' }, 'BODY_LIMIT_BYTES').message, /between 1024 and/);
  });

  test("a headers timeout longer than the whole request's is refused, naming both", () => {
    assert.match(
      assertRejects({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '15000' }, 'HEADERS_TIMEOUT_MS').message,
      /REQUEST_TIMEOUT_MS \(15000\)/,
    );
    assert.equal(
      loadConfig({ HEADERS_TIMEOUT_MS: '15000', REQUEST_TIMEOUT_MS: '15000' }).connections.headersTimeoutMs,
      15_000,
    );
  });

  test('connection settings: explicit values, 0 for "off" where the README says so', () => {
    const config = loadConfig({
      HEADERS_TIMEOUT_MS: '2000',
      REQUEST_TIMEOUT_MS: '5000',
      KEEP_ALIVE_TIMEOUT_MS: '4000',
      MAX_REQUESTS_PER_SOCKET: '0',
      MAX_CONNECTIONS: '300',
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      EVENT_LOOP_STALL_MS: '0',
      SHUTDOWN_GRACE_MS: '0',
    });
    assert.deepEqual(config.connections, {
      headersTimeoutMs: 2000,
      requestTimeoutMs: 5000,
      keepAliveTimeoutMs: 4000,
      maxRequestsPerSocket: 0,
      max: 300,
      maxPerAddress: 0,
      eventLoopStallMs: 0,
    });
    assert.equal(config.shutdownGraceMs, 0);
  });

  test('the first bad variable is reported, the others are not silently used', () => {
    assertRejects({ PORT: 'abc', LOG_LEVEL: 'loud' }, 'PORT');
    assertRejects({ PORT: '3000', LOG_LEVEL: 'loud' }, 'LOG_LEVEL');
  });
});

describe('loadConfig database URLs', () => {
  test('sqlite: with an absolute path', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:/tmp/xyz/db.sqlite' }).database, {
      kind: 'sqlite',
      file: '/tmp/xyz/db.sqlite',
    });
  });

  test('sqlite:/// (URL form) gives the same absolute path', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:///tmp/xyz/db.sqlite' }).database, {
      kind: 'sqlite',
      file: '/tmp/xyz/db.sqlite',
    });
  });

  test('sqlite: with a relative path is resolved against the working directory', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:rel/dir/g.sqlite' }).database, {
      kind: 'sqlite',
      file: path.resolve('rel/dir/g.sqlite'),
    });
  });

  test('sqlite::memory: stays in memory', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database, { kind: 'sqlite', file: ':memory:' });
  });

  test('postgres:// and postgresql:// URLs, with the pool size', () => {
    const url = 'postgres://user:secret@db.internal:5432/guests?sslmode=disable';
    const key = { GUEST_CODE_KEY: 'ab'.repeat(32) };
    assert.deepEqual(loadConfig({ DATABASE_URL: url, ...key }).database, {
      kind: 'postgres',
      url,
      poolSize: 10,
      namedStatements: true,
    });
    const url2 = 'postgresql://db.internal/guests';
    assert.deepEqual(loadConfig({ DATABASE_URL: url2, DATABASE_POOL_SIZE: '3', ...key }).database, {
      kind: 'postgres',
      url: url2,
      poolSize: 3,
      namedStatements: true,
    });
  });

  test('DATABASE_NAMED_STATEMENTS turns named statements off, and takes only true or false', () => {
    const env = { DATABASE_URL: 'postgres://db.internal/guests', GUEST_CODE_KEY: 'ab'.repeat(32) };
    const named = (value: string) => {
      const database = loadConfig({ ...env, DATABASE_NAMED_STATEMENTS: value }).database;
      return database.kind === 'postgres' ? database.namedStatements : undefined;
    };
    assert.equal(named('false'), false);
    assert.equal(named('off'), false);
    assert.equal(named('true'), true);
    assertRejects({ ...env, DATABASE_NAMED_STATEMENTS: 'sometimes' }, 'DATABASE_NAMED_STATEMENTS');
  });

  test('DATABASE_URL wins over DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: '/srv/guests', DATABASE_URL: 'sqlite:/tmp/other.sqlite' });
    assert.equal(config.dataDir, '/srv/guests');
    assert.deepEqual(config.database, { kind: 'sqlite', file: '/tmp/other.sqlite' });
  });

  test('DATA_DIR moves the default SQLite file', () => {
    assert.deepEqual(loadConfig({ DATA_DIR: '/var/lib/guests' }).database, {
      kind: 'sqlite',
      file: '/var/lib/guests/guests.sqlite',
    });
    const relative = loadConfig({ DATA_DIR: 'some/dir' });
    assert.equal(relative.dataDir, path.resolve('some/dir'));
    assert.deepEqual(relative.database, { kind: 'sqlite', file: path.resolve('some/dir/guests.sqlite') });
  });
});

describe('loadConfig guest code keys', () => {
  const b64 = Buffer.alloc(32, 7).toString('base64');
  test('GUEST_CODE_KEY is read as base64, base64url or hex; previous keys as a comma-separated list', () => {
    const bytes = Buffer.alloc(32, 7);
    assert.deepEqual(loadConfig({ GUEST_CODE_KEY: b64 }).guestCodeKey, { current: bytes, previous: [] });
    assert.deepEqual(loadConfig({ GUEST_CODE_KEY: bytes.toString('base64url') }).guestCodeKey.current, bytes);
    assert.deepEqual(loadConfig({ GUEST_CODE_KEY: bytes.toString('hex') }).guestCodeKey.current, bytes);
    const previous = loadConfig({
      GUEST_CODE_KEY: b64,
      GUEST_CODE_KEYS_PREVIOUS: ` ${'01'.repeat(32)} ,${Buffer.alloc(32, 2).toString('base64')}`,
    }).guestCodeKey.previous;
    assert.deepEqual(previous, [Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);
  });

  test('a key that is not 32 bytes is refused, naming the variable', () => {
    assertRejects({ GUEST_CODE_KEY: 'short' }, 'GUEST_CODE_KEY');
    assertRejects({ GUEST_CODE_KEY: Buffer.alloc(16).toString('base64') }, 'GUEST_CODE_KEY');
    assertRejects({ GUEST_CODE_KEY: 'ab'.repeat(31) }, 'GUEST_CODE_KEY');
    assertRejects({ GUEST_CODE_KEY: b64, GUEST_CODE_KEYS_PREVIOUS: `${b64},nope` }, 'GUEST_CODE_KEYS_PREVIOUS');
  });

  test('PostgreSQL without GUEST_CODE_KEY is refused: instances sharing a database need one key', () => {
    const error = assertRejects({ DATABASE_URL: 'postgres://db.internal/guests' }, 'GUEST_CODE_KEY');
    assert.match(error.message, /PostgreSQL/);
    assert.equal(
      loadConfig({ DATABASE_URL: 'sqlite::memory:' }).guestCodeKey.current,
      undefined,
      'SQLite needs no setting',
    );
  });
});
