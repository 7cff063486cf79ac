/**
 * List guests (docs/guests.md, List guests) answers byte for byte as recorded: on a seeded
 * organization (nulls, ties, quotes, non-ASCII text, long text, JSON arrays, removed guests, tasks
 * for the stats), every answer of a set of pages (sorts, search, with=stats, cursor pages,
 * per_page 1 and 100, the last page and past it) for admin, standard and light members has the
 * digest list-answers.digests.json holds. The organization id and the cursors, which differ from
 * run to run, are replaced by fixed words before the digest.
 *
 * The digests were recorded from the answers of the list as it was written before pages were read
 * straight into their JSON; a change that alters a single byte of any answer fails here. A change
 * that is meant to alter the answers records them again with LIST_ANSWERS_RECORD=1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';

const DIGESTS = new URL('./list-answers.digests.json', import.meta.url);
const RECORD = process.env.LIST_ANSWERS_RECORD === '1';

const NAMES = ['Ann', 'ann', 'Émile', 'Zoë "Z" O\'Neil', 'back\\slash', '😀 smile', '</script>', '', null, null];
const LONG = 'A company name long enough to pass the short-string path of any serializer (forty-two+)';
const TIMES = ['2026-01-01 00:00:00', '2026-01-01 00:00:01', '2026-03-04 05:06:07', null];
const CADENCES = [null, '["Monday","Friday"]', '[]', '{"not":"an array"}'];
const MEMBERS = [null, '[1,2,3]', '[42]'];

/** A small deterministic generator: the same organization on every run and every database. */
function generator(seed: number) {
  let state = seed;
  return <T>(values: readonly T[]): T => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return values[Math.floor((state / 2147483648) * values.length)] as T;
  };
}

async function seed(ctx: TestContext, count: number): Promise<void> {
  const pick = generator(7);
  const ids = Array.from({ length: count }, (_, i) => 500_000 + i);
  await ctx.db.kysely
    .insertInto('guests')
    .values(
      ids.map((id) => ({ id, email: `list.${id}@partner.test`, created_at: '2026-01-01 00:00:00', deleted_at: null })),
    )
    .execute();
  await ctx.db.kysely
    .insertInto('organization_guests')
    .values(
      ids.map((id, i) => {
        const removed = i % 17 === 5;
        const code = removed ? null : ctx.links.codes.seal(`code${String(id).padStart(28, '0')}`);
        return {
          organization_id: ctx.orgId,
          guest_id: id,
          first_name: pick(NAMES),
          last_name: pick(NAMES),
          company_name: pick([...NAMES, LONG]),
          opportunity_name: pick(NAMES),
          status: pick(['active', 'Lead', null]),
          last_city: pick(NAMES),
          last_known_country: pick(['US', 'us', 'DE', null]),
          phone_1: pick(['+1 555', '+1 556', null]),
          phone_2: pick(['1', '2', null]),
          timezone: pick(['Europe/Berlin', 'America/Chicago', null]),
          image_url: pick(['https://a.test/x', 'https://b.test/y?q="1"', null]),
          contact_url: pick(['https://a.test/x', 'https://B.test/y', null]),
          company_url: pick(['https://a.test/x', null]),
          opportunity_url: pick(['https://a.test/x', 'https://a.test/z', null]),
          external_sync_source: pick(['salesforce', null]),
          external_date_creation: pick(TIMES),
          cadence_days: pick(CADENCES),
          associated_members: pick(MEMBERS),
          last_known_ip: pick(['10.0.0.1', '192.168.0.1', null]),
          last_accessed_at: pick(TIMES),
          disabled_at: pick(TIMES),
          disabled_by: pick([1, 30, null]),
          reactivated_at: pick(TIMES),
          reactivated_by: pick([7, null]),
          created_at: pick(TIMES.slice(0, 3)) as string,
          updated_at: pick(TIMES.slice(0, 3)) as string,
          deleted_at: removed ? '2026-02-02 02:02:02' : null,
          guest_code: null,
          guest_code_hash: code?.guest_code_hash ?? null,
          guest_code_encrypted: code?.guest_code_encrypted ?? null,
          guest_code_key_id: code?.guest_code_key_id ?? null,
        };
      }),
    )
    .execute();
  // Tasks for the stats: open, completed, and completed by the guest's own part.
  const records = await ctx.db.kysely
    .selectFrom('organization_guests')
    .select('id')
    .where('organization_id', '=', ctx.orgId)
    .orderBy('guest_id')
    .execute();
  const tasks = ['t-open', 't-done', 't-part'];
  await ctx.db.kysely
    .insertInto('tasks')
    .values(
      tasks.map((id) => ({
        id: `${ctx.orgId}-${id}`,
        organization_id: ctx.orgId,
        title: id,
        deadline: '2026-05-01 00:00:00',
        task_type: 'task',
        everyone_must_complete: id === 't-part' ? 1 : 0,
        created_at: '2026-01-01 00:00:00',
        updated_at: '2026-01-01 00:00:00',
        completed_at: id === 't-done' ? '2026-04-01 10:00:00' : null,
      })),
    )
    .execute();
  const links = records.flatMap((record, i) =>
    tasks
      .filter((_, t) => (i + t) % 3 !== 0)
      .map((task) => ({
        task_id: `${ctx.orgId}-${task}`,
        organization_guest_id: record.id,
        completed_at: task === 't-part' && i % 2 === 0 ? '2026-04-02 11:00:00' : null,
      })),
  );
  for (let i = 0; i < links.length; i += 100) {
    await ctx.db.kysely
      .insertInto('task_guests')
      .values(links.slice(i, i + 100))
      .execute();
  }
}

const QUERIES = [
  '',
  'per_page=100',
  'per_page=100&page=2',
  'per_page=100&page=3',
  'per_page=100&page=9',
  'per_page=1',
  'per_page=1&page=2',
  'per_page=1&page=200',
  'per_page=1&page=230',
  'per_page=7&page=20&sort=-created_at',
  'per_page=100&with=stats',
  'per_page=100&page=2&with=stats',
  'per_page=1&page=3&with=stats',
  'per_page=100&sort=name',
  'per_page=100&page=2&sort=-name',
  'per_page=100&sort=email',
  'per_page=100&page=3&sort=-email',
  'per_page=100&sort=last_accessed_at',
  'per_page=100&page=2&sort=-last_accessed_at',
  'per_page=100&sort=-disabled_by',
  'per_page=100&sort=company_name&with=stats',
  'per_page=100&sort=-id',
  'per_page=100&sort_by=updated_at',
  'per_page=100&q=ann',
  'per_page=100&q=ANN&sort=-name&with=stats',
  'per_page=100&q=nobody-at-all',
  'limit=50&page=2',
];

/** Cursor walks: the first pages of each, following `links.next`. */
const WALKS = ['per_page=100', 'per_page=1&sort=-name', 'per_page=100&sort=email&with=stats', 'per_page=60&q=a'];

describe('List guests answers byte for byte as recorded', () => {
  let ctx: TestContext;
  const seen: Record<string, string> = {};
  const recorded = RECORD ? {} : (JSON.parse(fs.readFileSync(DIGESTS, 'utf8')) as Record<string, string>);

  before(async () => {
    ctx = await buildTestApp({ env: { RATE_LIMIT_MAX: '0' } });
    await seed(ctx, 230);
  });
  after(async () => {
    if (RECORD) fs.writeFileSync(DIGESTS, `${JSON.stringify(seen, null, 2)}\n`);
    await ctx.close();
  });

  /** The answer's text with the run's own organization id and cursors replaced by fixed words. */
  const answer = async (token: string, query: string) => {
    const response = await call(ctx, token, 'GET', `${guestsUrl(ctx.orgId)}?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    const next = response.json<{ meta: { pagination: { next_cursor?: string | null } } }>().meta.pagination.next_cursor;
    let text = response.body.split(ctx.orgId).join('ORG');
    if (next) text = text.split(next).join('CURSOR');
    return { text, next: next ?? null };
  };

  const check = (key: string, text: string) => {
    const digest = createHash('sha256').update(text).digest('hex');
    seen[key] = digest;
    if (!RECORD) assert.equal(digest, recorded[key], `${key}: the answer changed:\n${text.slice(0, 3000)}`);
  };

  for (const role of ['admin', 'standard', 'light'] as const) {
    it(`${role}: pages by number`, async () => {
      for (const query of QUERIES) check(`${role} ${query}`, (await answer(ctx.tokens[role], query)).text);
    });

    it(`${role}: pages by cursor`, async () => {
      for (const walk of WALKS) {
        let query = `${walk}&cursor=`;
        for (let page = 1; page <= 3; page += 1) {
          const { text, next } = await answer(ctx.tokens[role], query);
          check(`${role} ${walk} cursor page ${page}`, text);
          if (next === null) break;
          query = `${walk}&cursor=${next}`;
        }
      }
    });
  }
});
