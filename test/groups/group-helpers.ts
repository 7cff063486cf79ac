/** Shared by the group tests: paths, a typed create, and the group object's shape. */
import assert from 'node:assert/strict';
import { call, type TestContext } from '../../support/app.js';

export interface GroupData {
  id: string;
  name: string;
  description: string | null;
  logo: null;
  members: number[];
  guests: string[];
  created_at: string;
  last_updated: string;
  updated_at: string;
}

export const GROUP_KEYS = [
  'id',
  'name',
  'description',
  'logo',
  'members',
  'guests',
  'created_at',
  'last_updated',
  'updated_at',
];

export function groupsUrl(orgId: string, groupId?: string, base = '/api'): string {
  return `${base}/organizations/${orgId}/groups${groupId === undefined ? '' : `/${groupId}`}`;
}

/** Creates a group through the API (201 expected) and returns the answer's data. */
export async function createGroup(
  ctx: TestContext,
  body: Record<string, unknown>,
  token = ctx.tokens.admin,
  orgId = ctx.orgId,
): Promise<GroupData> {
  const response = await call(ctx, token, 'POST', groupsUrl(orgId), body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ data: GroupData }>().data;
}

/** Asserts the shape every group answer has: each key, in order, with its type. */
export function assertGroupShape(group: GroupData): void {
  assert.deepEqual(Object.keys(group), GROUP_KEYS);
  assert.match(group.id, /^[0-9a-f]{32}$/);
  assert.equal(group.logo, null);
  for (const stamp of [group.created_at, group.updated_at, group.last_updated])
    assert.match(stamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.equal(group.last_updated, group.updated_at);
}
