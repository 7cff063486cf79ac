/**
 * Idempotency-Key on POST (docs/conventions.md, Idempotency): a retry with the same key and the
 * same request replays the first answer instead of running it again, across instances, for 24
 * hours. A preHandler hook claims the key (after authentication and validation: what they refuse
 * has no side effect and is refused again on retry), an onSend hook stores the exact bytes answered.
 * A request without the header costs nothing: both hooks return before any statement.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { AppError, validationFailed } from '../core/errors.js';
import { errorResponses } from './schemas.js';
import {
  findKey,
  insertKey,
  purgeExpiredKeys,
  releaseKey,
  storeAnswer,
  takeOverKey,
  type KeyRequest,
  type KeyTimes,
} from './idempotency.repository.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** The answer headers a replay repeats; never Set-Cookie or anything tied to the first request. */
const KEPT_HEADERS = ['content-type', 'location'];
/** 1-255 printable ASCII characters (Node has already trimmed the value). */
const WELL_FORMED = /^[\x20-\x7e]{1,255}$/;
const KEY_FIELD = 'Idempotency-Key';

export const DEFAULT_KEY_TIMES: KeyTimes = { keepMs: 24 * 60 * 60 * 1000, leaseMs: 60 * 1000 };

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request holds, once claimed. */
    idempotency?: KeyRequest;
    /**
     * On a route whose handler reads its body as a stream (`idempotencyAfterBody`): claims the key
     * once the body's sha256 is known. Undefined: claimed, go on; a function: the key's first
     * answer, to be sent (a replay) once the handler has undone what it began. Throws the 409/422
     * of a key in flight or used with another request.
     */
    claimIdempotencyKey?: (bodySha256: string) => Promise<Replay | undefined>;
  }
  interface FastifyContextConfig {
    /**
     * The handler reads the body as a stream and claims the key itself, through
     * `request.claimIdempotencyKey`, once it has the body's hash (Import guests).
     */
    idempotencyAfterBody?: boolean;
  }
}

export interface IdempotencyOptions {
  db: Kysely<Database>;
  /** Whose keys these are: the token's, or the client address's on the public endpoint. */
  scope: (request: FastifyRequest) => string;
  times?: KeyTimes;
}

/** JSON with keys sorted at every depth: one text per meaning, whatever order the client wrote. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * sha256 of method, path with query, and body: a text body (CSV) by its bytes, a JSON body by its
 * canonical JSON as the service read it (trimmed, unknown fields dropped), so that only a change of
 * meaning makes it another request.
 */
export function fingerprint(request: FastifyRequest, streamedBodySha256?: string): string {
  const hash = createHash('sha256').update(`${request.method}\n${request.url}\n`);
  const body: unknown = request.body;
  if (streamedBodySha256 !== undefined) hash.update('sha256\n').update(streamedBodySha256);
  else if (Buffer.isBuffer(body) || typeof body === 'string') hash.update('raw\n').update(body);
  else hash.update('json\n').update(canonicalJson(body ?? null));
  return hash.digest('hex');
}

function refuse(message: string): AppError {
  return validationFailed({ [KEY_FIELD]: [message] });
}

function inUse(lockedUntil: string | null, clock: Date): AppError {
  const until = lockedUntil ? Date.parse(`${lockedUntil.replace(' ', 'T')}Z`) : clock.getTime();
  const seconds = Math.max(1, Math.ceil((until - clock.getTime()) / 1000));
  return new AppError(
    'IDEMPOTENCY_KEY_IN_USE',
    'A request with this Idempotency-Key is still being processed; retry after `Retry-After` seconds to get its answer.',
    { headers: { 'retry-after': String(Math.min(seconds, 5)) } },
  );
}

/** Sends the first answer of a key again. */
export type Replay = () => FastifyReply;

/**
 * Claims the key (undefined), or answers for it: a replay to send, 409 while in flight, 422 for
 * another request. `streamedBodySha256`: the hash of a body its handler read as a stream.
 */
async function claim(
  request: FastifyRequest,
  reply: FastifyReply,
  options: IdempotencyOptions,
  key: string,
  streamedBodySha256?: string,
): Promise<Replay | undefined> {
  const times = options.times ?? DEFAULT_KEY_TIMES;
  const held: KeyRequest = {
    scope: options.scope(request),
    key,
    method: request.method,
    route: request.routeOptions.url ?? '',
    path: request.url.split('?')[0] ?? '',
    fingerprint: fingerprint(request, streamedBodySha256),
  };
  // A key released between the failed insert and the read (its request answered 500) is retried.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const clock = new Date();
    if ((await insertKey(options.db, held, times, clock)) || (await takeOverKey(options.db, held, times, clock))) {
      request.idempotency = held;
      return undefined;
    }
    const stored = await findKey(options.db, held.scope, key);
    if (!stored) continue;
    if (stored.fingerprint !== held.fingerprint) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with another request (method, path or body); use a new key for a new request.',
      );
    }
    if (stored.state === 'in_flight') throw inUse(stored.lockedUntil, clock);
    const headers = JSON.parse(stored.headers ?? '{}') as Record<string, string>;
    return () =>
      reply
        .code(stored.status ?? 200)
        .headers(headers)
        .header(REPLAYED_HEADER, 'true')
        .send(stored.body ?? '');
  }
  throw inUse(null, new Date());
}

/** Keeps the answer (any but 429 and 5xx, which a retry should run again) or frees the key. */
async function store(request: FastifyRequest, reply: FastifyReply, payload: unknown, options: IdempotencyOptions) {
  const held = request.idempotency;
  if (!held) return;
  request.idempotency = undefined;
  const status = reply.statusCode;
  const kept = status < 500 && status !== 429 && (typeof payload === 'string' || payload == null);
  try {
    if (!kept) return await releaseKey(options.db, held);
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await storeAnswer(options.db, held, { status, headers, body: (payload as string | null) ?? '' });
  } catch (error) {
    // The answer goes out regardless: the request's work is done. The key stays in flight until
    // its lease runs out; then a retry runs the request again.
    request.log.warn({ err: error }, 'the answer to an Idempotency-Key could not be stored');
  }
}

/**
 * Registers the hook pair on every POST route of the scope, and declares the answers it adds on
 * those routes (409 in flight, 422 malformed or reused key) in their schemas.
 */
export function registerIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST') || !route.schema) return;
    const response = (route.schema.response ?? {}) as Record<number, unknown>;
    route.schema = {
      ...route.schema,
      response: {
        ...errorResponses([409, 422], {
          409: 'The change conflicts with the current state, or a request with the same `Idempotency-Key` is still in flight (`Retry-After`).',
          422: 'A field failed validation, or the `Idempotency-Key` is malformed or was used with another request.',
        }),
        ...response,
      },
    };
  });
  const keyed = async (request: FastifyRequest, reply: FastifyReply, key: string | string[]) => {
    if (typeof key !== 'string' || !WELL_FORMED.test(key)) {
      throw refuse('Idempotency-Key must be 1 to 255 printable ASCII characters.');
    }
    if (request.routeOptions.config.idempotencyAfterBody) {
      request.claimIdempotencyKey = (sha256) => claim(request, reply, options, key, sha256);
      return;
    }
    // An upload (or any body its handler reads as a stream, after this hook) has no body to
    // compare yet: refused rather than keyed on method and path alone, which would replay another
    // upload.
    const sent =
      request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    if (/^multipart\//i.test(request.headers['content-type'] ?? '') || (sent && request.body === undefined)) {
      throw refuse('Idempotency-Key is not supported on file uploads: send the upload without it.');
    }
    // Answered (a replay): returning the reply tells Fastify the handler is not to run.
    const replay = await claim(request, reply, options, key);
    if (replay) replay();
  };
  // Callback hooks: the requests without a key (nearly all) pass without a promise each.
  app.addHook('preHandler', (request, reply, done) => {
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined || request.method !== 'POST') {
      done();
      return;
    }
    // A replay has answered already: Fastify runs no handler for a sent reply.
    keyed(request, reply, key).then(() => done(), done);
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.idempotency) {
      done(null, payload);
      return;
    }
    store(request, reply, payload, options).then(() => done(null, payload), done);
  });
}

/** Deletes expired keys when the server starts listening and every ten minutes after; any instance may. */
export function registerIdempotencyPurge(app: FastifyInstance, db: Kysely<Database>): void {
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    purgeExpiredKeys(db, new Date()).catch((error: unknown) =>
      app.log.warn({ err: error }, 'purging expired idempotency keys failed; retried in ten minutes'),
    );
  };
  app.addHook('onListen', (done) => {
    run();
    timer ??= setInterval(run, 10 * 60 * 1000).unref();
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    done();
  });
}
