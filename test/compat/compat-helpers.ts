/**
 * Shared by the compatibility tests: a "client profile" that sends requests the way one of
 * Tallyfy's published clients does (base prefix, X-Tallyfy-Client value or none, Accept,
 * Content-Type on body-less calls, extra headers), and small readers for what those clients read.
 *
 * Each compat file builds its requests from a profile, so the exact headers a client sends are
 * declared once per client and visible at the top of its file.
 */
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { call, uniqueEmail, type TestContext } from '../../support/app.js';

export interface ClientProfile {
  /** How reports name the client. */
  name: string;
  /** `''` for root paths (CLI, SDK), `/api` for the go.tallyfy.com/api base (n8n, docs, PowerShell, migrator). */
  base: '' | '/api';
  /** The X-Tallyfy-Client value, or null when the client sends none. */
  clientHeader: string | null;
  /** Whether the client sends `Accept: application/json`. */
  accept: boolean;
  /**
   * Whether the client sends `Content-Type: application/json` on calls without a body (n8n, the
   * Python SDK, PowerShell, the migrator). Body-less non-GET calls then carry an empty body.
   */
  jsonOnBodyless: boolean;
  /** Any other headers the client adds to every request. */
  extraHeaders?: Record<string, string>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface SendOptions {
  /** Sent as JSON with `Content-Type: application/json`. */
  body?: unknown;
  /** Query parameters, in the order given (values are URL-encoded). */
  query?: Record<string, string | number | boolean>;
  /** Headers for this request only (e.g. PowerShell's `org` header on some cmdlets). */
  headers?: Record<string, string>;
  /** Replaces the profile's `Authorization` value (e.g. a token that is not valid). */
  authorization?: string;
}

export interface Sent {
  method: Method;
  url: string;
  headers: Record<string, string>;
  response: LightMyRequestResponse;
}

export function queryString(query: Record<string, string | number | boolean> | undefined): string {
  if (!query) return '';
  const pairs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** A client bound to one profile and one token; every request it sends is kept in `log`. */
const sentByResponse = new WeakMap<LightMyRequestResponse, Sent>();

/** The request a compat client sent for this response (method, URL and headers as sent). */
export function sentOf(response: LightMyRequestResponse): Sent {
  const sent = sentByResponse.get(response);
  if (!sent) throw new Error('not a response of a compat client');
  return sent;
}

export function clientFor(ctx: Pick<TestContext, 'app'>, profile: ClientProfile, token: string) {
  const log: Sent[] = [];

  async function send(method: Method, path: string, options: SendOptions = {}): Promise<LightMyRequestResponse> {
    const url = `${profile.base}${path}${queryString(options.query)}`;
    const headers: Record<string, string> = { authorization: options.authorization ?? `Bearer ${token}` };
    if (profile.accept) headers.accept = 'application/json';
    if (profile.clientHeader !== null) headers['x-tallyfy-client'] = profile.clientHeader;
    Object.assign(headers, profile.extraHeaders ?? {}, options.headers ?? {});
    const inject: InjectOptions = { method, url, headers };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      inject.payload = JSON.stringify(options.body);
    } else if (profile.jsonOnBodyless) {
      headers['content-type'] = 'application/json';
      // A GET carries no body at all; DELETE/PUT/POST without data carry an empty one.
      if (method !== 'GET') inject.payload = '';
    }
    const response = await ctx.app.inject(inject);
    const sent = { method, url, headers, response };
    log.push(sent);
    sentByResponse.set(response, sent);
    return response;
  }

  return {
    profile,
    log,
    send,
    get: (path: string, options?: Omit<SendOptions, 'body'>) => send('GET', path, options),
    post: (path: string, body?: unknown, options?: Omit<SendOptions, 'body'>) =>
      send('POST', path, { ...options, body }),
    put: (path: string, body?: unknown, options?: Omit<SendOptions, 'body'>) => send('PUT', path, { ...options, body }),
    delete: (path: string, options?: Omit<SendOptions, 'body'>) => send('DELETE', path, options),
  };
}

export type CompatClient = ReturnType<typeof clientFor>;

/** `METHOD url -> status body` for assertion messages: what was sent and what came back. */
export function describeExchange(response: LightMyRequestResponse): string {
  const sent = sentByResponse.get(response);
  const body = response.body.length > 600 ? `${response.body.slice(0, 600)}…` : response.body;
  return `${sent ? `${sent.method} ${sent.url}` : '(request)'} -> ${response.statusCode} ${body}`;
}

/** Asserts the status and returns the parsed JSON body. */
export function expectJson<T = Record<string, unknown>>(
  response: LightMyRequestResponse,
  status: number,
  label = '',
): T {
  assert.equal(response.statusCode, status, `${label ? `${label}: ` : ''}${describeExchange(response)}`);
  assert.match(
    String(response.headers['content-type']),
    /json/,
    `${label}: content type of ${describeExchange(response)}`,
  );
  return JSON.parse(response.body) as T;
}

/** What a client reads of an error answer: status and the top-level `message` string. */
export function expectErrorMessage(
  response: LightMyRequestResponse,
  status: number,
  pattern?: RegExp,
  label = '',
): string {
  assert.equal(response.statusCode, status, `${label ? `${label}: ` : ''}${describeExchange(response)}`);
  const body = JSON.parse(response.body) as { message?: unknown };
  assert.equal(typeof body.message, 'string', `${label}: top-level message in ${response.body}`);
  assert.ok((body.message as string).length > 0, `${label}: empty message`);
  if (pattern) assert.match(body.message as string, pattern, label);
  return body.message as string;
}

/** The names in the `x-ignored-fields` header (body fields as-is, query parameters as `query.<name>`). */
export function ignoredFields(response: LightMyRequestResponse): string[] {
  const header = response.headers['x-ignored-fields'];
  if (header === undefined) return [];
  return String(header)
    .split(',')
    .map((name) => decodeURIComponent(name.trim()))
    .filter((name) => name !== '');
}

export interface Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
  has_more_pages?: boolean;
  links: { previous?: string; next?: string } | unknown[] | null;
}

export interface ListBody<T> {
  data: T[];
  meta?: { pagination?: Pagination };
}

export interface GuestData {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  created_at: string;
  deleted_at: string | null;
  link: string | null;
  stats?: Record<string, unknown>;
  details: {
    phone_1: string | null;
    phone_2: string | null;
    company_name: string | null;
    associated_members: number[] | null;
    disabled_at: string | null;
    reactivated_at: string | null;
    [key: string]: unknown;
  };
}

export interface MemberData {
  id: number;
  email: string;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  role: string;
  status: string;
  created_at: string;
  invited_by: number | null;
  disabled_at: string | null;
  last_login_at: string | null;
}

export interface GroupData {
  id: string;
  name: string;
  description: string | null;
  members: number[];
  guests: string[];
  created_at: string;
}

export interface OrganizationData {
  id: string;
  name: string;
  created_at: string;
  users_count: number;
  [key: string]: unknown;
}

/** A unique address containing `+`, which Go's url.PathEscape and n8n leave raw in a path. */
export function plusEmail(label: string): string {
  const [local, domain] = uniqueEmail(label).split('@');
  return `${local}+tag@${domain}`;
}

/**
 * Creates `count` guests as setup (through the bulk endpoint, 1,000 a request): the clients under
 * test then list them. Returns the emails, lower-cased.
 */
export async function seedGuests(ctx: TestContext, count: number, label: string): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => uniqueEmail(`${label}${i}`).toLowerCase());
  for (let start = 0; start < emails.length; start += 1000) {
    const items = emails
      .slice(start, start + 1000)
      .map((email, i) => ({ email, first_name: `${label}`, last_name: `n${String(start + i).padStart(5, '0')}` }));
    const response = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/guests/bulk`, items);
    assert.equal(response.statusCode, 200, `seed: ${response.body.slice(0, 500)}`);
    const result = response.json<{ meta: { created: number; failed: number } }>();
    assert.equal(result.meta.failed, 0, `seed: ${response.body.slice(0, 500)}`);
  }
  return emails;
}

/** A fresh member of the test organization, added directly (setup), with a token. */
export async function addMember(
  ctx: TestContext,
  role: 'admin' | 'standard' | 'light',
  label: string,
  names: { first?: string; last?: string } = {},
) {
  const email = uniqueEmail(label).replace('@partner.test', '@members.test');
  const member = await ctx.admin.addMember({
    organizationId: ctx.orgId,
    email,
    role,
    firstName: names.first ?? 'Mem',
    lastName: names.last ?? label,
  });
  const token = (await ctx.admin.createToken({ email: member.email })).token;
  return { id: member.id, email: member.email.toLowerCase(), token };
}

/** Asserts `values` is ordered by `compare` (non-decreasing). */
export function assertOrdered<T>(values: T[], compare: (a: T, b: T) => number, label: string): void {
  for (let i = 1; i < values.length; i += 1) {
    assert.ok(
      compare(values[i - 1] as T, values[i] as T) <= 0,
      `${label}: out of order at ${i}: ${JSON.stringify(values[i - 1])} then ${JSON.stringify(values[i])}`,
    );
  }
}
