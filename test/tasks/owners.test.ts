/**
 * A task's owners: members, guests (joined by exactly the create-guest rules, invite cap included),
 * groups; the creator rule; the assignment email; and no partial write when an owner is refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { statementsSentBy } from '../../support/statement-counter.js';
import { DEADLINE, assignmentEmails, createTask, rowCounts, tasksUrl, type TaskData } from './task-helpers.js';

const postgres = Boolean(process.env.TEST_DATABASE_URL);

describe('tasks: owners', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const post = (body: Record<string, unknown>, token = ctx.tokens.admin) =>
    call(ctx, token, 'POST', tasksUrl(ctx.orgId), { title: 'Owned', deadline: DEADLINE, ...body });

  it('a light member reads tasks but cannot write them (403)', async () => {
    const task = await createTask(ctx);
    assertProblem(await post({}, ctx.tokens.light), 403, 'FORBIDDEN');
    const url = tasksUrl(ctx.orgId, task.id);
    assertProblem(await call(ctx, ctx.tokens.light, 'PUT', url, { title: 'x' }), 403, 'FORBIDDEN');
    assertProblem(await call(ctx, ctx.tokens.light, 'DELETE', url), 403, 'FORBIDDEN');
    assertProblem(await call(ctx, ctx.tokens.light, 'POST', `${url}/clone`), 403, 'FORBIDDEN');
    assert.equal((await call(ctx, ctx.tokens.light, 'GET', url)).statusCode, 200);
    assert.equal((await call(ctx, ctx.tokens.light, 'GET', tasksUrl(ctx.orgId))).statusCode, 200);
  });

  it('members: active members of the organization, as integers or strings; others named in one error', async () => {
    const task = await createTask(ctx, { owners: { users: [String(ctx.members.light), ctx.members.light] } });
    assert.deepEqual(task.owners.users, [ctx.members.light]);
    const response = await post({ owners: { users: [ctx.members.admin, 999_999, 2_147_483_647] } });
    assertProblem(response, 422, 'VALIDATION_FAILED', {
      errors: { 'owners.users': ['These are not active members of this organization: 999999, 2147483647.'] },
    });
    await ctx.db.kysely
      .updateTable('memberships')
      .set({ disabled_at: '2030-01-01 00:00:00' })
      .where('user_id', '=', ctx.members.light)
      .execute();
    try {
      assertProblem(await post({ owners: { users: [ctx.members.light] } }), 422, 'VALIDATION_FAILED', {
        fields: ['owners.users'],
      });
    } finally {
      await ctx.db.kysely
        .updateTable('memberships')
        .set({ disabled_at: null })
        .where('user_id', '=', ctx.members.light)
        .execute();
    }
  });

  it('guests: existing and new; a new one joins the organization; the creator is added as member owner', async () => {
    const existing = await createGuest(ctx);
    const fresh = uniqueEmail('fresh');
    const task = await createTask(
      ctx,
      { owners: { guests: [existing.email.toUpperCase(), fresh] } },
      ctx.tokens.standard,
    );
    assert.deepEqual(task.owners.guests, [existing.email, fresh].sort());
    assert.deepEqual(task.owners.users, [ctx.members.standard]);
    const joined = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, fresh));
    assert.equal(joined.statusCode, 200, joined.body);
  });

  it('a removed guest is joined again', async () => {
    const guest = await createGuest(ctx);
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email))).statusCode, 200);
    const task = await createTask(ctx, { owners: { guests: [guest.email] } });
    assert.deepEqual(task.owners.guests, [guest.email]);
    const back = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email));
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json<{ data: { deleted_at: null } }>().data.deleted_at, null);
  });

  it("a member's email is refused with create guest's message; a bad address fails on owners.guests", async () => {
    const { email: memberEmail } = await ctx.db.kysely
      .selectFrom('users')
      .select('email')
      .where('id', '=', ctx.members.standard)
      .executeTakeFirstOrThrow();
    const asGuest = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: memberEmail });
    const guestProblem = assertProblem(asGuest, 422, 'VALIDATION_FAILED', { fields: ['email'] });
    const before = await rowCounts(ctx);
    const asOwner = await post({ owners: { guests: [memberEmail] } });
    const ownerProblem = assertProblem(asOwner, 422, 'VALIDATION_FAILED', { fields: ['owners.guests'] });
    assert.deepEqual(ownerProblem.errors?.['owners.guests'], guestProblem.errors?.email);
    assert.equal(ownerProblem.message, guestProblem.message);
    for (const bad of ['not-an-email', 'someone@nomail.test']) {
      assertProblem(await post({ owners: { guests: [bad] } }), 422, 'VALIDATION_FAILED', {
        label: bad,
        fields: ['owners.guests'],
      });
    }
    assert.deepEqual(await rowCounts(ctx), before);
  });

  it('a created task, and its clone, answer exactly what reading them back gives: every kind of owner and field', async () => {
    const existing = await createGuest(ctx);
    const grouped = await createGuest(ctx);
    const group = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/groups`, {
      name: 'Answer check',
      members: [ctx.members.light],
      guests: [grouped.email],
    });
    assert.equal(group.statusCode, 201, group.body);
    const groupId = group.json<{ data: { id: string } }>().data.id;
    // A new guest written with capitals and spaces: the answer names them as stored.
    const fresh = uniqueEmail('Fresh').toUpperCase();
    const created = await createTask(ctx, {
      summary: 'Everything at once',
      owners: { users: [ctx.members.standard], guests: [` ${fresh} `, existing.email], groups: [groupId] },
      form_fields: [
        { field_type: 'text', label: 'Name', required: true },
        { field_type: 'multiselect', label: 'Pick', options: ['b', 'a'] },
        { field_type: 'file', label: 'Upload' },
      ],
    });
    const read = async (id: string) => {
      const response = await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId, id));
      assert.equal(response.statusCode, 200, response.body);
      return response.json<{ data: TaskData }>().data;
    };
    assert.equal(created.owners.guests.length, 3, JSON.stringify(created.owners));
    assert.deepEqual(
      created.owners.users,
      [ctx.members.light, ctx.members.standard].sort((a, b) => a - b),
    );
    assert.ok(created.owners.guests.includes(fresh.toLowerCase()), JSON.stringify(created.owners));
    assert.deepEqual(created, await read(created.id));
    const clone = await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId, created.id, '/clone'));
    assert.equal(clone.statusCode, 201, clone.body);
    const cloned = clone.json<{ data: TaskData }>().data;
    assert.deepEqual(cloned.owners, created.owners);
    assert.deepEqual(cloned, await read(cloned.id));
  });

  it('groups: their members and guests become owners, and the group stays listed; unknown ids are 422', async () => {
    const guest = await createGuest(ctx);
    const group = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/groups`, {
      name: 'Reviewers',
      members: [ctx.members.light],
      guests: [guest.email],
    });
    const groupId = group.json<{ data: { id: string } }>().data.id;
    const task = await createTask(ctx, { owners: { groups: [groupId] } });
    assert.deepEqual(task.owners, { users: [ctx.members.light], guests: [guest.email], groups: [groupId] });
    const bad = await post({ owners: { groups: ['0123456789abcdef0123456789abcdef', 'nope'] } });
    assertProblem(bad, 422, 'VALIDATION_FAILED', { fields: ['owners.groups'] });
  });

  it("a member's email among the guests is 422 (any case), beside an existing guest and a new address; nothing written", async () => {
    const existing = await createGuest(ctx);
    const fresh = uniqueEmail('beside-member');
    const before = await rowCounts(ctx);
    const bad = await post({ owners: { guests: [existing.email, ' ACME-Standard@Members.test ', fresh] } });
    assertProblem(bad, 422, 'VALIDATION_FAILED', { fields: ['owners.guests'] });
    assert.deepEqual(bad.json<{ errors: Record<string, string[]> }>().errors['owners.guests'], [
      'The email belongs to a member of this organization; a member cannot also be a guest.',
    ]);
    assert.deepEqual(await rowCounts(ctx), before);
    const lookup = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}/${encodeURIComponent(fresh)}`);
    assert.equal(lookup.statusCode, 404, 'the new address was not joined');
  });

  it('a member of another organization may be a guest owner here', async () => {
    const other = await ctx.admin.createOrganization({ name: 'Elsewhere' });
    const outsider = await ctx.admin.addMember({
      organizationId: other.id,
      email: uniqueEmail('member-elsewhere'),
      role: 'standard',
      firstName: 'Out',
      lastName: 'Sider',
    });
    const task = await createTask(ctx, { owners: { guests: [outsider.email] } });
    assert.deepEqual(task.owners.guests, [outsider.email]);
    await assertAssignmentEmail(ctx, outsider.email, task.title);
  });

  it('owners failing in all three kinds: one 422 naming each, users then guests then groups, nothing written', async () => {
    const before = await rowCounts(ctx);
    const bad = await post({
      owners: {
        users: [999_999],
        guests: [uniqueEmail('fine'), 'not an address'],
        groups: ['0123456789abcdef0123456789abcdef'],
      },
    });
    assertProblem(bad, 422, 'VALIDATION_FAILED', { fields: ['owners.users', 'owners.guests', 'owners.groups'] });
    const errors = bad.json<{ errors: Record<string, string[]> }>().errors;
    assert.deepEqual(Object.keys(errors), ['owners.users', 'owners.guests', 'owners.groups']);
    assert.match(errors['owners.users']?.[0] ?? '', /999999/);
    assert.equal(errors['owners.guests']?.length, 1);
    assert.match(errors['owners.groups']?.[0] ?? '', /0123456789abcdef0123456789abcdef/);
    assert.deepEqual(await rowCounts(ctx), before);
  });

  it('each guest newly made owner gets one email with title, deadline and link (HTML escaped)', async () => {
    const existing = await createGuest(ctx);
    const fresh = uniqueEmail('mailed');
    const before = (await assignmentEmails(ctx)).length;
    const task = await createTask(ctx, {
      title: 'Review <the> "deal"',
      owners: { guests: [existing.email, fresh] },
    });
    const emails = (await assignmentEmails(ctx)).slice(before);
    assert.deepEqual(emails.map((e) => e.recipient).sort(), [existing.email, fresh].sort());
    const mine = emails.find((e) => e.recipient === existing.email);
    assert.ok(mine);
    assert.match(mine.text_body, /Review <the> "deal"/);
    assert.match(mine.text_body, new RegExp(DEADLINE));
    assert.ok(mine.text_body.includes(String(existing.link)), mine.text_body);
    assert.match(mine.html_body ?? '', /Review &lt;the&gt; &quot;deal&quot;/);
    assert.doesNotMatch(mine.html_body ?? '', /<the>/);

    // An update mails only the guests it adds; a clone mails every guest owner again.
    const third = uniqueEmail('added');
    const put = await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, task.id), {
      owners: { guests: [existing.email, fresh, third] },
    });
    assert.equal(put.statusCode, 200, put.body);
    const afterPut = (await assignmentEmails(ctx)).slice(before + 2);
    assert.deepEqual(
      afterPut.map((e) => e.recipient),
      [third],
    );
    await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId, task.id, '/clone'));
    const all = (await assignmentEmails(ctx)).slice(before);
    assert.equal(all.length, 6);

    // Every one of them names the organization and carries its guest's own link, whether the guest
    // was joined by the write (fresh, third) or was one already.
    const { name } = await ctx.db.kysely
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', ctx.orgId)
      .executeTakeFirstOrThrow();
    const links = new Map<string, string>();
    for (const email of [existing.email, fresh, third]) {
      const guest = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
      links.set(email, guest.json<{ data: { link: string } }>().data.link);
    }
    for (const email of all) {
      assert.equal(email.subject, `New task from ${name}: Review <the> "deal"`);
      const link = links.get(email.recipient) ?? '';
      assert.ok(link.includes('/guest/'), `no link for ${email.recipient}`);
      assert.ok(email.text_body.includes(`${name} has given you a task:`), email.text_body);
      assert.ok(email.text_body.includes(link), `${email.recipient}'s email lacks their link`);
    }
  });

  it('PUT owners replaces them, keeps the creator rule, and keeps owners not sent out', async () => {
    const guest = await createGuest(ctx);
    const task = await createTask(ctx, { owners: { users: [ctx.members.light] } }, ctx.tokens.standard);
    const put = await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, task.id), {
      owners: { guests: [guest.email] },
    });
    const updated = put.json<{ data: TaskData }>().data;
    // No member given: the task's creator answers for it.
    assert.deepEqual(updated.owners, { users: [ctx.members.standard], guests: [guest.email], groups: [] });
    const emptied = await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, task.id), { owners: {} });
    assert.deepEqual(emptied.json<{ data: TaskData }>().data.owners, {
      users: [ctx.members.standard],
      guests: [],
      groups: [],
    });
  });
});

describe('tasks: the invite cap counts guests joined through tasks', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '2' } });
  });
  after(() => ctx.close());

  const windows = () => ctx.db.kysely.selectFrom('invite_windows').selectAll().execute();

  it('past the cap: 429 with Retry-After, and nothing written (no task, no guest, no invite counted)', async () => {
    const existing = await createGuest(ctx);
    const before = await rowCounts(ctx);
    const invitesBefore = await windows();
    const response = await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
      title: 'Too many',
      deadline: DEADLINE,
      owners: { guests: [existing.email, uniqueEmail('c1'), uniqueEmail('c2')] },
    });
    assertProblem(response, 429, 'RATE_LIMIT_EXCEEDED');
    assert.match(String(response.headers['retry-after']), /^[0-9]+$/);
    assert.deepEqual(await rowCounts(ctx), before);
    assert.deepEqual(await windows(), invitesBefore);
  });

  it('an existing guest costs no invite; a guest joined by a task counts against create guest', async () => {
    const first = await createTask(ctx, { owners: { guests: [uniqueEmail('t1')] } });
    assert.equal(first.owners.guests.length, 1);
    const direct = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: uniqueEmail('g') });
    assertProblem(direct, 429, 'RATE_LIMIT_EXCEEDED');
  });
});

describe('tasks: concurrent creates, some past the invite cap', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '3' } });
  });
  after(() => ctx.close());

  it('each create is all or nothing on its own: the refused ones write nothing, the others everything', async () => {
    // Sent at once, so on SQLite they share transactions (group commit): one refused create must
    // take back its task, its guest and its email, and none of its neighbours'.
    const before = await rowCounts(ctx);
    const emails = Array.from({ length: 6 }, (_, i) => uniqueEmail(`cap${i}`));
    const responses = await Promise.all(
      emails.map((email, i) =>
        call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
          title: `Concurrent ${i}`,
          deadline: DEADLINE,
          owners: { guests: [email] },
          form_fields: [{ field_type: 'text', label: 'Reference', required: true }],
        }),
      ),
    );
    const created = responses.filter((r) => r.statusCode === 201);
    const refused = responses.filter((r) => r.statusCode !== 201);
    assert.equal(created.length, 3);
    for (const response of refused) assertProblem(response, 429, 'RATE_LIMIT_EXCEEDED');
    assert.deepEqual(await rowCounts(ctx), {
      ...before,
      tasks: before.tasks + 3,
      organization_guests: before.organization_guests + 3,
      guests: before.guests + 3,
      outbox: before.outbox + 3,
      task_fields: before.task_fields + 3,
      task_guests: before.task_guests + 3,
    });
    // Every answered task is stored as answered, with the guest it names.
    for (const response of created) {
      const task = response.json<{ data: TaskData }>().data;
      const stored = await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId, task.id));
      assert.deepEqual(stored.json<{ data: TaskData }>().data, task);
      const guest = await call(
        ctx,
        ctx.tokens.admin,
        'GET',
        `${guestsUrl(ctx.orgId)}/${encodeURIComponent(task.owners.guests[0] as string)}`,
      );
      assert.equal(guest.statusCode, 200);
    }
    const joined = new Set(created.map((r) => r.json<{ data: TaskData }>().data.owners.guests[0]));
    for (const email of emails.filter((e) => !joined.has(e))) {
      const guest = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}/${encodeURIComponent(email)}`);
      assertProblem(guest, 404, 'RESOURCE_NOT_FOUND');
    }
  });
});

describe('tasks: owners new to the organization, and those that are not simply new', () => {
  // On PostgreSQL a create whose owners are members and new addresses is one statement; any of
  // these cases makes that statement write nothing, and the transaction answers instead.
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '8' } });
  });
  after(() => ctx.close());

  const invitesCounted = async () =>
    Number(
      (
        await ctx.db.kysely
          .selectFrom('invite_windows')
          .select((eb) => eb.fn.sum<number | string>('count').as('n'))
          .where('organization_id', '=', ctx.orgId)
          .executeTakeFirst()
      )?.n ?? 0,
    );
  const emailsTo = async (email: string) => (await assignmentEmails(ctx)).filter((e) => e.recipient === email).length;

  it('a removed guest beside a new address: both joined, each emailed once, each an invite', async () => {
    const removed = await createGuest(ctx);
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, removed.email))).statusCode, 200);
    const fresh = uniqueEmail('beside-removed');
    const invites = await invitesCounted();
    const { sent, result } = await statementsSentBy(() =>
      call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
        title: 'Back again',
        deadline: DEADLINE,
        owners: { guests: [removed.email, fresh] },
      }),
    );
    assert.equal(result.statusCode, 201, result.body);
    const task = result.json<{ data: TaskData }>().data;
    assert.deepEqual(task.owners.guests, [removed.email, fresh].sort());
    if (postgres) {
      // The one statement was tried first, then the transaction answered.
      const first = sent.findIndex(({ text }) => /insert into tasks /i.test(text));
      const begin = sent.findIndex(({ text }) => /^begin/i.test(text));
      assert.ok(first !== -1 && begin > first, sent.map(({ text }) => text.slice(0, 60)).join('\n'));
    }
    for (const email of [removed.email, fresh]) {
      const guest = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
      assert.equal(guest.statusCode, 200, guest.body);
      assert.equal(await emailsTo(email), 1, email);
    }
    assert.equal(await invitesCounted(), invites + 2);
    const read = await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId, task.id));
    assert.deepEqual(read.json<{ data: TaskData }>().data, task);
  });

  it('an address whose global guest was marked deleted is joined, and the mark cleared', async () => {
    const email = uniqueEmail('marked');
    const id = 1_900_000_000 + Math.floor(Math.random() * 100_000_000);
    await ctx.db.kysely
      .insertInto('guests')
      .values({ id, email, created_at: '2025-01-01 00:00:00', deleted_at: '2025-06-01 00:00:00' })
      .execute();
    const task = await createTask(ctx, { owners: { guests: [email] } });
    assert.deepEqual(task.owners.guests, [email]);
    const global = await ctx.db.kysely.selectFrom('guests').selectAll().where('email', '=', email).execute();
    assert.deepEqual(
      global.map((g) => [g.id, g.deleted_at]),
      [[id, null]],
    );
    assert.equal((await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email))).statusCode, 200);
    assert.equal(await emailsTo(email), 1);
  });

  it('one new address in creates sent at once: one guest, every task, one invite', async () => {
    const email = uniqueEmail('together');
    const before = await rowCounts(ctx);
    const invites = await invitesCounted();
    const responses = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
          title: `Together ${i}`,
          deadline: DEADLINE,
          owners: { guests: [email] },
        }),
      ),
    );
    for (const response of responses) {
      assert.equal(response.statusCode, 201, response.body);
      assert.deepEqual(response.json<{ data: TaskData }>().data.owners.guests, [email]);
    }
    assert.deepEqual(await rowCounts(ctx), {
      ...before,
      tasks: before.tasks + 4,
      organization_guests: before.organization_guests + 1,
      guests: before.guests + 1,
      outbox: before.outbox + 4,
      task_guests: before.task_guests + 4,
    });
    assert.equal(await invitesCounted(), invites + 1);
  });

  it('two new addresses with room for one: 429 and nothing written; one fits', async () => {
    const room = 8 - (await invitesCounted());
    for (let i = 0; i < room - 1; i++) await createGuest(ctx);
    assert.equal(await invitesCounted(), 7);
    const before = await rowCounts(ctx);
    const response = await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
      title: 'Two is one too many',
      deadline: DEADLINE,
      owners: { guests: [uniqueEmail('over1'), uniqueEmail('over2')], users: [ctx.members.standard] },
      form_fields: [{ field_type: 'text', label: 'Reference' }],
    });
    assertProblem(response, 429, 'RATE_LIMIT_EXCEEDED');
    assert.match(String(response.headers['retry-after']), /^[0-9]+$/);
    assert.deepEqual(await rowCounts(ctx), before);
    assert.equal(await invitesCounted(), 7);
    const fits = await createTask(ctx, { owners: { guests: [uniqueEmail('fits')] } });
    assert.equal(fits.owners.guests.length, 1);
    assert.equal(await invitesCounted(), 8);
  });
});

describe('tasks: a create reads back nothing it wrote', () => {
  let ctx: TestContext;
  let groupId: string;
  before(async () => {
    ctx = await buildTestApp();
    const group = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/groups`, {
      name: 'Nobody yet',
    });
    assert.equal(group.statusCode, 201, group.body);
    groupId = group.json<{ data: { id: string } }>().data.id;
  });
  after(() => ctx.close());

  // A group among the owners sends a create through its transaction on PostgreSQL too.
  it("in the transaction, the new guest's record and the organization's name come from the write itself", async () => {
    // One of each first: the token's look-up and the email domain's check are not the create's.
    await createTask(ctx, { owners: { guests: [uniqueEmail('warm')], groups: [groupId] } });
    const fresh = uniqueEmail('unread');
    const { sent, result } = await statementsSentBy(() =>
      call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
        title: 'Read nothing back',
        deadline: DEADLINE,
        owners: { guests: [fresh], groups: [groupId] },
      }),
    );
    assert.equal(result.statusCode, 201, result.body);
    assert.ok(
      sent.some(({ text }) => /^begin/i.test(text)),
      'the create ran in a transaction',
    );
    const reads = sent.map(({ text }) => text.replace(/\s+/g, ' ').toLowerCase()).filter((t) => t.startsWith('select'));
    assert.deepEqual(
      reads.filter((t) => /from "organizations"/.test(t) && !/"organization_guests"/.test(t)),
      [],
      "the organization's name has a statement of its own",
    );
    assert.deepEqual(
      reads.filter((t) => /"organization_guests"\."id" in/.test(t)),
      [],
      'the joined guest is read back by id',
    );
    await assertAssignmentEmail(ctx, fresh, 'Read nothing back');
  });

  it("the guest owners' check sends one text whatever the number of addresses (each list is one parameter)", async () => {
    const factsRead = async (guests: string[]) => {
      const { sent, result } = await statementsSentBy(() =>
        call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
          title: 'Same text',
          deadline: DEADLINE,
          owners: { guests },
        }),
      );
      assert.equal(result.statusCode, 201, result.body);
      const facts = sent.filter(({ text }) => /union all/i.test(text) && /from "organizations" o/i.test(text));
      assert.equal(facts.length, 1, sent.map(({ text }) => text.slice(0, 80)).join('\n'));
      return facts[0] as (typeof sent)[number];
    };
    const one = await factsRead([uniqueEmail('alone')]);
    const three = await factsRead([uniqueEmail('first'), uniqueEmail('second'), uniqueEmail('third')]);
    assert.equal(three.text, one.text);
    assert.equal(three.values.length, one.values.length);
    if (postgres) return; // Its plan there: test/guests/by-email-plans.test.ts.
    // Each address looked up by index; nothing of the organization walked.
    const plan = await ctx.db.kysely.executeQuery<{ detail: string }>({
      sql: `explain query plan ${three.text}`,
      parameters: three.values,
      query: { kind: 'RawNode' } as never,
      queryId: { queryId: 'explain' },
    });
    const steps = plan.rows.map((r) => r.detail);
    const scans = steps.filter((step) => step.startsWith('SCAN') && !step.startsWith('SCAN e '));
    assert.deepEqual(scans, [], steps.join('; '));
    assert.ok(
      steps.some((step) => /^SEARCH g USING COVERING INDEX \S+ \(email=\?\)/.test(step)),
      steps.join('; '),
    );
  });

  it('on PostgreSQL, members and new guests as owners: the whole create is one write, after the checks and the name', async (t) => {
    if (!postgres) return t.skip('SQLite writes in its transaction, its statements in-process');
    await createTask(ctx, { owners: { guests: [uniqueEmail('warm')] } });
    const fresh = [uniqueEmail('one'), uniqueEmail('two')];
    const { sent, result } = await statementsSentBy(() =>
      call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
        title: 'One write',
        deadline: DEADLINE,
        owners: { guests: fresh, users: [ctx.members.standard] },
        form_fields: [
          { field_type: 'text', label: 'Reference', required: true },
          { field_type: 'dropdown', label: 'Size', options: ['S', 'M'] },
        ],
      }),
    );
    assert.equal(result.statusCode, 201, result.body);
    const texts = sent.map(({ text }) => text.replace(/\s+/g, ' ').toLowerCase());
    assert.equal(texts.filter((t) => /^(begin|commit|savepoint)/.test(t)).length, 0, texts.join('\n'));
    const writes = texts.filter((t) => !t.startsWith('select'));
    assert.equal(writes.length, 1, writes.join('\n'));
    for (const table of [
      'tasks',
      'guests',
      'organization_guests',
      'task_users',
      'task_guests',
      'task_fields',
      'outbox',
    ])
      assert.match(writes[0] as string, new RegExp(`insert into "?${table}"? `), table);
    // Reads: the owners' checks, the members' and the guests' (their records, which new address
    // is a member's, and the organization's name, in one statement).
    const reads = texts.filter((t) => t.startsWith('select'));
    assert.equal(reads.length, 2, reads.join('\n'));
    assert.equal(reads.filter((t) => /"memberships" m .* union all .* from "organizations" o/.test(t)).length, 1);

    // All of it written, as the answer says; the guests joined as Create guest joins them.
    const task = result.json<{ data: TaskData }>().data;
    const read = await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId, task.id));
    assert.deepEqual(read.json<{ data: TaskData }>().data, task);
    assert.deepEqual(task.owners, { users: [ctx.members.standard], guests: fresh, groups: [] });
    for (const [i, email] of fresh.entries()) {
      const guest = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}/${encodeURIComponent(email)}`);
      assert.equal(guest.statusCode, 200, guest.body);
      await assertAssignmentEmail(ctx, email, 'One write');
      assert.equal(task.owners.guests[i], email);
    }
  });
});

/** The one assignment email queued for `email`: it names the organization and carries their link. */
async function assertAssignmentEmail(ctx: TestContext, email: string, title: string) {
  const emails = (await assignmentEmails(ctx)).filter((e) => e.recipient === email);
  assert.equal(emails.length, 1, `assignment emails for ${email}`);
  const guest = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}/${encodeURIComponent(email)}`);
  const { name } = await ctx.db.kysely
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', ctx.orgId)
    .executeTakeFirstOrThrow();
  assert.ok(emails[0]?.text_body.includes(guest.json<{ data: { link: string } }>().data.link));
  assert.equal(emails[0]?.subject, `New task from ${name}: ${title}`);
}
