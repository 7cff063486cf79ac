/**
 * DNS checks for email domains: the policy (modes `off` / `on` / `strict`, the NXDOMAIN
 * canary, the verdict cache) on top of the lookups in `dns-lookup.ts`.
 */
import { createMailDomainResolver, type MailDomainResolver } from './dns-lookup.js';
import { INVALID_EMAIL_MESSAGE, toAsciiDomain } from './parse.js';

export type DnsCheckMode = 'off' | 'on' | 'strict';

export interface DnsCheckConfig {
  mode: DnsCheckMode;
  /** Resolver addresses such as `'127.0.0.1:5353'`; empty = the system resolvers. */
  servers: string[];
  /**
   * Budget of one DNS query, shared by its `tries` attempts (c-ares doubles the timeout on
   * each retry). Node's timeout granularity and c-ares' ~250 ms minimum per attempt mean a
   * query can take up to about 2× this; it is cut off at `2 * timeoutMs + 500` ms.
   */
  timeoutMs: number;
  /** How long definitive verdicts are cached; 0 disables the cache. */
  cacheTtlMs: number;
  /** Must resolve for NXDOMAIN answers to be trusted; `''` disables the canary. */
  canaryDomain: string;
  /** How often the canary is re-checked. */
  canaryIntervalMs: number;
  /** Attempts per query (c-ares `tries`, 1–5); default 2, so one lost UDP packet is not fatal. */
  tries?: number;
  /** Maximum number of cached verdicts (oldest dropped first); default {@link DNS_CACHE_MAX_ENTRIES}. */
  cacheMaxEntries?: number;
}

export interface DnsLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export type DomainVerdict = { ok: true; unverified?: boolean } | { ok: false; message: string };

export const DNS_MESSAGES = {
  nullMx: 'The email domain does not accept email.',
  noMailServer: 'The email domain has no mail server.',
  notFound: 'The email domain does not exist.',
  unverifiable: 'The email domain could not be verified.',
} as const;

/** Default maximum number of cached verdicts; the oldest entry is dropped first. */
export const DNS_CACHE_MAX_ENTRIES = 10_000;
/** Cache lifetime (upper bound) of unverified / could-not-be-verified verdicts. */
export const UNVERIFIED_CACHE_TTL_MS = 5_000;
/** Minimum age before an untrusted canary is re-probed on demand. */
const CANARY_RETRY_MS = 5_000;

type CanaryState = 'trusted' | 'nxdomain' | 'unreachable';
type Evaluation = { verdict: DomainVerdict; ttlMs: number };

/**
 * Checks that an email domain can receive mail, with a verdict cache.
 *
 * Mode `off` answers `{ ok: true }` without any query. Modes `on` and `strict`:
 * 1. MX records → ok, unless every MX is a null MX (exchange `""` or `"."`, RFC 7505)
 *    → "does not accept email".
 * 2. No MX (NODATA) → A, then AAAA (implicit MX; docs/guests.md, Fields, `email`): any address → ok;
 *    none → "has no mail server".
 * 3. NXDOMAIN → "does not exist".
 * 4. The resolver cannot answer (ETIMEOUT, ECONNREFUSED, ESERVFAIL, EREFUSED, any other
 *    error): mode `on` → `{ ok: true, unverified: true }` + warning; mode `strict` →
 *    "could not be verified".
 *
 * Negative answers (NXDOMAIN, "has no mail server") are trusted only while the canary
 * domain resolves: some closed networks answer NXDOMAIN for every name. When the canary
 * is NXDOMAIN/no data, or its lookup fails (resolver unreachable), a negative answer is
 * handled like rule 4: accepted unverified in mode `on`, rejected as "could not be
 * verified" in mode `strict` (fail closed). Positive answers (MX/A/AAAA, null MX) are
 * always trusted. Warnings for unverifiable verdicts are logged at most once per canary
 * period per cause (resolver error, canary NXDOMAIN, canary unreachable).
 *
 * {@link start} checks the canary and re-checks it every `canaryIntervalMs`; without
 * `start()` it is checked lazily when a negative answer first needs it. An untrusted
 * canary is re-probed on demand at most every 5 s.
 *
 * Definitive verdicts are cached for `cacheTtlMs`; unverified / could-not-be-verified
 * ones for at most 5 s. Up to `cacheMaxEntries` (10,000) domains are cached, oldest dropped first.
 * Concurrent checks of one domain share one lookup. `checkDomain` never throws or rejects.
 */
export class EmailDomainChecker {
  readonly #config: Required<DnsCheckConfig>;
  readonly #logger: DnsLogger;
  readonly #dns: MailDomainResolver;
  readonly #canary: string | null;
  readonly #cache = new Map<string, { verdict: DomainVerdict; expiresAt: number }>();
  readonly #inflight = new Map<string, Promise<DomainVerdict>>();
  readonly #lastWarnAt = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #canaryState: CanaryState | undefined;
  #canaryCheckedAt = 0;
  #canaryInflight: Promise<void> | undefined;

  /** @throws TypeError (or a `setServers` error) when the configuration is invalid. */
  constructor(config: DnsCheckConfig, logger: DnsLogger) {
    const { mode, timeoutMs, cacheTtlMs, canaryIntervalMs, servers, canaryDomain } = config;
    const tries = config.tries ?? 2;
    const cacheMaxEntries = config.cacheMaxEntries ?? DNS_CACHE_MAX_ENTRIES;
    if (!['off', 'on', 'strict'].includes(mode)) throw new TypeError(`Invalid DNS check mode: ${String(mode)}`);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs must be a positive integer');
    if (!Number.isInteger(tries) || tries < 1 || tries > 5) throw new TypeError('tries must be an integer from 1 to 5');
    if (!(cacheTtlMs >= 0)) throw new TypeError('cacheTtlMs must be >= 0');
    if (!(canaryIntervalMs > 0)) throw new TypeError('canaryIntervalMs must be > 0');
    if (!Number.isInteger(cacheMaxEntries) || cacheMaxEntries < 1) throw new TypeError('cacheMaxEntries must be >= 1');
    if (!Array.isArray(servers)) throw new TypeError('servers must be an array');
    this.#canary = canaryDomain === '' ? null : toAsciiDomain(canaryDomain);
    if (canaryDomain !== '' && this.#canary === null) throw new TypeError(`Invalid canary domain: ${canaryDomain}`);

    this.#config = { ...config, servers: [...servers], tries, cacheMaxEntries };
    this.#logger = logger;
    this.#dns = createMailDomainResolver({ servers, timeoutMs, tries });
  }

  /** Checks the canary once, then every `canaryIntervalMs` (unref'd timer). Never rejects. */
  async start(): Promise<void> {
    if (this.#config.mode === 'off' || this.#canary === null || this.#timer) return;
    this.#timer = setInterval(() => void this.#refreshCanary(), this.#config.canaryIntervalMs);
    this.#timer.unref();
    await this.#refreshCanary();
  }

  /** Stops the canary timer. In-flight checks still complete. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Checks a domain (Unicode or ASCII form). Never throws or rejects. */
  async checkDomain(domain: string): Promise<DomainVerdict> {
    try {
      if (this.#config.mode === 'off') return { ok: true };
      const ascii = toAsciiDomain(domain);
      if (ascii === null) return { ok: false, message: INVALID_EMAIL_MESSAGE };

      const cached = this.#cacheGet(ascii);
      if (cached) return { ...cached };
      let pending = this.#inflight.get(ascii);
      if (!pending) {
        pending = this.#evaluate(ascii)
          .catch(() => this.#unverifiable(ascii, 'internal', {}))
          .then(({ verdict, ttlMs }) => {
            this.#cacheSet(ascii, verdict, ttlMs);
            return verdict;
          })
          .finally(() => this.#inflight.delete(ascii));
        this.#inflight.set(ascii, pending);
      }
      return { ...(await pending) };
    } catch {
      return this.#config.mode === 'strict'
        ? { ok: false, message: DNS_MESSAGES.unverifiable }
        : { ok: true, unverified: true };
    }
  }

  async #evaluate(ascii: string): Promise<Evaluation> {
    const ttlMs = this.#config.cacheTtlMs;
    const outcome = await this.#dns.lookupMailDomain(ascii);
    switch (outcome.kind) {
      case 'mail':
        return { verdict: { ok: true }, ttlMs };
      case 'null-mx':
        return { verdict: { ok: false, message: DNS_MESSAGES.nullMx }, ttlMs };
      case 'error':
        return this.#unverifiable(ascii, 'resolver', { code: outcome.code });
      case 'nxdomain':
      case 'no-mail-server': {
        const canary = await this.#canaryTrust();
        if (canary === 'trusted') {
          const message = outcome.kind === 'nxdomain' ? DNS_MESSAGES.notFound : DNS_MESSAGES.noMailServer;
          return { verdict: { ok: false, message }, ttlMs };
        }
        return this.#unverifiable(ascii, `canary-${canary}`, { answer: outcome.kind, canaryDomain: this.#canary });
      }
    }
  }

  #unverifiable(domain: string, reason: string, details: object): Evaluation {
    const { mode, canaryIntervalMs, cacheTtlMs } = this.#config;
    const now = Date.now();
    const last = this.#lastWarnAt.get(reason);
    if (last === undefined || now - last >= canaryIntervalMs) {
      this.#lastWarnAt.set(reason, now);
      const what = reason.startsWith('canary-')
        ? 'DNS canary does not resolve, so NXDOMAIN/no-record answers are not trusted'
        : 'DNS resolver could not answer for an email domain';
      this.#logger.warn(
        { domain, reason, mode, ...details },
        `${what}; ${mode === 'strict' ? 'rejecting' : 'accepting unverified'}`,
      );
    }
    const verdict: DomainVerdict =
      mode === 'strict' ? { ok: false, message: DNS_MESSAGES.unverifiable } : { ok: true, unverified: true };
    return { verdict, ttlMs: Math.min(UNVERIFIED_CACHE_TTL_MS, cacheTtlMs) };
  }

  async #canaryTrust(): Promise<CanaryState> {
    if (this.#canary === null) return 'trusted';
    const { canaryIntervalMs } = this.#config;
    const maxAge = this.#canaryState === 'trusted' ? canaryIntervalMs : Math.min(CANARY_RETRY_MS, canaryIntervalMs);
    if (this.#canaryState === undefined || Date.now() - this.#canaryCheckedAt >= maxAge) {
      await this.#refreshCanary();
    }
    return this.#canaryState ?? 'unreachable';
  }

  /** Never rejects; concurrent calls share one probe. */
  #refreshCanary(): Promise<void> {
    const canary = this.#canary;
    if (canary === null) return Promise.resolve();
    this.#canaryInflight ??= this.#dns
      .probeCanary(canary)
      .catch((): CanaryState => 'unreachable')
      .then((state) => this.#setCanaryState(state))
      .catch(() => undefined)
      .finally(() => {
        this.#canaryInflight = undefined;
      });
    return this.#canaryInflight;
  }

  #setCanaryState(state: CanaryState): void {
    const previous = this.#canaryState;
    this.#canaryState = state;
    this.#canaryCheckedAt = Date.now();
    if (state === previous) return;
    const obj = { canaryDomain: this.#canary, state, previous: previous ?? null };
    if (state === 'trusted') this.#logger.info(obj, 'DNS canary resolves; NXDOMAIN answers are trusted');
    else if (state === 'nxdomain')
      this.#logger.warn(obj, 'DNS canary domain answers NXDOMAIN/no data; NXDOMAIN answers are not trusted');
    else this.#logger.warn(obj, 'DNS canary lookup failed (resolver unreachable); NXDOMAIN answers are not trusted');
  }

  #cacheGet(key: string): DomainVerdict | undefined {
    const entry = this.#cache.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.verdict;
    this.#cache.delete(key);
    return undefined;
  }

  #cacheSet(key: string, verdict: DomainVerdict, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.#cache.delete(key);
    this.#cache.set(key, { verdict, expiresAt: Date.now() + ttlMs });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= this.#config.cacheMaxEntries) break;
      this.#cache.delete(oldest);
    }
  }
}
