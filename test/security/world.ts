/**
 * The app's own route table, and organizations filled with one of everything its routes address
 * (members of each role, a disabled member, guests active, disabled and shared with another
 * organization, a group, a task, an open invitation, tokens working, revoked and expired), so that
 * generated requests carry real ids, emails and codes and reach the handlers past validation.
 */
import { randomBytes } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { unsubscribeToken } from '../../src/notifications/unsubscribe.js';
import { PDF, multipart } from '../files/file-helpers.js';
import {
  buildTestApp,
  call,
  createOrgWithMembers,
  uniqueEmail,
  type TestContext,
  type TestOptions,
} from '../../support/app.js';

export interface RouteInfo {
  method: string;
  url: string;
  /** Bearer-token routes say what they need: read, write or admin. */
  access: string | undefined;
  /** Names of the path parameters, in order. */
  params: string[];
  /** Query parameter names the route declares. */
  query: string[];
  /** Body field names the route declares (of the object, or of the items of an array body). */
  body: string[];
  /** Routes of a browser page: their errors are HTML pages, not the JSON error body. */
  page: boolean;
}

function propertyNames(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as { properties?: Record<string, unknown>; items?: unknown; anyOf?: unknown[] };
  const names = Object.keys(s.properties ?? {});
  if (s.items) names.push(...propertyNames(s.items));
  for (const option of s.anyOf ?? []) names.push(...propertyNames(option));
  return [...new Set(names)];
}

/** Collects the routes as the app adds them: a route added later is covered with no change here. */
export function routeCollector() {
  const routes: RouteInfo[] = [];
  const onRoute = (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const schema = (route.schema ?? {}) as { querystring?: unknown; body?: unknown };
    for (const method of methods) {
      // HEAD twins answer as their GET does, without a body to check.
      if (method === 'HEAD') continue;
      routes.push({
        method,
        url: route.url,
        access: (route.config as { access?: string } | undefined)?.access,
        params: [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string),
        query: propertyNames(schema.querystring),
        body: propertyNames(schema.body),
        page:
          route.schema === undefined &&
          !route.url.startsWith('/api/') &&
          (route.url.startsWith('/guest/') ||
            route.url.startsWith('/invitations/') ||
            route.url.startsWith('/unsubscribe/')),
      });
    }
  };
  return { routes, onRoute };
}

/** Builds the test app with generous limits, and reads its route table. */
export async function buildFuzzApp(options: TestOptions = {}): Promise<{ ctx: TestContext; routes: RouteInfo[] }> {
  const collector = routeCollector();
  const ctx = await buildTestApp({
    ...options,
    env: {
      RATE_LIMIT_MAX: '0',
      ACCESS_EMAIL_LIMIT_PER_IP: '0',
      ACCESS_EMAIL_LIMIT_PER_EMAIL: '0',
      GUEST_INVITE_LIMIT_PER_HOUR: '0',
      LOG_LEVEL: 'warn',
      // 64 KiB: an over-large body is refused as any larger limit refuses it, without building megabytes.
      BODY_LIMIT_BYTES: '65536',
      ...options.env,
    },
    onRoute: collector.onRoute,
  });
  return { ctx, routes: collector.routes };
}

export interface WorldGuest {
  id: number;
  email: string;
  code: string;
}

export interface World {
  orgId: string;
  name: string;
  tokens: { admin: string; standard: string; light: string };
  members: { admin: number; standard: number; light: number };
  memberEmails: string[];
  /** A member disabled in this organization, and their token. */
  disabled: { id: number; token: string };
  revokedToken: string;
  expiredToken: string;
  tokenIds: number[];
  guests: { active: WorldGuest; disabled: WorldGuest; shared: WorldGuest; other: WorldGuest };
  groupId: string;
  taskId: string;
  /** A file on the task, its name carrying the markers (docs/files.md). */
  fileId: string;
  invitation: { id: number; email: string; code: string };
  /** Unsubscribe tokens of the active guest's record (reminders, digest): credentials of that record only. */
  unsubscribe: { reminders: string; digest: string };
  /** Distinctive strings planted in this organization's data. */
  markers: string[];
}

function codeOfLink(link: unknown): string {
  const code = /\/guest\/([^/?#]+)$/.exec(String(link))?.[1];
  if (!code) throw new Error(`no guest code in ${String(link)}`);
  return code;
}

async function ok(response: { statusCode: number; body: string; json: <T>() => T }, what: string) {
  if (response.statusCode >= 300) throw new Error(`${what}: ${response.statusCode} ${response.body}`);
  return response.json<{ data: Record<string, unknown> }>().data;
}

/**
 * One organization with one of everything. `label` goes into every name, so that answers can be
 * searched for it; `sharedEmail` makes one of its guests a guest of another organization too.
 */
export async function buildWorld(ctx: TestContext, label: string, sharedEmail?: string): Promise<World> {
  const tag = `${label}${randomBytes(3).toString('hex')}`;
  const marker = (what: string) => `${tag}-${what}`;
  const name = marker('org');
  const org = await createOrgWithMembers(ctx.admin, name, tag.toLowerCase());
  const { orgId, tokens, members } = org;
  const disabledMember = await ctx.admin.addMember({
    organizationId: orgId,
    email: `${tag.toLowerCase()}-off@members.test`,
    role: 'standard',
    firstName: marker('offfirst'),
  });
  const disabledToken = (await ctx.admin.createToken({ email: disabledMember.email })).token;
  const revoked = await ctx.admin.createToken({ email: `${tag.toLowerCase()}-admin@members.test` });
  await ctx.admin.revokeToken(revoked.id);
  const expired = await ctx.admin.createToken({ email: `${tag.toLowerCase()}-admin@members.test` });
  await ctx.db.kysely
    .updateTable('access_tokens')
    .set({ expires_at: '2000-01-01 00:00:00' })
    .where('id', '=', expired.id)
    .execute();
  await ok(
    await call(ctx, tokens.admin, 'DELETE', `/api/organizations/${orgId}/users/${disabledMember.id}/disable`),
    'disable member',
  );

  const guest = async (email: string, what: string): Promise<WorldGuest> => {
    const data = await ok(
      await call(ctx, tokens.admin, 'POST', `/api/organizations/${orgId}/guests`, {
        email,
        first_name: marker(`${what}first`),
        last_name: marker(`${what}last`),
        company_name: marker(`${what}company`),
        status: marker(`${what}status`),
        phone_1: '+1-555-0100',
      }),
      `create guest ${what}`,
    );
    return { id: Number(data.id), email: String(data.email), code: codeOfLink(data.link) };
  };
  const active = await guest(uniqueEmail(`${tag.toLowerCase()}a`), 'active');
  const disabledGuest = await guest(uniqueEmail(`${tag.toLowerCase()}d`), 'disabled');
  const other = await guest(uniqueEmail(`${tag.toLowerCase()}o`), 'other');
  const shared = await guest(sharedEmail ?? uniqueEmail(`${tag.toLowerCase()}s`), 'shared');
  await ok(
    await call(
      ctx,
      tokens.admin,
      'DELETE',
      `/api/organizations/${orgId}/guests/${encodeURIComponent(disabledGuest.email)}/disable`,
    ),
    'disable guest',
  );
  await ok(
    await call(ctx, tokens.admin, 'POST', `/api/guest/${active.code}/preferences`, {
      slug: 'content_language',
      value: 'de',
    }),
    'preference',
  );

  const group = await ok(
    await call(ctx, tokens.admin, 'POST', `/api/organizations/${orgId}/groups`, {
      name: marker('group'),
      description: marker('groupdesc'),
      members: [members.admin, members.light],
      guests: [active.email, shared.email],
    }),
    'create group',
  );

  // Owned by members only: a guest's open task would change what disabling the guests answers.
  const task = await ok(
    await call(ctx, tokens.admin, 'POST', `/api/organizations/${orgId}/tasks`, {
      title: marker('task'),
      summary: marker('tasksummary'),
      deadline: '2030-01-01 00:00:00',
      owners: { users: [members.standard] },
      form_fields: [{ field_type: 'dropdown', label: marker('field'), options: [marker('option')] }],
    }),
    'create task',
  );

  const form = multipart([
    { name: 'subject_type', value: 'Task' },
    { name: 'subject_id', value: String(task.id) },
    { name: 'name', filename: `${marker('file')}.pdf`, data: PDF },
  ]);
  const uploaded = await ctx.app.inject({
    method: 'POST',
    url: `/api/organizations/${orgId}/file`,
    headers: { authorization: `Bearer ${tokens.admin}`, ...form.headers },
    payload: form.payload,
  });
  if (uploaded.statusCode !== 201) throw new Error(`upload file: ${uploaded.statusCode} ${uploaded.body}`);
  const fileId = (uploaded.json() as { data: { id: string } }).data.id;

  const inviteEmail = `${tag.toLowerCase()}-invitee@members.test`;
  const invited = await ok(
    await call(ctx, tokens.admin, 'POST', `/api/organizations/${orgId}/users/invite`, {
      email: inviteEmail,
      first_name: marker('invfirst'),
      last_name: marker('invlast'),
      role: 'light',
      message: marker('invmsg'),
    }),
    'invite',
  );
  const mail = await ctx.db.kysely
    .selectFrom('outbox')
    .select('text_body')
    .where('recipient', 'like', `%${inviteEmail}%`)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const invitationCode = /\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1];
  if (!invitationCode) throw new Error('no invitation code in the email');

  const tokenIds = (
    await ctx.db.kysely
      .selectFrom('access_tokens')
      .select('id')
      .where('user_id', 'in', [members.admin, members.standard, members.light, disabledMember.id])
      .execute()
  ).map((row) => row.id);

  const activeRecord = await ctx.db.kysely
    .selectFrom('organization_guests')
    .select('id')
    .where('organization_id', '=', orgId)
    .where('guest_id', '=', active.id)
    .executeTakeFirstOrThrow();
  return {
    orgId,
    name,
    tokens,
    members,
    unsubscribe: {
      reminders: unsubscribeToken(ctx.links.codes, activeRecord.id, 'task_reminders'),
      digest: unsubscribeToken(ctx.links.codes, activeRecord.id, 'daily_digest'),
    },
    memberEmails: ['admin', 'standard', 'light', 'off'].map((role) => `${tag.toLowerCase()}-${role}@members.test`),
    disabled: { id: disabledMember.id, token: disabledToken },
    revokedToken: revoked.token,
    expiredToken: expired.token,
    tokenIds,
    guests: { active, disabled: disabledGuest, shared, other },
    groupId: String(group.id),
    taskId: String(task.id),
    fileId,
    invitation: { id: Number(invited.id), email: inviteEmail, code: invitationCode },
    markers: [tag],
  };
}
