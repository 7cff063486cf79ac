/** Every field rule of docs/guests.md, Fields, on create and on update: a passing and a failing one. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';

interface Rule {
  field: string;
  pass: unknown[];
  fail: unknown[];
  /** Where the stored value shows in the guest object. */
  read: (guest: Record<string, unknown> & { details: Record<string, unknown> }) => unknown;
}

const detail = (key: string) => (g: { details: Record<string, unknown> }) => g.details[key];
const top = (key: string) => (g: Record<string, unknown>) => g[key];

const RULES: Rule[] = [
  {
    field: 'first_name',
    pass: ['Ada', 'x'.repeat(200), 'Zoë'],
    fail: ['x'.repeat(201), 12, true, {}],
    read: top('first_name'),
  },
  { field: 'last_name', pass: ['Lovelace', 'x'.repeat(200)], fail: ['x'.repeat(201), ['a']], read: top('last_name') },
  {
    field: 'phone_1',
    pass: ['+1-212-555-0123', 'x'.repeat(20)],
    fail: ['x'.repeat(21), 2125550123],
    read: detail('phone_1'),
  },
  { field: 'phone_2', pass: ['555 0100'], fail: ['1'.repeat(21)], read: detail('phone_2') },
  {
    field: 'company_name',
    pass: ['ACME Corp', 'x'.repeat(200)],
    fail: ['x'.repeat(201)],
    read: detail('company_name'),
  },
  { field: 'opportunity_name', pass: ['Big deal'], fail: ['x'.repeat(201)], read: detail('opportunity_name') },
  { field: 'status', pass: ['Onboarding'], fail: ['x'.repeat(201), 3], read: detail('status') },
  {
    field: 'company_url',
    pass: ['https://acme.example/', 'http://acme.example/about?x=1'],
    fail: ['acme.example', 'ftp://acme.example', 'javascript:alert(1)', 'https://'],
    read: detail('company_url'),
  },
  {
    field: 'contact_url',
    pass: ['https://acme.example/contact'],
    fail: ['not a url', 'mailto:a@b.c'],
    read: detail('contact_url'),
  },
  {
    field: 'image_url',
    pass: ['https://cdn.example/a.png'],
    fail: ['/relative.png', 'data:image/png;base64,AAAA'],
    read: detail('image_url'),
  },
  {
    field: 'opportunity_url',
    pass: ['https://crm.example/opp/1'],
    fail: ['www.crm.example'],
    read: detail('opportunity_url'),
  },
  {
    field: 'timezone',
    pass: ['America/Chicago', 'Europe/London', 'UTC'],
    fail: ['Mars/Olympus', 'GMT+25', 'America/Chicago; drop table', 5],
    read: detail('timezone'),
  },
  {
    field: 'external_sync_source',
    pass: ['salesforce'],
    fail: ['hubspot', 'Salesforce ', 'SALESFORCE'],
    read: detail('external_sync_source'),
  },
  {
    field: 'external_date_creation',
    pass: ['2025-01-15 10:30:00', '2024-02-29 23:59:59'],
    fail: ['2025-01-15', '2025-02-30 10:00:00', '2025-01-15T10:30:00Z', '2025-13-01 00:00:00', '2025-01-15 24:00:00'],
    read: detail('external_date_creation'),
  },
  {
    field: 'cadence_days',
    pass: [['Monday', 'Friday'], ['Sunday']],
    fail: [['Monday', 'Monday'], ['monday'], ['Someday'], 'Monday', [1]],
    read: detail('cadence_days'),
  },
];

describe('field rules', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  for (const rule of RULES) {
    describe(rule.field, () => {
      for (const value of rule.pass) {
        it(`accepts ${JSON.stringify(value).slice(0, 40)} on create and update`, async () => {
          const created = await createGuest(ctx, { [rule.field]: value });
          assert.deepEqual(rule.read(created), value);
          const other = await createGuest(ctx);
          const updated = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, other.email), {
            [rule.field]: value,
          });
          assert.equal(updated.statusCode, 201, updated.body);
          assert.deepEqual(rule.read(updated.json().data), value);
        });
      }
      for (const value of rule.fail) {
        it(`rejects ${JSON.stringify(value).slice(0, 40)} on create and update, writing nothing`, async () => {
          const email = uniqueEmail();
          const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
            email,
            [rule.field]: value,
          });
          assert.equal(response.statusCode, 422, response.body);
          const errors = response.json().errors as Record<string, string[]>;
          assert.ok(
            Object.keys(errors).some((key) => key === rule.field || key.startsWith(`${rule.field}.`)),
            response.body,
          );
          const row = await ctx.db.kysely
            .selectFrom('guests')
            .select('id')
            .where('email', '=', email)
            .executeTakeFirst();
          assert.equal(row, undefined, 'a rejected create writes no guest');

          const other = await createGuest(ctx, { [rule.field]: rule.pass[0] });
          const update = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, other.email), {
            [rule.field]: value,
          });
          assert.equal(update.statusCode, 422, update.body);
          const after = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, other.email));
          assert.deepEqual(rule.read(after.json().data), rule.pass[0], 'a rejected update changes nothing');
        });
      }
    });
  }

  describe('associated_members', () => {
    it('accepts member ids of this organization, replaces the list, [] and null clear it', async () => {
      const guest = await createGuest(ctx, { associated_members: [ctx.members.admin, ctx.members.light] });
      assert.deepEqual(guest.details.associated_members, [ctx.members.admin, ctx.members.light]);
      const replaced = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        associated_members: [ctx.members.standard],
      });
      assert.deepEqual(replaced.json().data.details.associated_members, [ctx.members.standard]);
      const cleared = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        associated_members: [],
      });
      assert.equal(cleared.json().data.details.associated_members, null);
      await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        associated_members: [ctx.members.standard],
      });
      const nulled = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        associated_members: null,
      });
      assert.equal(nulled.json().data.details.associated_members, null);
    });

    it('rejects ids that are not members of this organization, keyed by position', async () => {
      const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email: uniqueEmail(),
        associated_members: [ctx.members.admin, 999_999],
      });
      assert.equal(response.statusCode, 422);
      assert.deepEqual(Object.keys(response.json().errors), ['associated_members.1']);
    });

    it('rejects members of another organization', async () => {
      const other = await ctx.admin.createOrganization({ name: 'Other' });
      const stranger = await ctx.admin.addMember({
        organizationId: other.id,
        email: 'stranger@members.test',
        role: 'admin',
      });
      const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email: uniqueEmail(),
        associated_members: [stranger.id],
      });
      assert.equal(response.statusCode, 422);
      assert.ok(response.json().errors['associated_members.0']);
    });

    it('rejects non-integers, zero, negatives, duplicates and a non-array', async () => {
      for (const value of [['1'], [0], [-3], [1.5], 'abc', { id: 1 }]) {
        const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
          email: uniqueEmail(),
          associated_members: value,
        });
        assert.equal(response.statusCode, 422, JSON.stringify(value));
      }
      const duplicate = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email: uniqueEmail(),
        associated_members: [ctx.members.admin, ctx.members.admin],
      });
      assert.equal(duplicate.statusCode, 422);
      assert.ok(duplicate.json().errors.associated_members);
    });
  });

  describe('email', () => {
    it('is required on create', async () => {
      for (const body of [{}, { email: '' }, { email: '   ' }, { email: null }]) {
        const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), body);
        assert.equal(response.statusCode, 422);
        assert.deepEqual(response.json().errors.email, ['The email field is required.']);
      }
    });

    it('accepts RFC addresses and stores them in lower case, the domain in ASCII', async () => {
      for (const [input, stored] of [
        ['First.Last+tag@Partner.TEST', 'first.last+tag@partner.test'],
        ["o'brien@partner.test", "o'brien@partner.test"],
        ['user@bücher.test', 'user@xn--bcher-kva.test'],
        [`${'a'.repeat(64)}@partner.test`, `${'a'.repeat(64)}@partner.test`],
      ]) {
        const guest = await createGuest(ctx, { email: input });
        assert.equal(guest.email, stored);
      }
    });

    it('rejects malformed addresses and the length limits', async () => {
      for (const email of [
        'plainaddress',
        '@partner.test',
        'a@',
        'a b@partner.test',
        'a@@partner.test',
        `${'a'.repeat(65)}@partner.test`,
        `${'a'.repeat(60)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.test`,
        'a@localhost',
        42,
      ]) {
        const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email });
        assert.equal(response.statusCode, 422, `${String(email)}: ${response.body}`);
        assert.ok(response.json().errors.email, String(email));
      }
    });

    it('rejects the email of a member of this organization (422 on email)', async () => {
      const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email: 'ACME-standard@members.test',
      });
      assert.equal(response.statusCode, 422);
      assert.match(response.json().errors.email[0], /member/);
    });

    it("may be sent on update only when it is the guest's own", async () => {
      const guest = await createGuest(ctx);
      const same = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        email: guest.email.toUpperCase(),
        first_name: 'Same',
      });
      assert.equal(same.statusCode, 201, same.body);
      const different = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email), {
        email: uniqueEmail(),
        first_name: 'Other',
      });
      assert.equal(different.statusCode, 422);
      assert.ok(different.json().errors.email);
      const after = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email));
      assert.equal(after.json().data.first_name, 'Same');
    });
  });

  it('reports every failing field at once, schema and database checks together', async () => {
    const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
      email: 'someone@nowhere.invalid',
      first_name: 'x'.repeat(201),
      phone_1: 'x'.repeat(21),
      company_url: 'nope',
      timezone: 'Nowhere/Land',
      external_sync_source: 'hubspot',
      external_date_creation: 'yesterday',
      cadence_days: ['Funday'],
      associated_members: [ctx.members.admin, 424242],
    });
    assert.equal(response.statusCode, 422);
    const body = response.json();
    assert.deepEqual(Object.keys(body.errors).sort(), [
      'associated_members.1',
      'cadence_days.0',
      'company_url',
      'email',
      'external_date_creation',
      'external_sync_source',
      'first_name',
      'phone_1',
      'timezone',
    ]);
    assert.match(body.message, /\(and 8 more errors\)$/);
  });
});
