/**
 * What the OpenAPI document says of many operations at once, applied to the finished document in
 * one place (the swagger `transformObject` in src/app.ts) instead of in every route schema: the
 * operation ids (src/http/operation-ids.ts), named bodies and envelopes
 * (src/http/openapi-components.ts), the tags' descriptions, and the request and response headers.
 * A header that more operations send is one line of RESPONSE_HEADERS (docs/service.md, OpenAPI
 * document).
 */
import { nameBodiesAndEnvelopes } from './openapi-components.js';
import { addOperationIds } from './operation-ids.js';

interface HeaderObject {
  description: string;
  schema: Record<string, unknown>;
}

/** The headers the document names, each described once under `components.headers`. */
const HEADERS: Record<string, HeaderObject> = {
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 1 },
  },
  RateLimit: {
    description:
      'The token\'s requests left in the current window and the seconds until it ends, e.g. `"per-token";r=599;t=60` (IETF RateLimit header fields). Sent once the token is known, when a limit is set (`RATE_LIMIT_MAX`).',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description:
      'The token\'s limit: requests per window of seconds, e.g. `"per-token";q=600;w=60`. Sent with `RateLimit`.',
    schema: { type: 'string' },
  },
  'X-Request-Id': {
    description:
      "This request's id: the client's own `X-Request-Id` when well formed, else one the service made. Also `request_id` in an error body, and in the service's log lines (docs/conventions.md, Request ids).",
    schema: { type: 'string', maxLength: 128 },
  },
  ETag: {
    description:
      "The guest's current state as answered, a strong validator: send it back in `If-Match` to change the guest only if nobody else has, or in `If-None-Match` to read it only if it changed (docs/guests.md, ETags and preconditions).",
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': {
    description:
      "`true` on an answer replayed for a repeated `Idempotency-Key`: the first request's answer, the operation not run again (docs/conventions.md, Idempotency). Absent otherwise.",
    schema: { type: 'string', enum: ['true'] },
  },
};

/** The request headers the document names, each described once under `components.parameters`. */
const PARAMETERS: Record<string, { name: string; description: string; schema: Record<string, unknown> }> = {
  RequestId: {
    name: 'X-Request-Id',
    description:
      "The request's id, for the log and the answer (1 to 128 characters of letters, digits and `._:@/+=-`; anything else is replaced by one the service makes).",
    schema: { type: 'string', minLength: 1, maxLength: 128 },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    description:
      'A key the client makes per operation (1 to 255 printable ASCII characters, e.g. a UUID): sent again with the same request, the first answer is replayed instead of running it twice; kept 24 hours per token (docs/conventions.md, Idempotency).',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  },
  IfMatch: {
    name: 'If-Match',
    description:
      'Change the guest only if its current `ETag` is one of these (or `*`); otherwise 412 with the current `ETag`, and nothing written (docs/guests.md, ETags and preconditions).',
    schema: { type: 'string' },
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    description: "Answer 304 with no body if the guest's current `ETag` is one of these (or `*`).",
    schema: { type: 'string' },
  },
};

/** The guest operations with an `ETag` (docs/guests.md, ETags and preconditions): the statuses that carry it. */
const ETAG_STATUSES: Record<string, number[]> = {
  createGuest: [200, 201],
  getGuest: [200, 304],
  updateGuest: [201, 412],
  removeGuest: [200, 412],
  disableGuest: [200, 412],
  enableGuest: [200, 412],
  resetGuestLink: [200, 412],
  permanentlyDeleteGuest: [412],
  convertMemberToGuest: [200],
};
const IF_MATCH = new Set([
  'updateGuest',
  'removeGuest',
  'disableGuest',
  'enableGuest',
  'resetGuestLink',
  'permanentlyDeleteGuest',
]);
const IF_NONE_MATCH = new Set(['getGuest']);
/** POSTs that take no Idempotency-Key: an upload's streamed body cannot be compared (docs/conventions.md, Idempotency). */
const UNKEYED_POSTS = new Set(['uploadFile']);

type HeaderName = keyof typeof HEADERS;

/** Where an operation stands, for choosing the headers of its responses. */
interface ResponseSite {
  status: number;
  /** Called with a bearer token (the document's default security), not a code in the path or nothing. */
  authenticated: boolean;
  operationId: string;
  /** A POST that takes an `Idempotency-Key`. */
  keyed: boolean;
}

/**
 * Which responses carry which header. The rate limit's headers are set right after the token is
 * known (src/http/rate-limit.ts), so every answer after that has them: all but a 401.
 */
const RESPONSE_HEADERS: Array<{ header: HeaderName; on: (site: ResponseSite) => boolean }> = [
  { header: 'Retry-After', on: ({ status }) => status === 429 || status === 503 },
  { header: 'RateLimit', on: ({ status, authenticated }) => authenticated && status !== 401 },
  { header: 'RateLimit-Policy', on: ({ status, authenticated }) => authenticated && status !== 401 },
  { header: 'X-Request-Id', on: () => true },
  { header: 'ETag', on: ({ status, operationId }) => ETAG_STATUSES[operationId]?.includes(status) ?? false },
  // What is kept for a key is what is replayed: every answer but 429 and 5xx.
  { header: 'Idempotent-Replayed', on: ({ status, keyed }) => keyed && status < 500 && status !== 429 },
];

/** Every tag of the document, with what its operations are about. */
const TAGS: Array<{ name: string; description: string }> = [
  { name: 'Guests', description: "External people in an organization's work (docs/guests.md)." },
  { name: 'Members', description: "The organization's own people and their roles (docs/members.md)." },
  { name: 'Invitations', description: 'Inviting members and accepting an invitation (docs/invitations.md).' },
  { name: 'Account', description: 'The caller: their organizations, membership and tokens (docs/account.md).' },
  { name: 'Groups', description: 'Named sets of members and guests (docs/groups.md).' },
  { name: 'Tasks', description: 'Tasks, their owners and the work on them (docs/tasks.md, docs/task-work.md).' },
  { name: 'Files', description: 'Files uploaded on tasks (docs/files.md).' },
  { name: 'Guest side', description: 'What a guest does with the code of their link (docs/guest-side.md).' },
  { name: 'Guest access', description: 'Asking for a lost guest link by email (docs/guest-side.md).' },
  { name: 'Notifications', description: 'Digest and reminder emails, and leaving them (docs/notifications.md).' },
  { name: 'Operations', description: "The service's own health, for load balancers (docs/service.md)." },
];

interface Response {
  description?: string;
  headers?: Record<string, unknown>;
  content?: unknown;
}

interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: Array<{ in?: string; $ref?: string }>;
  responses?: Record<string, Response>;
}

interface Document {
  paths?: object;
  security?: unknown[];
  tags?: unknown[];
  components?: Record<string, unknown>;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/** A POST that takes an Idempotency-Key: the token API's (but uploads) and the public access request. */
function isKeyed(method: string, operation: Operation, authenticated: boolean): boolean {
  const id = operation.operationId ?? '';
  return method === 'post' && ((authenticated && !UNKEYED_POSTS.has(id)) || id === 'requestGuestLinks');
}

/** The request headers each operation reads: X-Request-Id everywhere, the key on keyed POSTs, preconditions on guests. */
function addRequestHeaders(document: Document): void {
  for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const id = operation.operationId ?? '';
      const authenticated = (operation.security ?? document.security ?? []).length > 0;
      const names = ['RequestId'];
      if (isKeyed(method, operation, authenticated)) names.push('IdempotencyKey');
      if (IF_MATCH.has(id)) names.push('IfMatch');
      if (IF_NONE_MATCH.has(id)) names.push('IfNoneMatch');
      operation.parameters = [
        ...(operation.parameters ?? []),
        ...names.map((name) => ({ $ref: `#/components/parameters/${name}` })),
      ];
    }
  }
  const parameters = Object.fromEntries(
    Object.entries(PARAMETERS).map(([key, { name, description, schema }]) => [
      key,
      { name, in: 'header', required: false, description, schema },
    ]),
  );
  document.components = { ...document.components, parameters };
}

function addResponseHeaders(document: Document): void {
  const used = new Set<HeaderName>();
  for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const authenticated = (operation.security ?? document.security ?? []).length > 0;
      const site = {
        authenticated,
        operationId: operation.operationId ?? '',
        keyed: isKeyed(method, operation, authenticated),
      };
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        for (const { header, on } of RESPONSE_HEADERS) {
          if (!on({ ...site, status: Number(status) })) continue;
          response.headers = { ...response.headers, [header]: { $ref: `#/components/headers/${header}` } };
          used.add(header);
        }
      }
    }
  }
  const headers = Object.fromEntries(Object.entries(HEADERS).filter(([name]) => used.has(name)));
  document.components = { ...document.components, headers };
}

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const MALFORMED_URL = 'The URL is malformed: it holds a percent-escape that does not decode.';

/**
 * The answers the router gives before any route runs (`frameworkErrors` in src/app.ts), which no
 * route schema declares: any URL can hold an escape that does not decode (400), and an operation
 * with a path parameter can meet a segment longer than any valid value (414).
 */
function addRoutingErrors(document: Document): void {
  for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const responses = (operation.responses ??= {});
      const own = responses['400'];
      responses['400'] = own
        ? { ...own, description: `${own.description ?? ''} Or: ${MALFORMED_URL}`.trim() }
        : { description: MALFORMED_URL, content: PROBLEM };
      if (operation.parameters?.some((p) => p.in === 'path')) {
        responses['414'] ??= { description: 'A path segment is longer than any valid value.', content: PROBLEM };
      }
      operation.responses = sortedByStatus(responses);
    }
  }
}

function sortedByStatus<T>(responses: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** Finishes the generated document: ids, tags and response headers (see the file's comment). */
export function finishDocument<T extends object>(generated: T): T {
  const document = generated as Document;
  addOperationIds(document);
  nameBodiesAndEnvelopes(document);
  addRoutingErrors(document);
  addRequestHeaders(document);
  addResponseHeaders(document);
  document.tags = TAGS;
  return generated;
}
