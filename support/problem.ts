/**
 * The one assertion for error answers: status, content type and every key of the error body
 * (docs/conventions.md, Errors), strictly — the tests of every area use it, so that an error body that drifts
 * from the documented shape fails everywhere at once.
 */
import assert from 'node:assert/strict';
import { ERROR_CATALOGUE, type ErrorCode } from '../src/core/errors.js';

export interface ResponseLike {
  /** Undefined only for a raw answer Node could not parse (which then fails the assertion). */
  statusCode: number | undefined;
  headers: Record<string, unknown>;
  body: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  message: string;
  detail: string;
  errors?: Record<string, string[]>;
  request_id: string;
}

export interface ProblemExpectations {
  /** Prefixed to every failure message. */
  label?: string;
  /** The field errors the body must carry, exactly (fields and messages). */
  errors?: Record<string, string[]>;
  /** The fields that must have errors, exactly (whatever the messages). */
  fields?: string[];
  /** The service's public base URL: `type` must then be exactly `<baseUrl>/docs/errors#<code>`. */
  baseUrl?: string;
}

const KEYS = ['type', 'title', 'status', 'code', 'message', 'detail'];

/** `VALIDATION_FAILED` -> `validation-failed`: the anchor of the code in docs/errors. */
const anchorOf = (code: string) => code.toLowerCase().replace(/_/g, '-');

/**
 * Asserts `response` is the error body with this status and code, and returns the body.
 * The fourth argument is a label for the failure messages, or what else the body must hold.
 */
export function assertProblem(
  response: ResponseLike,
  status: number,
  code: string,
  expect: string | ProblemExpectations = {},
): Problem {
  const { label = '', errors, fields, baseUrl } = typeof expect === 'string' ? { label: expect } : expect;
  const where = label ? `${label}: ` : '';
  assert.equal(response.statusCode, status, `${where}${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, `${where}content type`);
  const body = JSON.parse(response.body) as Problem;

  const hasErrors = Object.hasOwn(body, 'errors');
  assert.deepEqual(
    Object.keys(body),
    [...KEYS, ...(hasErrors ? ['errors'] : []), 'request_id'],
    `${where}the keys of the error body`,
  );
  // The body and the header name the same request (docs/conventions.md, Request ids).
  assert.equal(typeof body.request_id, 'string', `${where}request_id`);
  assert.equal(body.request_id, response.headers['x-request-id'], `${where}request_id is the X-Request-Id header`);
  assert.equal(body.status, status, `${where}status`);
  assert.equal(body.code, code, `${where}code`);
  const catalogued = ERROR_CATALOGUE[code as ErrorCode];
  assert.ok(catalogued, `${where}${code} is a documented code`);
  assert.equal(body.title, catalogued.title, `${where}title`);
  assert.equal(typeof body.message, 'string', `${where}message`);
  assert.ok(body.message.length > 0, `${where}a message`);
  assert.equal(body.detail, body.message, `${where}detail repeats message`);

  if (baseUrl !== undefined) {
    assert.equal(body.type, `${baseUrl}/docs/errors#${anchorOf(code)}`, `${where}type`);
  } else {
    assert.match(body.type, /^https?:\/\/[^/\s#]+(\/[^\s#]*)?\/docs\/errors#[a-z-]+$/, `${where}type is a URI`);
    assert.ok(body.type.endsWith(`/docs/errors#${anchorOf(code)}`), `${where}type names the code: ${body.type}`);
  }

  if (hasErrors) {
    assert.ok(body.errors && typeof body.errors === 'object' && !Array.isArray(body.errors), `${where}errors`);
    for (const [field, messages] of Object.entries(body.errors)) {
      assert.ok(
        Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'string' && m !== ''),
        `${where}errors.${field} is a list of messages`,
      );
    }
  }
  if (errors !== undefined) assert.deepEqual(body.errors, errors, `${where}field errors`);
  if (fields !== undefined) {
    assert.ok(hasErrors, `${where}field errors`);
    assert.deepEqual(Object.keys(body.errors ?? {}).sort(), [...fields].sort(), `${where}fields with errors`);
  }
  return body;
}

/**
 * A problem body without its `request_id`: what two answers to two requests may share, when a
 * test compares them (each names its own request, docs/conventions.md, Request ids).
 */
export function sameAnswerPart(response: { body: string }): Record<string, unknown> {
  const { request_id: _requestId, ...rest } = JSON.parse(response.body) as Record<string, unknown>;
  return rest;
}
