/**
 * The one error type and the catalogue of codes. Every error the API answers is an AppError
 * rendered by the one handler in error-handler.ts into the one error body (docs/conventions.md, Errors); any other failure
 * becomes one through `toAppError` (to-app-error.ts).
 */

export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 422, title: 'The given data was invalid.' },
  INVALID_JSON: { status: 400, title: 'The request body is not valid JSON.' },
  BAD_REQUEST: { status: 400, title: 'Bad request.' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthenticated.' },
  FORBIDDEN: { status: 403, title: 'Forbidden.' },
  GUEST_HAS_OPEN_TASKS: { status: 403, title: 'The guest has open tasks.' },
  RESOURCE_NOT_FOUND: { status: 404, title: 'Not found.' },
  ENDPOINT_NOT_FOUND: { status: 404, title: 'No such endpoint.' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed.' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request timeout.' },
  CONFLICT: { status: 409, title: 'Conflict.' },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, title: 'A request with this Idempotency-Key is in flight.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used with another request.' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition failed.' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large.' },
  URI_TOO_LONG: { status: 414, title: 'URI too long.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type.' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large.' },
  GUEST_NOT_DISABLED: { status: 422, title: 'The guest is not disabled.' },
  MEMBER_NOT_DISABLED: { status: 422, title: 'The member is not disabled.' },
  INVITATION_EXPIRED: { status: 410, title: 'The invitation has expired.' },
  RATE_LIMIT_EXCEEDED: { status: 429, title: 'Too many requests.' },
  INTERNAL: { status: 500, title: 'Internal server error.' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Field name -> messages, as in Laravel's validation errors. */
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      errors?: FieldErrors;
      headers?: Record<string, string>;
      /** How a 5xx is logged: `error` unless it is expected (a client that has gone). */
      logLevel?: 'error' | 'info';
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

/** Throws `error` unless `condition` holds; narrows the condition for the code after it. */
export function assertThat(condition: unknown, error: () => AppError): asserts condition {
  if (!condition) throw error();
}

export function notFound(what = 'resource'): AppError {
  return new AppError('RESOURCE_NOT_FOUND', `The requested ${what} was not found.`);
}

export function validationFailed(errors: FieldErrors): AppError {
  const first = Object.values(errors)[0]?.[0] ?? 'The given data was invalid.';
  const more = Object.values(errors).reduce((n, list) => n + list.length, 0) - 1;
  const message = more > 0 ? `${first} (and ${more} more error${more === 1 ? '' : 's'})` : first;
  return new AppError('VALIDATION_FAILED', message, { errors });
}

/** Collects field errors so that every failing field is reported at once. */
export class ErrorBag {
  // No prototype: field names come from requests, and "constructor" must be a field like any other.
  readonly errors: FieldErrors = Object.create(null) as FieldErrors;
  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }
  has(field: string): boolean {
    return field in this.errors;
  }
  get empty(): boolean {
    return Object.keys(this.errors).length === 0;
  }
  throwIfAny(): void {
    if (!this.empty) throw validationFailed(this.errors);
  }
}

/** The stable `type` URI of an error kind, under the service's own docs. */
export function errorTypeUri(baseUrl: string, code: ErrorCode): string {
  return `${baseUrl}/docs/errors#${code.toLowerCase().replace(/_/g, '-')}`;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  message: string;
  detail: string;
  errors?: FieldErrors;
  /** The request's id (docs/conventions.md, Request ids); absent only in a bulk item's error. */
  request_id?: string;
}

export function problemBody(baseUrl: string, error: AppError, requestId?: string): ProblemBody {
  const body: ProblemBody = {
    type: errorTypeUri(baseUrl, error.code),
    title: ERROR_CATALOGUE[error.code].title,
    status: error.status,
    code: error.code,
    message: error.message,
    detail: error.message,
  };
  if (error.options.errors) body.errors = error.options.errors;
  if (requestId !== undefined) body.request_id = requestId;
  return body;
}
