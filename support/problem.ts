/**
 * The one assertion for error answers: status, content type and the one error body
 * (docs/conventions.md, Errors).
 */
import assert from 'node:assert/strict';

export interface ResponseLike {
  statusCode: number;
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
}

/** Asserts `response` is the error body with this status and code, and returns the body. */
export function assertProblem(response: ResponseLike, status: number, code: string, label = ''): Problem {
  const where = label ? `${label}: ` : '';
  assert.equal(response.statusCode, status, `${where}${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, `${where}content type`);
  const body = JSON.parse(response.body) as Problem;
  assert.deepEqual(Object.keys(body).filter((k) => k !== 'errors'), ['type', 'title', 'status', 'code', 'message', 'detail'], where);
  assert.equal(body.status, status, where);
  assert.equal(body.code, code, where);
  assert.equal(body.message, body.detail, where);
  assert.match(body.type, /\/docs\/errors#[a-z-]+$/, where);
  assert.equal(typeof body.title, 'string', where);
  return body;
}
