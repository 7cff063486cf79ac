/**
 * Throttling before authentication: a client address that keeps presenting credentials that open
 * nothing (unknown bearer tokens, unknown guest or invitation codes) is answered 429 before the
 * service looks the next one up, so guessing costs the database nothing once over the limit.
 *
 * Failures are counted per client address (an IPv6 address by its /64, like the access-email
 * limit) in the shared request-limit store: in Redis when REDIS_URL is set, so every instance
 * counts against the same window. A request is refused once its address has failed `limit`
 * times in the current window; successful requests are never counted.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { throttleSubjectOfIp } from '../core/client-address.js';
import { AppError } from '../core/errors.js';
import type { RateLimitStore } from './rate-limit.js';

export interface FailureThrottleOptions {
  store: RateLimitStore;
  /** Failures per address per window; 0 turns the throttle off. */
  limit: number;
  windowMs: number;
}

export interface FailureThrottle {
  /** Throws 429 (with Retry-After) when the request's address is over the limit. */
  check(request: FastifyRequest): Promise<void>;
  /** Counts one failure of the request's address. */
  fail(request: FastifyRequest): Promise<void>;
}

export function createFailureThrottle({ store, limit, windowMs }: FailureThrottleOptions): FailureThrottle {
  const keyOf = (request: FastifyRequest) => `authfail:${throttleSubjectOfIp(request.ip)}`;
  return {
    async check(request) {
      if (limit === 0) return;
      const hit = await store.peek(keyOf(request), windowMs);
      if (hit.count < limit) return;
      const seconds = Math.max(1, Math.ceil(hit.resetMs / 1000));
      throw new AppError(
        'RATE_LIMIT_EXCEEDED',
        `Too many failed attempts from this address: at most ${limit} every ${Math.round(windowMs / 1000)} seconds with an unknown token or code. Retry in ${seconds} seconds.`,
        {
          headers: { 'retry-after': String(seconds) },
        },
      );
    },
    async fail(request) {
      if (limit === 0) return;
      await store.hit(keyOf(request), windowMs);
    },
  };
}

/**
 * For routes whose path holds the credential (a guest or invitation code): the check before
 * anything runs, and every 404 of a code that was looked up (`lookedUp`: well-formed; a
 * malformed one is answered without a query) counted as a failure.
 */
export function registerCodeThrottle(
  app: FastifyInstance,
  throttle: FailureThrottle,
  lookedUp: (request: FastifyRequest) => boolean,
): void {
  app.addHook('onRequest', async (request) => throttle.check(request));
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode === 404 && lookedUp(request)) await throttle.fail(request).catch(() => undefined);
  });
}
