/**
 * Tenant isolation, over every route of the app's own route table × caller (admin, standard and
 * light members of organization A, a guest of A) × intrusion (B's resources with A's token, B's
 * resources addressed under A, a revoked token, an expired token, a member disabled in A, a guest's
 * code where it does not open anything). Organization B's data carries distinctive markers: no
 * answer to an intruding request may contain any of them, none may be a 5xx or 2xx where the
 * intrusion must be refused, and B's rows must be exactly as they were.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestContext } from '../../support/app.js';
import { brokenInvariants, organizationSnapshot } from '../../support/invariants.js';
import { answerProblem } from './answers.js';
import { buildFuzzApp, buildWorld, type RouteInfo, type World } from './world.js';

type Caller = 'admin' | 'standard' | 'light' | 'guest';
type Intrusion =
  'b-with-a-token' | 'b-under-a' | 'revoked-token' | 'expired-token' | 'disabled-member' | 'dead-guest-code';

interface Cell {
  route: RouteInfo;
  caller: Caller;
  intrusion: Intrusion;
  request: InjectOptions;
  /** Statuses this intrusion may answer; anything else fails the cell. */
  allowed: (status: number) => boolean;
}

const refused = (status: number) => status >= 400 && status < 500;

/** Path parameters that name B's things, or A's, as the intrusion needs. */
function paramValue(name: string, org: World, b: World, a: World): string {
  switch (name) {
    case 'org_id':
      return org.orgId;
    case 'guest_email':
      return b.guests.active.email;
    case 'guest_id_or_email':
      return String(b.guests.disabled.id);
    case 'user_id':
      return String(b.members.standard);
    case 'group_id':
      return b.groupId;
    case 'task_id':
      return b.taskId;
    case 'file_id':
      return b.fileId;
    case 'token_id':
      return String(b.tokenIds[0]);
    case 'guest_code':
      return a.guests.disabled.code;
    case 'code':
      return a.guests.active.code;
    default:
      return 'x';
  }
}

/** A body that would write into B if the request got through. */
function bodyFor(route: RouteInfo, b: World): unknown {
  if (route.body.length === 0) return undefined;
  const values: Record<string, unknown> = {
    email: b.guests.other.email,
    first_name: 'Intruder',
    last_name: 'Intruder',
    name: 'Intruder group',
    description: 'Intruder',
    role: 'admin',
    members: [b.members.admin, b.members.light],
    guests: [b.guests.active.email, b.guests.other.email],
    associated_members: [b.members.admin],
    cadence_days: ['Monday'],
    slug: 'daily_digest',
    value: false,
    company_name: 'Intruder Co',
    status: 'intruded',
    message: 'Intruder',
    with_reassignment: true,
    to: b.members.admin,
  };
  const item = Object.fromEntries(route.body.filter((field) => field in values).map((field) => [field, values[field]]));
  return route.url.endsWith('/bulk') ? [item] : item;
}

function cellsFor(route: RouteInfo, a: World, b: World): Cell[] {
  const cells: Cell[] = [];
  const path = (org: World) =>
    route.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => encodeURIComponent(paramValue(name, org, b, a)));
  const payload = bodyFor(route, b);
  const request = (url: string, token: string | null, extra: Record<string, string> = {}): InjectOptions => ({
    method: route.method as InjectOptions['method'],
    url,
    headers: { ...(token && { authorization: `Bearer ${token}` }), 'x-tallyfy-client': 'APIClient', ...extra },
    ...(payload !== undefined && { payload: payload as InjectOptions['payload'] }),
  });
  const bearer = route.access !== undefined;
  const inOrganization = route.params.includes('org_id');

  if (bearer) {
    for (const caller of ['admin', 'standard', 'light'] as const) {
      const token = a.tokens[caller];
      // B's things, through B's organization, with A's token: not a member there.
      if (inOrganization)
        cells.push({
          route,
          caller,
          intrusion: 'b-with-a-token',
          request: request(path(b), token),
          allowed: (s) => s === 403,
        });
      // B's things named under A's organization (or, for /me routes, B's token ids): not found here.
      if (route.params.some((p) => p !== 'org_id'))
        cells.push({ route, caller, intrusion: 'b-under-a', request: request(path(a), token), allowed: refused });
      // B's members and guests in a body sent to A (emails are global: a guest may join A by email,
      // but nothing of B's may come back or change), and B's marker as a search in A's lists.
      else if (inOrganization && payload !== undefined)
        cells.push({
          route,
          caller,
          intrusion: 'b-under-a',
          request: request(path(a), token),
          allowed: (s) => s < 500,
        });
      // A search of an organization's own list answers 200 without B's things. A list under one of
      // B's guests or members (their tasks) names no one of A's: refused above, not searched here.
      const organizationList = route.params.every((p) => p === 'org_id');
      if (inOrganization && organizationList && route.method === 'GET' && route.query.includes('q')) {
        cells.push({
          route,
          caller,
          intrusion: 'b-under-a',
          request: request(`${path(a)}?q=${encodeURIComponent(b.markers[0] as string)}`, token),
          allowed: (s) => s === 200,
        });
      }
      // Dead tokens of this caller's organization, against A and B alike.
      for (const [intrusion, dead] of [
        ['revoked-token', a.revokedToken],
        ['expired-token', a.expiredToken],
      ] as const) {
        cells.push({
          route,
          caller,
          intrusion,
          request: request(path(inOrganization ? a : b), dead),
          allowed: (s) => s === 401,
        });
        if (inOrganization)
          cells.push({ route, caller, intrusion, request: request(path(b), dead), allowed: (s) => s === 401 });
      }
      // A member disabled in A: shut out of A; B's things stay out of reach.
      cells.push({
        route,
        caller,
        intrusion: 'disabled-member',
        request: request(path(a), a.disabled.token),
        allowed: inOrganization ? (s) => s === 401 : (s) => s < 500,
      });
      if (inOrganization)
        cells.push({
          route,
          caller,
          intrusion: 'disabled-member',
          request: request(path(b), a.disabled.token),
          allowed: (s) => s === 401 || s === 403,
        });
    }
    // A guest's code is no bearer token.
    cells.push({
      route,
      caller: 'guest',
      intrusion: 'dead-guest-code',
      request: request(path(a), a.guests.active.code),
      allowed: (s) => s === 401,
    });
    cells.push({
      route,
      caller: 'guest',
      intrusion: 'b-with-a-token',
      request: request(path(b), a.guests.active.code),
      allowed: (s) => s === 401,
    });
  } else if (route.params.length > 0) {
    // Routes whose code is the credential: codes that open nothing here (a disabled guest's code,
    // a guest code where an invitation code belongs, an invitation code where a guest code belongs).
    const swapped = route.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
      encodeURIComponent(name === 'guest_code' ? a.invitation.code : a.guests.active.code),
    );
    const form: Record<string, string> = route.page ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    const pagePayload =
      route.page && route.method === 'POST' ? { payload: 'first_name=Intruder&cadence_days=Monday' } : {};
    cells.push({
      route,
      caller: 'guest',
      intrusion: 'dead-guest-code',
      request: { ...request(path(a), null, form), ...pagePayload },
      allowed: refused,
    });
    cells.push({
      route,
      caller: 'guest',
      intrusion: 'b-under-a',
      request: { ...request(swapped, null, form), ...pagePayload },
      allowed: refused,
    });
  } else if (route.method === 'POST') {
    // Public writes (the access email): asking about B's guest tells nothing about B.
    cells.push({
      route,
      caller: 'guest',
      intrusion: 'b-with-a-token',
      request: request(route.url, null, {}),
      allowed: (s) => s < 500,
    });
  }
  return cells;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The markers an answer must not hold, leaving out any the request itself carries. */
function leaked(markers: string[], request: InjectOptions, response: LightMyRequestResponse): string[] {
  // Case matters: the tag is written mixed-case in names and lower-case in emails, so a request
  // naming one of B's emails still lets the answer be searched for B's names.
  const sent = `${safeDecode(String(request.url))} ${JSON.stringify(request.payload ?? '')}`;
  const answer = `${JSON.stringify(response.headers)} ${response.body}`;
  return markers.filter((marker) => !sent.includes(marker) && answer.includes(marker));
}

describe('tenant isolation matrix', () => {
  let ctx: TestContext;
  let routes: RouteInfo[];
  let a: World;
  let b: World;
  let markers: string[];

  before(async () => {
    ({ ctx, routes } = await buildFuzzApp());
    b = await buildWorld(ctx, 'IsoB');
    a = await buildWorld(ctx, 'IsoA', b.guests.shared.email);
    // The tag is in every name, company, status, group and the organization's name (as written:
    // emails hold it in lower case); B's own emails and group id too. The shared guest's email is
    // A's as much as B's, and bodies sent to A carry B's other guest's email (an email is global:
    // A may make it a guest or invite it), so neither is a marker; B's profile of them is.
    markers = [
      ...b.markers,
      b.guests.active.email,
      b.guests.disabled.email,
      b.invitation.email,
      ...b.memberEmails,
      b.groupId,
    ];
  });
  after(() => ctx.close());

  it("no intruding request is let through, answers with B's data or writes into B", async (t) => {
    assert.ok(routes.length >= 40, `the route table was read: ${routes.length} routes`);
    let cellsTried = 0;
    const failures: string[] = [];
    const byIntrusion: Record<string, number> = {};
    for (const route of routes) {
      const cells = cellsFor(route, a, b);
      if (cells.length === 0) continue;
      const before = await organizationSnapshot(ctx.db.kysely, b.orgId);
      for (const cell of cells) {
        const response = await ctx.app.inject(cell.request);
        cellsTried += 1;
        byIntrusion[cell.intrusion] = (byIntrusion[cell.intrusion] ?? 0) + 1;
        const where = `${route.method} ${route.url} as ${cell.caller}, ${cell.intrusion} (${String(cell.request.url)})`;
        const problem = answerProblem(String(cell.request.url), route.method, response);
        if (problem !== undefined)
          failures.push(`${where}: ${problem}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        else if (!cell.allowed(response.statusCode))
          failures.push(`${where}: answered ${response.statusCode} ${response.body.slice(0, 300)}`);
        const found = leaked(markers, cell.request, response);
        if (found.length > 0)
          failures.push(`${where}: the answer holds B's ${found.join(', ')}: ${response.body.slice(0, 300)}`);
      }
      const afterwards = await organizationSnapshot(ctx.db.kysely, b.orgId);
      if (JSON.stringify(afterwards) !== JSON.stringify(before)) {
        const changed = Object.keys(before).filter(
          (table) => JSON.stringify(before[table]) !== JSON.stringify(afterwards[table]),
        );
        failures.push(`${route.method} ${route.url}: wrote into B (${changed.join(', ')})`);
      }
    }
    const broken = await brokenInvariants(ctx.db.kysely);
    if (Object.keys(broken).length > 0) failures.push(`database invariants broken: ${JSON.stringify(broken)}`);
    const summary = `isolation matrix: ${cellsTried} cells over ${routes.length} routes × 4 callers × 6 intrusions (${JSON.stringify(byIntrusion)}), ${failures.length} failures`;
    t.diagnostic(summary);
    console.log(summary);
    assert.ok(cellsTried > routes.length * 4, 'the matrix covers every route');
    assert.deepEqual(failures, []);
  });
});
