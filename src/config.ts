/**
 * Configuration: environment variables -> one typed, validated object.
 *
 * Every variable is read here and nowhere else. A bad value stops the start with a message that
 * names the variable, so an operator never runs with a silently ignored setting.
 */
import net from 'node:net';
import path from 'node:path';
import type { DnsCheckConfig } from './email/dns-check.js';
import { toAsciiDomain } from './email/parse.js';
import { parseKey } from './core/secrets.js';

export interface Config {
  host: string;
  port: number;
  /** Where the embedded SQLite file lives when DATABASE_URL is not set. */
  dataDir: string;
  database:
    | {
        kind: 'sqlite';
        file: string;
        /** How long a statement waits for another connection's write lock (asynchronously). */ busyTimeoutMs?: number;
      }
    | {
        kind: 'postgres';
        url: string;
        poolSize: number;
        /** Send the fixed hot statements as named prepared statements (default true; see keepPostgresPlan). */
        namedStatements?: boolean;
      };
  /** Base of the guest links handed out in `link` (no trailing slash). */
  publicBaseUrl: string;
  /** Refuse bearer-token requests without an `X-Tallyfy-Client` header (any value passes). */
  requireClientHeader: boolean;
  /** Unknown body fields and query parameters: dropped and reported (`ignore`) or answered 422 (`reject`). */
  unknownFields: 'ignore' | 'reject';
  bodyLimitBytes: number;
  /** Files on tasks (docs/files.md): one file's largest size, a task's total and its number of files. */
  files: { maxBytes: number; taskMaxBytes: number; taskMaxCount: number };
  /** CSV imports of guests (docs/guests.md, Import guests): an HTTP import's largest CSV, and any import's most rows. */
  imports: { maxBytes: number; maxRows: number };
  logLevel: string;
  /** Requests per token per window; 0 turns the limit off. */
  rateLimit: { max: number; windowMs: number };
  /** Shared store for request limits across instances; in process when unset. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so deployments can share one Redis. */
  redisKeyPrefix: string;
  /** Fastify's trustProxy: false, true, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  /** Guests joined to one organization per hour; past it, 429. */
  inviteLimitPerHour: number;
  /** Create a demo organization, admin and token on a new, empty database. */
  seedDemo: boolean;
  dns: Required<Omit<DnsCheckConfig, 'tries' | 'cacheMaxEntries'>>;
  mail: {
    /** smtp:// or smtps:// URL of the relay; unset = write each message as an .eml file to `dir`. */
    smtpUrl: string | undefined;
    /** The From header of every message. */
    from: string;
    /** Where messages are written when no SMTP relay is configured. */
    dir: string;
  };
  outbox: {
    /** Whether this instance runs the worker that sends queued email. */
    worker: boolean;
    pollIntervalMs: number;
    /** Attempts before a message is given up (each after a growing backoff). */
    maxAttempts: number;
    /** Messages one worker sends at once (each pass claims this many). */
    concurrency: number;
  };
  /** Scheduled jobs such as digest emails (docs/notifications.md). */
  scheduler: {
    /** Whether this instance runs the scheduler. */
    enabled: boolean;
    intervalMs: number;
    /** How long a job run's claim lasts without progress before another instance may take it over. */
    leaseMs: number;
  };
  /** The local hour (0-23, in the guest's zone) from which a guest's digest goes out on their days. */
  digestHour: number;
  /** A MaxMind-format (.mmdb) city or country database for the guest page's country and city. */
  geoipDatabase: string | undefined;
  /** Days an invitation's accept link works; a resend starts the period again. */
  invitationExpiryDays: number;
  /** Deadline reminders (docs/notifications.md, Reminders). */
  reminders: {
    /** Hours before a task's deadline when its guest owners get the first reminder. */
    leadHours: number;
    /** Days after the deadline when reminders of an open task stop. */
    maxOverdueDays: number;
  };
  /** Access-link emails (`POST /public/guests/access`) per hour, per client IP and per address. */
  accessEmailLimits: { perIpPerHour: number; perEmailPerHour: number };
  /**
   * How long an instance reuses a token look-up's answer (src/auth/auth-cache.ts); 0 = every
   * request reads the database. Changes reach every instance at once; this bounds a lost message.
   */
  authCacheTtlMs: number;
  /**
   * Bytes of List guests pages an instance keeps to answer again while the organization's guests
   * are unchanged (src/guests/guest-list-cache.ts); 0 = every page is read from the database.
   */
  listCacheBytes: number;
  /**
   * Searches of List guests (`q`) an instance runs at once, 0 = no bound, and how long one waits
   * for its turn before the answer is 503 (src/core/slots.ts).
   */
  listSearches: { concurrency: number; waitMs: number };
  /** Unknown tokens and guest/invitation codes per client address per window; past it, 429. 0 = off. */
  authFailures: { limit: number; windowMs: number };
  /** Work one token may cause: unpaginated lists and bulk requests at once, rows of unpaginated lists per minute. 0 = off. */
  heavyRequests: { concurrencyPerToken: number; unpaginatedRowsPerMinute: number };
  /** Bulk create: the whole request's deadline and the DNS checks run at once. */
  bulk: { deadlineMs: number; dnsConcurrency: number };
  /** Connections and their timeouts (src/http/connection-guard.ts). */
  connections: {
    /** Time for a request's headers to arrive; past it, 408. */
    headersTimeoutMs: number;
    /** Time for a whole request (headers and body) to arrive; past it, 408. */
    requestTimeoutMs: number;
    /** How long an idle keep-alive connection stays open. */
    keepAliveTimeoutMs: number;
    /** Requests on one connection before it is closed after the answer; 0: no limit. */
    maxRequestsPerSocket: number;
    /** Open connections at most; unset: 10,000. Always kept below the process's open-file limit. */
    max: number | undefined;
    /** Open connections per client address; unset: half of the total; 0: no per-address cap. */
    maxPerAddress: number | undefined;
    /** An event loop stalled longer than this answers new requests 503; 0: off. */
    eventLoopStallMs: number;
  };
  /** Time requests in flight get at shutdown before their connections are cut. */
  shutdownGraceMs: number;
  /** The key guest codes are encrypted with at rest, and earlier keys still accepted for reading. */
  guestCodeKey: { current: Buffer | undefined; previous: Buffer[] };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase() as T;
  if (!allowed.includes(lower)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return lower;
}

/** True for what node:dns `setServers` takes: ip, ipv4:port, [ip] or [ip]:port, with a port 1-65535. */
function isDnsServerAddress(server: string): boolean {
  // Port 0 aborts the process inside c-ares and ports above 65535 silently wrap, so both are refused here.
  const portOk = (port: string | undefined) =>
    port === undefined || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535);
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (bracketed) return net.isIP(bracketed[1] ?? '') !== 0 && portOk(bracketed[2]);
  if (net.isIP(server) !== 0) return true;
  const withPort = /^([^:]+):(\d+)$/.exec(server);
  return withPort !== null && net.isIPv4(withPort[1] ?? '') && portOk(withPort[2]);
}

function dnsServers(env: Env): string[] {
  const raw = read(env, 'DNS_SERVERS');
  if (raw === undefined) return [];
  const servers = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const server of servers) {
    if (!isDnsServerAddress(server)) {
      throw new ConfigError(
        'DNS_SERVERS',
        `must be a comma-separated list of IP addresses (ip, ip:port or [ipv6]:port; port 1-65535), got "${server}"`,
      );
    }
  }
  return servers;
}

function redisUrl(env: Env): string | undefined {
  const raw = read(env, 'REDIS_URL');
  if (raw === undefined) return undefined;
  if (!/^rediss?:\/\//.test(raw))
    throw new ConfigError('REDIS_URL', `must start with redis:// or rediss://, got "${raw}"`);
  try {
    new URL(raw);
  } catch {
    throw new ConfigError('REDIS_URL', 'is not a valid redis:// URL');
  }
  return raw;
}

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = read(env, 'TRUST_PROXY');
  if (raw === undefined || ['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = net.isIP(address ?? '');
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (family === 0 || !bitsOk || extra !== undefined) {
      throw new ConfigError(
        'TRUST_PROXY',
        `must be true, false, a hop count or a comma-separated list of IP addresses/CIDRs, got "${entry}"`,
      );
    }
  }
  return entries;
}

function canaryDomain(env: Env): string {
  const raw = read(env, 'DNS_CANARY_DOMAIN');
  if (raw === undefined) return 'gmail.com';
  if (toAsciiDomain(raw) === null) throw new ConfigError('DNS_CANARY_DOMAIN', `must be a domain name, got "${raw}"`);
  return raw;
}

function database(env: Env, dataDir: string, poolSize: number): Config['database'] {
  const url = read(env, 'DATABASE_URL');
  // Only when set: unset, openDatabase applies its default (SQLITE_BUSY_TIMEOUT_MS, 5000).
  const busy =
    read(env, 'SQLITE_BUSY_TIMEOUT_MS') === undefined
      ? {}
      : { busyTimeoutMs: int(env, 'SQLITE_BUSY_TIMEOUT_MS', 5000, 0, 600_000) };
  if (url === undefined) return { kind: 'sqlite', file: path.join(dataDir, 'guests.sqlite'), ...busy };
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url, poolSize, namedStatements: bool(env, 'DATABASE_NAMED_STATEMENTS', true) };
  }
  const sqlite = /^sqlite:(.+)$/.exec(url);
  if (sqlite?.[1]) {
    const file = sqlite[1].replace(/^\/\/(?=\/)/, '');
    return { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file), ...busy };
  }
  throw new ConfigError('DATABASE_URL', 'must start with postgres://, postgresql:// or sqlite:');
}

function baseUrl(env: Env, host: string, port: number): string {
  const raw = read(env, 'PUBLIC_BASE_URL');
  if (raw === undefined) return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PUBLIC_BASE_URL', `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_BASE_URL', `must be an absolute http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function smtpUrl(env: Env): string | undefined {
  const raw = read(env, 'SMTP_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SMTP_URL', 'is not a valid smtp:// or smtps:// URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
  return raw;
}

function mailFrom(env: Env): string {
  const raw = read(env, 'MAIL_FROM');
  if (raw === undefined) return 'Guest access <no-reply@localhost>';
  // A display name with an address in angle brackets, or a bare address; no header injection.
  if (/[\r\n]/.test(raw) || !/^(?:[^<>@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(raw)) {
    throw new ConfigError('MAIL_FROM', `must be an address or "Name <address>", got "${raw}"`);
  }
  return raw;
}

function optionalInt(env: Env, name: string, min: number, max: number): number | undefined {
  return read(env, name) === undefined ? undefined : int(env, name, 0, min, max);
}

function connections(env: Env): Config['connections'] {
  const headersTimeoutMs = int(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  const requestTimeoutMs = int(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  // Node refuses a headers timeout longer than the whole request's.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'HEADERS_TIMEOUT_MS',
      `must not be longer than REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got ${headersTimeoutMs}`,
    );
  }
  const eventLoopStallMs = int(env, 'EVENT_LOOP_STALL_MS', 1000, 0, 600_000);
  if (eventLoopStallMs > 0 && eventLoopStallMs < 50)
    throw new ConfigError('EVENT_LOOP_STALL_MS', `must be 0 (off) or at least 50, got ${eventLoopStallMs}`);
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
    maxRequestsPerSocket: int(env, 'MAX_REQUESTS_PER_SOCKET', 1000, 0, 10_000_000),
    max: optionalInt(env, 'MAX_CONNECTIONS', 16, 10_000_000),
    maxPerAddress: optionalInt(env, 'MAX_CONNECTIONS_PER_ADDRESS', 0, 10_000_000),
    eventLoopStallMs,
  };
}

const KEY_FORMAT = 'must be 32 bytes written as base64 or hex (e.g. `openssl rand -base64 32`)';

function guestCodeKey(env: Env, database: Config['database']): Config['guestCodeKey'] {
  const raw = read(env, 'GUEST_CODE_KEY');
  const current = raw === undefined ? undefined : parseKey(raw);
  if (raw !== undefined && !current) throw new ConfigError('GUEST_CODE_KEY', KEY_FORMAT);
  // Instances sharing a PostgreSQL database must share the key; none can make one up by itself.
  if (!current && database.kind === 'postgres') {
    throw new ConfigError(
      'GUEST_CODE_KEY',
      `must be set with a PostgreSQL DATABASE_URL (every instance needs the same key); it ${KEY_FORMAT}`,
    );
  }
  const previous = (read(env, 'GUEST_CODE_KEYS_PREVIOUS') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text, i) => {
      const key = parseKey(text);
      if (!key) throw new ConfigError('GUEST_CODE_KEYS_PREVIOUS', `entry ${i + 1} ${KEY_FORMAT}`);
      return key;
    });
  return { current, previous };
}

const MIB = 1024 * 1024;

/** Files on tasks (docs/files.md, Upload file): a task's total must hold at least one largest file. */
function fileLimits(env: Env): Config['files'] {
  const maxBytes = int(env, 'FILE_MAX_BYTES', 200 * MIB, 1024, 10 * 1024 * MIB);
  const taskMaxBytes = int(env, 'TASK_FILES_MAX_BYTES', 1024 * MIB, 1024, 1024 * 1024 * MIB);
  if (taskMaxBytes < maxBytes)
    throw new ConfigError(
      'TASK_FILES_MAX_BYTES',
      `must not be smaller than FILE_MAX_BYTES (${maxBytes}), got ${taskMaxBytes}`,
    );
  return { maxBytes, taskMaxBytes, taskMaxCount: int(env, 'TASK_FILES_MAX_COUNT', 100, 1, 100_000) };
}

/**
 * The default of SEARCH_CONCURRENCY. On PostgreSQL a search holds one connection for its count and
 * one for its page: a quarter of the pool's searches at once leave at least half of it to every
 * other request. On SQLite a search holds the process while it reads: one at a time, with the
 * requests that arrived meanwhile served in between.
 */
function searchesAtOnce(db: Config['database']): number {
  return db.kind === 'sqlite' ? 1 : Math.max(1, Math.floor(db.poolSize / 4));
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const port = int(env, 'PORT', 3000, 0, 65535);
  const dataDir = path.resolve(read(env, 'DATA_DIR') ?? 'data');
  const poolSize = int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000);
  const db = database(env, dataDir, poolSize);
  return {
    host,
    port,
    dataDir,
    database: db,
    publicBaseUrl: baseUrl(env, host, port),
    requireClientHeader: bool(env, 'REQUIRE_CLIENT_HEADER', false),
    unknownFields: oneOf(env, 'UNKNOWN_FIELDS', ['ignore', 'reject'] as const, 'ignore'),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    files: fileLimits(env),
    imports: {
      maxBytes: int(env, 'IMPORT_MAX_BYTES', 50 * MIB, 1024, 10 * 1024 * MIB),
      maxRows: int(env, 'IMPORT_MAX_ROWS', 1_000_000, 1, 100_000_000),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    rateLimit: {
      max: int(env, 'RATE_LIMIT_MAX', 600, 0, 10_000_000),
      windowMs: int(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86400) * 1000,
    },
    redisUrl: redisUrl(env),
    redisKeyPrefix: read(env, 'REDIS_KEY_PREFIX') ?? 'guests:',
    trustProxy: trustProxy(env),
    inviteLimitPerHour: int(env, 'GUEST_INVITE_LIMIT_PER_HOUR', 30, 0, 10_000_000),
    seedDemo: bool(env, 'SEED_DEMO', true),
    dns: {
      mode: oneOf(env, 'EMAIL_DNS_CHECK', ['on', 'off', 'strict'] as const, 'on'),
      servers: dnsServers(env),
      timeoutMs: int(env, 'DNS_TIMEOUT_MS', 2000, 50, 60_000),
      cacheTtlMs: int(env, 'DNS_CACHE_TTL_SECONDS', 3600, 0, 7 * 86400) * 1000,
      canaryDomain: canaryDomain(env),
      canaryIntervalMs: int(env, 'DNS_CANARY_INTERVAL_SECONDS', 300, 5, 86400) * 1000,
    },
    mail: {
      smtpUrl: smtpUrl(env),
      from: mailFrom(env),
      dir: path.resolve(read(env, 'MAIL_DIR') ?? path.join(dataDir, 'mail')),
    },
    outbox: {
      worker: bool(env, 'OUTBOX_WORKER', true),
      pollIntervalMs: int(env, 'OUTBOX_POLL_INTERVAL_MS', 1000, 20, 600_000),
      maxAttempts: int(env, 'OUTBOX_MAX_ATTEMPTS', 15, 1, 1000),
      concurrency: int(env, 'OUTBOX_CONCURRENCY', 8, 1, 100),
    },
    scheduler: {
      enabled: bool(env, 'SCHEDULER', true),
      intervalMs: int(env, 'SCHEDULER_INTERVAL_MS', 60_000, 20, 3_600_000),
      leaseMs: int(env, 'NOTIFICATIONS_LEASE_MS', 300_000, 1000, 86_400_000),
    },
    digestHour: int(env, 'DIGEST_HOUR', 8, 0, 23),
    geoipDatabase:
      read(env, 'GEOIP_DATABASE') === undefined ? undefined : path.resolve(read(env, 'GEOIP_DATABASE') as string),
    invitationExpiryDays: int(env, 'INVITATION_EXPIRY_DAYS', 7, 1, 365),
    reminders: {
      leadHours: int(env, 'REMINDER_LEAD_HOURS', 24, 1, 720),
      maxOverdueDays: int(env, 'REMINDER_MAX_OVERDUE_DAYS', 7, 0, 365),
    },
    accessEmailLimits: {
      perIpPerHour: int(env, 'ACCESS_EMAIL_LIMIT_PER_IP', 20, 0, 10_000_000),
      perEmailPerHour: int(env, 'ACCESS_EMAIL_LIMIT_PER_EMAIL', 3, 0, 10_000_000),
    },
    authCacheTtlMs: int(env, 'AUTH_CACHE_TTL_MS', 5000, 0, 60_000),
    listCacheBytes: int(env, 'LIST_CACHE_MB', 16, 0, 4096) * 1024 * 1024,
    listSearches: {
      concurrency: int(env, 'SEARCH_CONCURRENCY', searchesAtOnce(db), 0, 1000),
      waitMs: int(env, 'SEARCH_WAIT_MS', 30_000, 0, 600_000),
    },
    authFailures: {
      limit: int(env, 'AUTH_FAILURE_LIMIT', 60, 0, 10_000_000),
      windowMs: int(env, 'AUTH_FAILURE_WINDOW_SECONDS', 60, 1, 86400) * 1000,
    },
    heavyRequests: {
      concurrencyPerToken: int(env, 'HEAVY_REQUESTS_PER_TOKEN', 2, 0, 1000),
      unpaginatedRowsPerMinute: int(env, 'UNPAGINATED_ROWS_PER_MINUTE', 100_000, 0, 1_000_000_000),
    },
    bulk: {
      deadlineMs: int(env, 'BULK_DEADLINE_SECONDS', 30, 1, 3600) * 1000,
      dnsConcurrency: int(env, 'BULK_DNS_CONCURRENCY', 8, 1, 256),
    },
    connections: connections(env),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 3_600_000),
    guestCodeKey: guestCodeKey(env, db),
  };
}
