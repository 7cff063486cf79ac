/** What every answer must be, whatever was asked: checks that say what is wrong instead of throwing. */
import type { LightMyRequestResponse } from 'fastify';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';

const PROBLEM_KEYS = ['type', 'title', 'status', 'code', 'message', 'detail', 'request_id'];
/** Internals that must never reach a client: database errors, SQL, stack frames. */
const INTERNALS =
  /SQLITE_|sqlite3?\b|syntax error at|violates .* constraint|relation "|\bselect .* from\b|\binsert into\b|at [\w.<>]+ \(.*:\d+:\d+\)|node_modules/i;

/** Browser pages (the guest's page, the invitation page, the unsubscribe page) answer their errors as HTML pages. */
export function isPagePath(url: string): boolean {
  return /^\/(guest|invitations|unsubscribe)\//.test(url);
}

/** Why this answer breaks the rules of docs/, or undefined when it keeps them. */
export function answerProblem(url: string, method: string, response: LightMyRequestResponse): string | undefined {
  const status = response.statusCode;
  if (status >= 500) return `server error ${status}`;
  const type = String(response.headers['content-type'] ?? '');
  if (status >= 400) {
    if (method === 'HEAD') return undefined;
    if (isPagePath(url) && type.startsWith('text/html')) {
      return response.body.includes('<html') ||
        response.body.includes('<!doctype') ||
        response.body.includes('<!DOCTYPE')
        ? undefined
        : 'an HTML error answer that is no page';
    }
    if (!type.startsWith('application/problem+json'))
      return `a ${status} answer of type ${type || '(none)'}, not the error body`;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      return `a ${status} error body that is not JSON`;
    }
    const keys = Object.keys(body).filter((key) => key !== 'errors');
    if (keys.join() !== PROBLEM_KEYS.join()) return `error body keys ${keys.join()}`;
    if (body.request_id !== response.headers['x-request-id']) return 'an error body naming another request id';
    if (body.status !== status) return `error body status ${String(body.status)} on a ${status} answer`;
    const code = String(body.code);
    if (!(code in ERROR_CATALOGUE)) return `unknown error code ${code}`;
    if (ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].status !== status)
      return `code ${code} on a ${status} answer`;
    if (typeof body.message !== 'string' || body.message === '' || body.message !== body.detail)
      return 'message and detail differ or are empty';
    if (!/\/docs\/errors#[a-z-]+$/.test(String(body.type))) return `error type ${String(body.type)}`;
    if (body.errors !== undefined) {
      const errors = body.errors as Record<string, unknown>;
      if (
        typeof errors !== 'object' ||
        errors === null ||
        Object.values(errors).some((list) => !Array.isArray(list) || list.some((m) => typeof m !== 'string'))
      ) {
        return 'errors is not field -> list of messages';
      }
    }
    if (INTERNALS.test(response.body)) return 'the error body shows internals';
    if (status === 429 && response.headers['retry-after'] === undefined) return '429 without Retry-After';
    return undefined;
  }
  if (
    status >= 200 &&
    status < 300 &&
    type.startsWith('application/json') &&
    method !== 'HEAD' &&
    response.body !== ''
  ) {
    try {
      JSON.parse(response.body);
    } catch {
      return `a ${status} JSON answer that does not parse`;
    }
  }
  return undefined;
}
