/**
 * Low-level DNS lookups for email domains: the mail-routing rule (MX, then implicit MX via
 * A/AAAA) and RFC 7505 (null MX). No policy here: `EmailDomainChecker` (dns-check.ts)
 * turns these outcomes into verdicts (modes, canary, cache).
 */
import { Resolver } from 'node:dns/promises';

/** What the DNS said about a mail domain. `error` = the resolver could not answer. */
export type DnsLookupOutcome =
  | { kind: 'mail' } // usable MX, or (no MX) an A/AAAA record
  | { kind: 'null-mx' } // only null MX records (exchange "" or ".")
  | { kind: 'no-mail-server' } // name exists, but no MX, A or AAAA (NODATA)
  | { kind: 'nxdomain' }
  | { kind: 'error'; code: string }; // ETIMEOUT, ECONNREFUSED, ESERVFAIL, EREFUSED, ...

/** `trusted`: canary has MX or A; `nxdomain`: NXDOMAIN/no data; `unreachable`: lookup failed. */
export type CanaryProbe = 'trusted' | 'nxdomain' | 'unreachable';

export interface MailDomainResolver {
  /** Never rejects. `asciiDomain` must already be in ASCII (A-label) form. */
  lookupMailDomain(asciiDomain: string): Promise<DnsLookupOutcome>;
  /** Never rejects. */
  probeCanary(asciiDomain: string): Promise<CanaryProbe>;
}

export interface MailDomainResolverOptions {
  /** e.g. `['127.0.0.1:5353']`; empty = system resolvers. */
  servers: string[];
  /** Budget of one query, all attempts together (see {@link createMailDomainResolver}). */
  timeoutMs: number;
  /** Attempts per query (c-ares `tries`). */
  tries: number;
}

type QueryResult<T> =
  { kind: 'records'; records: T[] } | { kind: 'nodata' } | { kind: 'nxdomain' } | { kind: 'error'; code: string };

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'UNKNOWN';
}

function isNullMx(exchange: string): boolean {
  return exchange === '' || exchange === '.';
}

/**
 * Creates a resolver (`node:dns` promises `Resolver`, so `/etc/hosts` is not consulted)
 * bound to the given servers.
 *
 * Timing: c-ares doubles the timeout on each retry, so the first attempt gets
 * `timeoutMs / (2^tries - 1)` and the attempts add up to `timeoutMs` (tries 2: 1/3 + 2/3).
 * Node checks c-ares timeouts on a timer whose period is the per-attempt timeout (at
 * most 1 s), and c-ares 1.34 waits at least ~250 ms per attempt, so a query can take up
 * to about `2 * timeoutMs`; a deadline of `2 * timeoutMs + 500` ms caps it (ETIMEOUT).
 *
 * @throws when a server address is invalid (from `Resolver#setServers`).
 */
export function createMailDomainResolver(options: MailDomainResolverOptions): MailDomainResolver {
  const { servers, timeoutMs, tries } = options;
  const perAttemptMs = Math.max(1, Math.floor(timeoutMs / (2 ** tries - 1)));
  const resolver = new Resolver({ timeout: perAttemptMs, tries });
  if (servers.length > 0) resolver.setServers(servers);
  const deadlineMs = 2 * timeoutMs + 500;

  async function query<T>(run: () => Promise<T[]>): Promise<QueryResult<T>> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<QueryResult<T>>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'error', code: 'ETIMEOUT' }), deadlineMs);
      timer.unref();
    });
    const answer = Promise.resolve()
      .then(run)
      .then(
        (records): QueryResult<T> => (records.length > 0 ? { kind: 'records', records } : { kind: 'nodata' }),
        (err: unknown): QueryResult<T> => {
          const code = errorCode(err);
          if (code === 'ENOTFOUND') return { kind: 'nxdomain' };
          if (code === 'ENODATA') return { kind: 'nodata' };
          return { kind: 'error', code };
        },
      );
    try {
      return await Promise.race([answer, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function lookupMailDomain(domain: string): Promise<DnsLookupOutcome> {
    try {
      const mx = await query(() => resolver.resolveMx(domain));
      if (mx.kind === 'records') {
        // A null MX must be the only MX of its domain; be lenient if a real one exists too.
        return { kind: mx.records.every((r) => isNullMx(r.exchange)) ? 'null-mx' : 'mail' };
      }
      if (mx.kind !== 'nodata') return mx;
      // No MX: the domain itself is the implicit MX (A, then AAAA; docs/guests.md, Fields, `email`).
      const a = await query(() => resolver.resolve4(domain));
      if (a.kind === 'records') return { kind: 'mail' };
      if (a.kind !== 'nodata') return a;
      const aaaa = await query(() => resolver.resolve6(domain));
      if (aaaa.kind === 'records') return { kind: 'mail' };
      if (aaaa.kind !== 'nodata') return aaaa;
      return { kind: 'no-mail-server' };
    } catch (err) {
      return { kind: 'error', code: errorCode(err) };
    }
  }

  async function probeCanary(domain: string): Promise<CanaryProbe> {
    try {
      const mx = await query(() => resolver.resolveMx(domain));
      if (mx.kind === 'records') return 'trusted';
      if (mx.kind === 'error') return 'unreachable';
      const a = await query(() => resolver.resolve4(domain));
      if (a.kind === 'records') return 'trusted';
      return a.kind === 'error' ? 'unreachable' : 'nxdomain';
    } catch {
      return 'unreachable';
    }
  }

  return { lookupMailDomain, probeCanary };
}
