/**
 * What each benchmark case sends. Generators spread requests over the data: unique emails for
 * create, existing guests in a strided order for get and update (every guest of the list
 * organization, not one hot row), page numbers over the whole range for list. The same
 * generators drive the service and the floors, so both answer the same requests.
 */
import { randomBytes } from 'node:crypto';
import type { DbKind, Seed } from './database.js';
import type { LoadSpec, NextRequest } from './load.js';
import { guestProfile } from './people.js';

export type Operation =
  | 'create'
  | 'get'
  | 'update'
  | 'list'
  | 'list page 1'
  | 'list last page'
  | 'list with=stats'
  | typeof LIST_STATS_WITH_TASKS
  | 'create task with one new guest';

/** List with stats over the tasks organization, whose guests own 1 to 5 tasks each. */
export const LIST_STATS_WITH_TASKS = 'list with stats, 1–5 tasks per guest';

/** What the floors do: the minimal write and the minimal read. */
export type FloorOperation = 'insert' | 'select';

/** Which floor-2 operation each service operation is compared with. */
export const MATCHING_FLOOR: Record<Operation, FloorOperation> = {
  create: 'insert',
  update: 'insert',
  get: 'select',
  list: 'select',
  'list page 1': 'select',
  'list last page': 'select',
  'list with=stats': 'select',
  [LIST_STATS_WITH_TASKS]: 'select',
  'create task with one new guest': 'insert',
};

/** At 10 connections: the operation's req/s over its floor 2's, at least (the floor-ratio targets). */
export const RATIO_TARGETS: Record<DbKind, Partial<Record<Operation, number>>> = {
  sqlite: { create: 0.9, get: 0.8, update: 0.6 },
  postgres: { create: 0.7, get: 0.7 },
};

export const LIST_PAGE_SIZE = 100;

/** A step coprime with any guest count below it that is not a multiple of 7919 (a prime). */
const STRIDE = 7919;

/** Unique across runs, so emails never collide with an earlier run's on a reused database. */
const RUN_KEY = randomBytes(4).toString('hex');
let created = 0;

export function apiHeaders(token: string | undefined): Record<string, string> {
  return {
    accept: 'application/json',
    'content-type': 'application/json',
    'x-tallyfy-client': 'APIClient',
    ...(token && { authorization: `Bearer ${token}` }),
  };
}

function guestsPath(organizationId: string, email?: string): string {
  return `/api/organizations/${organizationId}/guests${email === undefined ? '' : `/${encodeURIComponent(email)}`}`;
}

/** A create body: a new guest with a realistic profile. */
export function nextCreate(seed: Seed, organizationId = seed.createOrgId): NextRequest {
  const i = created++;
  const { email, first_name, last_name, company_name, company_url, phone_1, timezone, associated_members } =
    guestProfile(`b${RUN_KEY}`, i, seed.memberIds);
  return {
    path: guestsPath(organizationId),
    body: JSON.stringify({
      email,
      first_name,
      last_name,
      company_name,
      company_url,
      phone_1,
      timezone,
      associated_members,
    }),
  };
}

let tasks = 0;

/**
 * A create-task body whose one guest owner is a new address: the task, the guest joined to the
 * organization, the owners and the assignment email, all in one transaction (docs/tasks.md,
 * Create task).
 */
export function nextTaskWithNewGuest(seed: Seed): NextRequest {
  const i = tasks++;
  const { email } = guestProfile(`t${RUN_KEY}`, i, seed.memberIds);
  return {
    path: `/api/organizations/${seed.createOrgId}/tasks`,
    body: JSON.stringify({
      title: `Send the signed contract ${i}`,
      summary: 'Please sign page 3 and send it back.',
      deadline: '2030-06-30T17:00:00+02:00',
      owners: { guests: [email] },
      form_fields: [{ field_type: 'text', label: 'Reference', required: true }],
    }),
  };
}

/** A strided walk over the list organization's guests, from a different start per generator. */
function strided(seed: Seed): () => string {
  let n = Math.floor(Math.random() * seed.listEmails.length);
  return () => {
    n = (n + STRIDE) % seed.listEmails.length;
    return seed.listEmails[n] as string;
  };
}

/** The requests of one operation against a server whose database holds `seed`. */
export function requestsFor(operation: Operation | FloorOperation, seed: Seed): Pick<LoadSpec, 'method' | 'next'> {
  const pages = Math.max(1, Math.ceil(seed.listEmails.length / LIST_PAGE_SIZE));
  let n = 0;
  const listPath = (page: number, extra = '') =>
    `${guestsPath(seed.listOrgId)}?per_page=${LIST_PAGE_SIZE}&page=${page}${extra}`;
  switch (operation) {
    case 'create':
    case 'insert':
      return { method: 'POST', next: () => nextCreate(seed) };
    case 'get':
    case 'select': {
      const email = strided(seed);
      return { method: 'GET', next: () => ({ path: guestsPath(seed.listOrgId, email()) }) };
    }
    case 'update': {
      const email = strided(seed);
      const members = seed.memberIds;
      return {
        method: 'PUT',
        next: () => {
          const k = n++;
          // Two members out of the organization's, rotating; a first name and a phone that change.
          const associated = [members[k % members.length], members[(k + 1) % members.length]];
          const body = {
            associated_members: associated,
            first_name: `Updated ${k % 97}`,
            phone_1: `+44 20 7946 ${String(k % 10_000).padStart(4, '0')}`,
          };
          return { path: guestsPath(seed.listOrgId, email()), body: JSON.stringify(body) };
        },
      };
    }
    case 'list':
      // Pages in a scattered order covering the whole range, first to last.
      return { method: 'GET', next: () => ({ path: listPath(((n++ * 37) % pages) + 1) }) };
    case 'list page 1':
      return { method: 'GET', next: () => ({ path: listPath(1) }) };
    case 'list last page':
      return { method: 'GET', next: () => ({ path: listPath(pages) }) };
    case 'list with=stats':
      return { method: 'GET', next: () => ({ path: listPath(((n++ * 37) % pages) + 1, '&with=stats') }) };
    case LIST_STATS_WITH_TASKS: {
      const taskPages = Math.max(1, Math.ceil(seed.tasksGuests / LIST_PAGE_SIZE));
      return {
        method: 'GET',
        next: () => ({
          path: `${guestsPath(seed.tasksOrgId)}?per_page=${LIST_PAGE_SIZE}&page=${((n++ * 7) % taskPages) + 1}&with=stats`,
        }),
      };
    }
    case 'create task with one new guest':
      return { method: 'POST', next: () => nextTaskWithNewGuest(seed) };
  }
}

export interface CaseSpec {
  operation: Operation;
  connections: number;
}

/** The timed cases of the service, in the order they run, for the given connection counts. */
export function serviceCases(connections: number[]): CaseSpec[] {
  const [low = 10] = connections;
  const each = (operation: Operation) => connections.map((c) => ({ operation, connections: c }));
  return [
    ...each('create'),
    ...each('get'),
    ...each('update'),
    ...each('list'),
    { operation: 'list page 1', connections: low },
    { operation: 'list last page', connections: low },
    { operation: 'list with=stats', connections: low },
    { operation: LIST_STATS_WITH_TASKS, connections: low },
    { operation: 'create task with one new guest', connections: low },
  ];
}
