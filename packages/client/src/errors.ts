/**
 * What a call throws: `ApiError` when the service answered with an error status (its problem
 * body typed), `NetworkError` when no answer came at all. README, TypeScript client.
 */
import type { Problem } from './generated.js';

/** An error answer of the service, with its status and its problem body (docs/conventions.md, Errors). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** The operation called, by its operationId. */
    readonly operation: string,
    /** The HTTP status. */
    readonly status: number,
    /**
     * The problem body. An answer that was not a problem body (a proxy's HTML page) gets one made
     * from its status, so `code` and `message` are always there to read.
     */
    readonly problem: Problem,
    /** The answer's headers (`Retry-After`, `X-Request-Id`). */
    readonly headers: Headers,
  ) {
    super(`${operation} answered ${status} ${problem.code}: ${problem.message}`);
  }

  /** The problem's stable code, e.g. `VALIDATION_FAILED`. */
  get code(): Problem['code'] {
    return this.problem.code;
  }

  /** Validation failures: one array of messages per field. */
  get errors(): Problem['errors'] {
    return this.problem.errors;
  }
}

/** No answer: the connection failed, was reset, or the call was aborted. `cause` holds fetch's error. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(
    readonly operation: string,
    readonly url: string,
    cause: unknown,
  ) {
    const reason =
      cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    super(`${operation}: no answer from ${url} (${reason})`, { cause });
  }
}

const CODES: Record<number, Problem['code']> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'RESOURCE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMIT_EXCEEDED',
  503: 'SERVICE_UNAVAILABLE',
};

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { code, message, status } = body as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string' && typeof status === 'number';
}

/** The problem body of an error answer, or one made from its status when the body is not one. */
export function problemFrom(status: number, statusText: string, body: unknown): Problem {
  if (isProblem(body)) return body;
  const message = `The service answered ${status}${statusText ? ` ${statusText}` : ''} without a problem body.`;
  return {
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    code: CODES[status] ?? 'INTERNAL',
    message,
    detail: message,
  };
}
