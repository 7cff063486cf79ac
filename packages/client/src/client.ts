/**
 * The client: one method per operation of the service (named by its operationId, typed from the
 * generated `Operations`), automatic retry of 429/503 within a bound, and `paginate` over every
 * page of a list. README, TypeScript client.
 */
import { ApiError, NetworkError, problemFrom } from './errors.js';
import { OPERATIONS, type ListOperationId, type Operations } from './generated.js';
import { mayRetry, retryAfterMs, RETRY_DEFAULTS, sleep, type RetryOptions } from './retry.js';

export type OperationId = keyof Operations;

/** What one call of `operation` takes: `params`, `query`, `body` as the document declares them. */
export type RequestOf<K extends OperationId> = Operations[K]['request'] & {
  /** Extra request headers, e.g. `Idempotency-Key`, `X-Request-Id`, `If-Match`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

type SuccessStatus = 200 | 201 | 202 | 204 | 304;

/** The successful answers of `operation`, one per status, each with its own body type. */
export type ResponseOf<K extends OperationId> = {
  [S in keyof Operations[K]['responses'] & SuccessStatus]: {
    status: S;
    data: Operations[K]['responses'][S];
    headers: Headers;
  };
}[keyof Operations[K]['responses'] & SuccessStatus];

/** The body of `operation`'s answer with `status`. */
export type DataOf<
  K extends OperationId,
  S extends keyof Operations[K]['responses'] = 200 & keyof Operations[K]['responses'],
> = Operations[K]['responses'][S];

/** One item of a list operation's page. */
export type ItemOf<K extends ListOperationId> = DataOf<K> extends { data: Array<infer T> } ? T : never;

/** A method of the client: its request argument may be left out only when nothing in it is required. */
type Method<K extends OperationId> = Operations[K]['requestRequired'] extends true
  ? (request: RequestOf<K>) => Promise<ResponseOf<K>>
  : (request?: RequestOf<K>) => Promise<ResponseOf<K>>;

export interface ClientOptions {
  /** The service's root URL, e.g. `https://guests.example.com` (operations add `/api` themselves). */
  baseUrl: string;
  /** A personal access token (`guests token create`); leave out for the guest side and public calls. */
  token?: string;
  /** Sent as `X-Tallyfy-Client` (needed when the service requires it, e.g. `APIClient`). */
  clientHeader?: string;
  /** The fetch to call; the global one by default. */
  fetch?: typeof fetch;
  retry?: RetryOptions;
}

export type Client = { [K in OperationId]: Method<K> } & {
  /**
   * Every item of every page of a list operation, in order, fetching the next page only when the
   * caller asks for more. Follows the answer's `links.next` (or `next_cursor`), so it walks
   * page-numbered and cursor lists alike.
   */
  paginate<K extends ListOperationId>(operation: K, ...request: Parameters<Method<K>>): AsyncGenerator<ItemOf<K>>;
  /** Every page answer of a list operation, as `paginate` walks them. */
  pages<K extends ListOperationId>(operation: K, ...request: Parameters<Method<K>>): AsyncGenerator<DataOf<K>>;
};

interface AnyRequest {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function buildUrl(baseUrl: string, id: OperationId, request: AnyRequest): string {
  const { base, path } = OPERATIONS[id];
  const filled = path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = request.params?.[name];
    if (value === undefined) throw new TypeError(`${id}: path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${base}${filled}`);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
  }
  return url.toString();
}

async function readBody(response: Response, bytes: boolean): Promise<unknown> {
  if (response.status === 204 || response.status === 304) return undefined;
  if (bytes && response.ok) return new Uint8Array(await response.arrayBuffer());
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A client of the service at `options.baseUrl`. */
export function createClient(options: ClientOptions): Client {
  const doFetch = options.fetch ?? globalThis.fetch;
  const retry = { ...RETRY_DEFAULTS, ...options.retry };

  async function call(
    id: OperationId,
    request: AnyRequest = {},
  ): Promise<{ status: number; data: unknown; headers: Headers }> {
    const { method, answer } = OPERATIONS[id];
    const url = buildUrl(options.baseUrl, id, request);
    const headers = new Headers({ accept: answer === 'bytes' ? '*/*' : 'application/json' });
    if (options.token) headers.set('authorization', `Bearer ${options.token}`);
    if (options.clientHeader) headers.set('x-tallyfy-client', options.clientHeader);
    if (request.body !== undefined) headers.set('content-type', 'application/json');
    for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(url, { method, headers, body, signal: request.signal });
      } catch (error) {
        throw new NetworkError(id, url, error);
      }
      const data = await readBody(response, answer === 'bytes');
      if (response.ok || response.status === 304) return { status: response.status, data, headers: response.headers };
      const error = new ApiError(
        id,
        response.status,
        problemFrom(response.status, response.statusText, data),
        response.headers,
      );
      if (attempt >= retry.maxAttempts || !mayRetry(method, headers, response.status)) throw error;
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? retry.defaultDelayMs;
      // Never a wait past the budget: the caller gets the answer now rather than a late failure.
      if (waited + wait > retry.maxWaitMs) throw error;
      await sleep(wait, request.signal);
      waited += wait;
    }
  }

  async function* pages(id: ListOperationId, request: AnyRequest = {}): AsyncGenerator<unknown> {
    let next: AnyRequest | undefined = request;
    const seen = new Set<string>();
    while (next) {
      const { data } = await call(id, next);
      yield data;
      const query = nextQuery(data, next.query ?? {});
      const fingerprint = JSON.stringify(query);
      // A next link the walk has followed already would loop forever: the walk ends instead.
      if (query === undefined || seen.has(fingerprint)) return;
      seen.add(fingerprint);
      next = { ...next, query };
    }
  }

  async function* paginate(id: ListOperationId, request?: AnyRequest): AsyncGenerator<unknown> {
    for await (const page of pages(id, request)) yield* (page as { data: unknown[] }).data;
  }

  const client: Record<string, unknown> = { paginate, pages };
  for (const id of Object.keys(OPERATIONS) as OperationId[]) client[id] = (request?: AnyRequest) => call(id, request);
  return client as Client;
}

/**
 * The query of the page after `page`, or undefined at the end: the query string of `links.next`
 * (read for its query only, so a link naming another host or base path cannot send the token
 * there), else `next_cursor`, else the next page number while `has_more_pages` holds.
 */
export function nextQuery(page: unknown, query: Record<string, unknown>): Record<string, unknown> | undefined {
  const pagination = (page as { meta?: { pagination?: Record<string, unknown> } } | undefined)?.meta?.pagination;
  if (!pagination) return undefined;
  const links = pagination.links as { next?: unknown } | undefined;
  if (typeof links?.next === 'string' && links.next !== '') {
    const url = new URL(links.next, 'http://placeholder');
    const next: Record<string, unknown> = {};
    for (const name of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(name);
      next[name] = values.length === 1 ? values[0] : values;
    }
    return next;
  }
  if (typeof pagination.next_cursor === 'string' && pagination.next_cursor !== '')
    return { ...query, cursor: pagination.next_cursor };
  if (pagination.has_more_pages === true && typeof pagination.current_page === 'number')
    return { ...query, page: pagination.current_page + 1 };
  return undefined;
}
