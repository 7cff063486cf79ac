/**
 * When a call may be sent again after 429 or 503, and after how long (README, TypeScript client).
 * The service answers both with `Retry-After` (docs/conventions.md, Rate limits).
 */

/** Bounds of the automatic retry: how many attempts in all, and how long all waits may add up to. */
export interface RetryOptions {
  /** Attempts in all, the first included (1: never retry). Default 3. */
  maxAttempts?: number;
  /** The most all waits of one call may add up to, in milliseconds. Default 10 000. */
  maxWaitMs?: number;
  /** The wait when an answer names none (no or an unreadable `Retry-After`). Default 1 000. */
  defaultDelayMs?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { maxAttempts: 3, maxWaitMs: 10_000, defaultDelayMs: 1_000 };

/** The statuses that mean "the same request may succeed later". */
const RETRY_STATUSES = new Set([429, 503]);

/**
 * Whether an answer may be retried: only 429 and 503, and only when sending the request twice
 * cannot do the work twice: GET, HEAD, PUT and DELETE always, POST only with an `Idempotency-Key`
 * (the service then answers a repeat with the first answer).
 */
export function mayRetry(method: string, headers: Headers, status: number): boolean {
  if (!RETRY_STATUSES.has(status)) return false;
  if (['GET', 'HEAD', 'PUT', 'DELETE'].includes(method)) return true;
  return headers.has('idempotency-key');
}

/**
 * The wait `Retry-After` asks for, in milliseconds: delta-seconds or an HTTP date (RFC 9110
 * 10.2.3); undefined when absent or unreadable. A date in the past is no wait.
 */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
