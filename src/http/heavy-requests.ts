/**
 * Bounds on the work one token can cause, beyond its request limit: the requests that each cost
 * far more than a page (unpaginated lists, bulk creates) run at most `concurrencyPerToken` at once
 * per token in this instance, and unpaginated lists return at most `unpaginatedRowsPerMinute` rows
 * per token per minute, counted in the shared request-limit store (Redis when REDIS_URL is set).
 * Beyond either, 429 with Retry-After.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { RateLimitStore } from './rate-limit.js';

const MINUTE_MS = 60_000;

export interface HeavyRequestOptions {
  store: RateLimitStore;
  /** Heavy requests of one token at once in this instance; 0 = no bound. */
  concurrencyPerToken: number;
  /** Rows of unpaginated lists per token per minute; 0 = no bound. */
  unpaginatedRowsPerMinute: number;
}

export function createHeavyRequestGate({ store, concurrencyPerToken, unpaginatedRowsPerMinute }: HeavyRequestOptions) {
  const running = new Map<number, number>();
  const rowsKey = (tokenId: number) => `rows:${tokenId}`;
  return {
    /**
     * Takes one of the token's places for this request, or throws 429. The place is given back
     * when the answer has been sent, or the connection closed, whichever comes first.
     */
    enter(request: FastifyRequest, reply: FastifyReply): void {
      if (concurrencyPerToken === 0) return;
      const { tokenId } = request.principal;
      const now = running.get(tokenId) ?? 0;
      if (now >= concurrencyPerToken) {
        throw new AppError(
          'RATE_LIMIT_EXCEEDED',
          `Too many large requests at once for this token: at most ${concurrencyPerToken} unpaginated lists or bulk creates at a time. Retry when one has finished.`,
          {
            headers: { 'retry-after': '1' },
          },
        );
      }
      running.set(tokenId, now + 1);
      let given = false;
      const giveBack = () => {
        if (given) return;
        given = true;
        const left = (running.get(tokenId) ?? 1) - 1;
        if (left <= 0) running.delete(tokenId);
        else running.set(tokenId, left);
      };
      reply.raw.once('finish', giveBack);
      reply.raw.once('close', giveBack);
    },

    /** Throws 429 when the token has had its rows of unpaginated lists for this minute. */
    async checkRows(request: FastifyRequest): Promise<void> {
      if (unpaginatedRowsPerMinute === 0) return;
      const hit = await store.peek(rowsKey(request.principal.tokenId), MINUTE_MS);
      if (hit.count < unpaginatedRowsPerMinute) return;
      const seconds = Math.max(1, Math.ceil(hit.resetMs / 1000));
      throw new AppError(
        'RATE_LIMIT_EXCEEDED',
        `This token has listed ${hit.count} guests without pagination in the last minute; at most ${unpaginatedRowsPerMinute} a minute. Retry in ${seconds} seconds, or read pages.`,
        {
          headers: { 'retry-after': String(seconds) },
        },
      );
    },

    /** Counts `rows` sent in an unpaginated list against the token's minute. */
    async countRows(tokenId: number, rows: number): Promise<void> {
      if (unpaginatedRowsPerMinute === 0 || rows === 0) return;
      await store.add(rowsKey(tokenId), MINUTE_MS, rows);
    },
  };
}
