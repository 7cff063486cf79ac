/**
 * Many creates item by item (Bulk create guests and imports, docs/guests.md, when a batch's shared
 * transaction failed; see batch.service.ts). Each item is checked and created exactly as a single
 * create (Create guest) would be, in its own transaction, so one bad item never blocks or undoes
 * another, and a failed item leaves nothing behind. Also the outcomes and the DNS checks that
 * batches share.
 */
import type { FastifyBaseLogger } from 'fastify';
import { AppError, problemBody, validationFailed, type ProblemBody } from '../../core/errors.js';
import { toAppError } from '../../core/to-app-error.js';
import { CreateGuestBody, type Guest } from '../guest.schemas.js';
import { normalizeEmail } from '../../email/parse.js';
import type { GuestService } from '../guest.service.js';
import type { DomainVerdict, EmailDomainChecker } from '../../email/dns-check.js';
import { parseEmailAddress } from '../../email/parse.js';
import {
  NO_FIELD_ERRORS,
  collectFieldErrors,
  compileBodyValidator,
  fieldErrorsFromAjv,
  unsafeTextErrors,
  type ReadonlyFieldErrors,
  type UncheckedFields,
} from '../../core/validation.js';
import type { Actor } from '../../core/actor.js';

/** One item's outcome: 201 joined, 200 already a guest, or the error a single create would answer. */
export interface BulkItemOutcome {
  index: number;
  status: number;
  data?: Guest;
  error?: ProblemBody;
}

export interface BulkResult {
  data: BulkItemOutcome[];
  meta: { total: number; created: number; existing: number; failed: number };
  /** When items were refused by the invite cap: the seconds until it lets guests through again. */
  retryAfterSeconds?: number;
}

export interface GuestBulkDeps {
  guests: Pick<GuestService, 'create'>;
  emailChecker: Pick<EmailDomainChecker, 'checkDomain'>;
  publicBaseUrl: string;
  log: FastifyBaseLogger;
  /** Items created at once; 1 = strictly one after another. */
  concurrency: number;
  /** The whole request's time: an item whose email domain is not checked by then fails alone. */
  deadlineMs: number;
  /** Email domains checked in the DNS at once. */
  dnsConcurrency: number;
}

/** Seconds a client is told to wait before sending again the items the deadline cut off. */
const DEADLINE_RETRY_SECONDS = 5;

function pastDeadline(deadlineMs: number): AppError {
  return new AppError(
    'SERVICE_UNAVAILABLE',
    `The request's time (${Math.round(deadlineMs / 1000)} s) ran out before this item's email domain could be checked; nothing was written for it. Send it again.`,
    {
      headers: { 'retry-after': String(DEADLINE_RETRY_SECONDS) },
    },
  );
}

/**
 * The DNS checks of a bulk request: every distinct email domain, `concurrency` at a time, started
 * at once (ahead of the creates, which wait only for their own domain). A domain not answered by
 * the deadline rejects with `pastDeadline` for each item that needs it.
 */
export function prefetchDomains(
  items: readonly unknown[],
  checker: GuestBulkDeps['emailChecker'],
  concurrency: number,
  deadlineMs: number,
) {
  const deadline = Date.now() + deadlineMs;
  const domains = new Map<string, { promise: Promise<DomainVerdict>; resolve(v: DomainVerdict): void }>();
  for (const item of items) {
    const email = (item as { email?: unknown } | null)?.email;
    if (typeof email !== 'string') continue;
    const parsed = parseEmailAddress(email);
    if (!parsed.ok || domains.has(parsed.domain)) continue;
    let resolve!: (v: DomainVerdict) => void;
    const promise = new Promise<DomainVerdict>((r) => (resolve = r));
    domains.set(parsed.domain, { promise, resolve });
  }
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(pastDeadline(deadlineMs)), deadlineMs);
  });
  expired.catch(() => undefined);
  const queue = [...domains.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined && Date.now() < deadline; next = queue.shift()) {
      next[1].resolve(await checker.checkDomain(next[0]));
    }
  };
  void Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return {
    checker: {
      checkDomain(domain: string): Promise<DomainVerdict> {
        const known = domains.get(domain);
        return known ? Promise.race([known.promise, expired]) : Promise.race([checker.checkDomain(domain), expired]);
      },
    },
    done: () => clearTimeout(timer),
  };
}

/**
 * Items split into `lanes`, each kept in request order; every repeat of an email lands in the
 * lane of its first occurrence, so it is answered after it (the idempotent 200).
 */
function lanesOf(items: readonly unknown[], lanes: number): Array<Array<[number, unknown]>> {
  const out: Array<Array<[number, unknown]>> = Array.from({ length: Math.max(1, lanes) }, () => []);
  items.forEach((item, index) => {
    const email = (item as { email?: unknown } | null)?.email;
    const key = typeof email === 'string' ? normalizeEmail(email) : String(index);
    let hash = 0;
    for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
    out[hash % out.length]?.push([index, item]);
  });
  return out;
}

// The same validator (formats, messages) as the single create's body, so an item's errors
// read exactly like Create guest's, keyed by field.
const validateItem = compileBodyValidator(CreateGuestBody);

/**
 * An item as a single create's body, with its failures of that body's schema and of the
 * service-wide text check: the create answers them with its own, as a single create does.
 */
export function itemToCheck(item: unknown): {
  fields: UncheckedFields<CreateGuestBody>;
  failures: ReadonlyFieldErrors;
} {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw validationFailed({ body: ['Each item must be a JSON object with the fields of a single create.'] });
  }
  const errors = validateItem(item) ? NO_FIELD_ERRORS : fieldErrorsFromAjv(validateItem.errors ?? [], 'body');
  // The service-wide check for control characters and broken Unicode, for this item alone.
  return { fields: item, failures: collectFieldErrors(errors, unsafeTextErrors(item)).errors };
}

/** An item's failure as its outcome (the problem a single create would answer); its Retry-After, if any, into `retryAfter`. */
export function failedItem(
  deps: Pick<GuestBulkDeps, 'log' | 'publicBaseUrl'>,
  index: number,
  error: unknown,
  retryAfter: number[],
): BulkItemOutcome {
  const failure = toAppError(error);
  if (failure.code === 'INTERNAL' && failure !== error)
    deps.log.error({ err: error }, 'bulk guest create: unexpected error in one item');
  const seconds = Number(failure.options.headers?.['retry-after']);
  if (Number.isFinite(seconds) && seconds > 0) retryAfter.push(seconds);
  return { index, status: failure.status, error: problemBody(deps.publicBaseUrl, failure) };
}

/** The answer's counts, in request order whatever order the items finished in. */
export function bulkResult(data: BulkItemOutcome[], retryAfter: number[]): BulkResult {
  const count = (test: (o: BulkItemOutcome) => boolean) => data.filter(test).length;
  return {
    data,
    meta: {
      total: data.length,
      created: count((o) => o.status === 201),
      existing: count((o) => o.status === 200),
      failed: count((o) => o.error !== undefined),
    },
    ...(retryAfter.length > 0 && { retryAfterSeconds: Math.max(...retryAfter) }),
  };
}

export function createGuestBulk(deps: GuestBulkDeps) {
  async function one(
    actor: Actor,
    item: unknown,
    index: number,
    retryAfter: number[],
    dns: ReturnType<typeof prefetchDomains>,
  ): Promise<BulkItemOutcome> {
    try {
      const { fields, failures } = itemToCheck(item);
      const result = await deps.guests.create(actor, fields, failures, dns.checker);
      return { index, status: result.created ? 201 : 200, data: result.guest };
    } catch (error) {
      return failedItem(deps, index, error, retryAfter);
    }
  }

  return {
    /**
     * Creates every item, `concurrency` at a time (each lane in request order), while the email
     * domains are checked `dnsConcurrency` at a time ahead of them. Past `deadlineMs` an item
     * still waiting for its domain fails alone with 503 and Retry-After; items created already
     * stay created. The deadline bounds the waits on the DNS, which have no bound of their own;
     * the database work of items whose domain was checked goes on (at most 1,000 items). The
     * answer is in request order whatever order the items finished in.
     */
    async createAll(actor: Actor, items: readonly unknown[]): Promise<BulkResult> {
      const data: BulkItemOutcome[] = new Array<BulkItemOutcome>(items.length);
      const retryAfter: number[] = [];
      const dns = prefetchDomains(items, deps.emailChecker, deps.dnsConcurrency, deps.deadlineMs);
      try {
        await Promise.all(
          lanesOf(items, deps.concurrency).map(async (lane) => {
            for (const [index, item] of lane) data[index] = await one(actor, item, index, retryAfter, dns);
          }),
        );
      } finally {
        dns.done();
      }
      return bulkResult(data, retryAfter);
    },
  };
}
