/**
 * Guest codes at rest (README, "Guest code encryption"): encrypted with the key, looked up by
 * hash, plain codes of an earlier version encrypted at start, rotation, the key file of an
 * embedded database. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  buildTestApp,
  call,
  createGuest,
  guestsUrl,
  TEST_GUEST_CODE_KEY,
  type TestContext,
} from '../../support/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { GuestCodes, KEY_FILE_NAME, guestCodesFor } from '../../src/guests/guest-code.js';
import {
  assertCodeKeysKnown,
  prepareStoredCodes,
  rekeyCodes,
  sealPlainCodes,
} from '../../src/guests/guest-code.store.js';
import { parseKey, sha256 } from '../../src/core/secrets.js';

const testKey = parseKey(TEST_GUEST_CODE_KEY) as Buffer;
const codeOf = (link: unknown) => String(link).split('/').pop() as string;

describe('guest codes at rest', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const recordOf = (id: number) =>
    ctx.db.kysely
      .selectFrom('organization_guests')
      .selectAll()
      .where('organization_id', '=', ctx.orgId)
      .where('guest_id', '=', id)
      .executeTakeFirstOrThrow();

  describe('GuestCodes', () => {
    it('seals a code that opens again with its key; the hash is its look-up and its associated data', () => {
      const codes = new GuestCodes(testKey);
      const stored = codes.fresh();
      assert.equal(stored.guest_code, null);
      const code = codes.open(stored) as string;
      assert.match(code, /^[A-Za-z0-9_-]{32}$/);
      // The instance that sealed it answers from memory; one that never saw it decrypts it.
      assert.equal(new GuestCodes(testKey).open(stored), code, 'another instance with the key decrypts it');
      assert.equal(stored.guest_code_hash, sha256(code));
      assert.ok(!stored.guest_code_encrypted.includes(code));
      const other = codes.fresh();
      assert.throws(
        () => codes.open({ ...stored, guest_code_hash: other.guest_code_hash }),
        'a ciphertext moved to another record does not open',
      );
      assert.equal(codes.open(stored), code, 'opened again: the same code');
      assert.throws(
        () => codes.open({ ...stored, guest_code_key_id: 'an-unknown-key' }),
        /neither GUEST_CODE_KEY/,
        'opened before under its own key id, it still does not open under another',
      );
      assert.notEqual(
        codes.seal(code).guest_code_encrypted,
        codes.seal(code).guest_code_encrypted,
        'a fresh IV each time',
      );
    });

    it('opens with a previous key, refuses an unknown one, and a removed record has no code', () => {
      const oldKey = randomBytes(32);
      const old = new GuestCodes(oldKey);
      const stored = old.fresh();
      const rotated = new GuestCodes(randomBytes(32), [randomBytes(32), oldKey]);
      assert.equal(rotated.open(stored), old.open(stored));
      assert.throws(
        () => new GuestCodes(randomBytes(32)).open(stored),
        /neither GUEST_CODE_KEY nor in GUEST_CODE_KEYS_PREVIOUS/,
      );
      assert.equal(old.open({ guest_code_hash: null, guest_code_encrypted: null, guest_code_key_id: null }), null);
    });
  });

  it('the database holds no guest code in clear: only its hash and its ciphertext with the key id', async () => {
    const guest = await createGuest(ctx);
    const code = codeOf(guest.link);
    const record = await recordOf(guest.id);
    assert.equal(record.guest_code, null);
    assert.equal(record.guest_code_hash, sha256(code));
    assert.equal(record.guest_code_key_id, new GuestCodes(testKey).currentKeyId);
    assert.ok(
      !Object.values(record).some((value) => typeof value === 'string' && value.includes(code)),
      'no column holds the code',
    );
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}` })).statusCode, 200);
    // Reset link writes a new ciphertext; remove empties every code column.
    const reset = (await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email, '/reset-link'))).json()
      .data;
    const afterReset = await recordOf(guest.id);
    assert.equal(afterReset.guest_code, null);
    assert.equal(afterReset.guest_code_hash, sha256(codeOf(reset.link)));
    await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email));
    const removed = await recordOf(guest.id);
    assert.deepEqual(
      [removed.guest_code, removed.guest_code_hash, removed.guest_code_encrypted, removed.guest_code_key_id],
      [null, null, null, null],
    );
  });

  it('plain codes of an earlier version are encrypted at start, once, with links and look-ups unchanged', async () => {
    const guests = [await createGuest(ctx), await createGuest(ctx)];
    for (const guest of guests) {
      await ctx.db.kysely
        .updateTable('organization_guests')
        .set({ guest_code: codeOf(guest.link), guest_code_encrypted: null, guest_code_key_id: null })
        .where('organization_id', '=', ctx.orgId)
        .where('guest_id', '=', guest.id)
        .execute();
    }
    const codes = new GuestCodes(testKey);
    // Two instances starting together: each code is encrypted by one of them.
    const counts = await Promise.all([sealPlainCodes(ctx.db.kysely, codes), sealPlainCodes(ctx.db.kysely, codes)]);
    assert.equal(counts[0] + counts[1], 2);
    assert.equal(await sealPlainCodes(ctx.db.kysely, codes), 0, 'nothing left the second time');
    for (const guest of guests) {
      const record = await recordOf(guest.id);
      assert.equal(record.guest_code, null);
      assert.equal(codes.open(record), codeOf(guest.link));
      assert.equal(
        (await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))).json().data.link,
        guest.link,
      );
      assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${codeOf(guest.link)}` })).statusCode, 200);
    }
  });

  it('rotation: the previous key still reads; rekey moves every code to the new key; then the old key can go', async () => {
    const guest = await createGuest(ctx);
    const newKey = randomBytes(32);
    const rotated = new GuestCodes(newKey, [testKey]);
    await assert.rejects(
      assertCodeKeysKnown(ctx.db.kysely, new GuestCodes(newKey)),
      (error: unknown) => error instanceof ConfigError && error.variable === 'GUEST_CODE_KEY',
    );
    const rekeyed = await rekeyCodes(ctx.db.kysely, rotated);
    assert.ok(rekeyed >= 1);
    assert.equal(await rekeyCodes(ctx.db.kysely, rotated), 0, 'a second run has nothing to do');
    const alone = new GuestCodes(newKey);
    await assertCodeKeysKnown(ctx.db.kysely, alone);
    const record = await recordOf(guest.id);
    assert.equal(record.guest_code_key_id, alone.currentKeyId);
    assert.equal(alone.open(record), codeOf(guest.link));
    // Back to the test key for the other tests of this app.
    await rekeyCodes(ctx.db.kysely, new GuestCodes(testKey, [newKey]));
    await prepareStoredCodes(ctx.db.kysely, new GuestCodes(testKey));
  });
});

describe('the key of an embedded database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guest-code-key-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is made on first run next to the database file with mode 0600, then reused', () => {
    const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'guests.sqlite')}` });
    const first = guestCodesFor(config);
    const file = path.join(dir, KEY_FILE_NAME);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(guestCodesFor(config).currentKeyId, first.currentKeyId);
    assert.equal(fs.readdirSync(dir).length, 1, 'no temporary file left');
  });

  it('a key file that holds no key stops the start, naming the variable', () => {
    const bad = fs.mkdtempSync(path.join(dir, 'bad-'));
    fs.writeFileSync(path.join(bad, KEY_FILE_NAME), 'not a key\n');
    assert.throws(
      () => guestCodesFor(loadConfig({ DATABASE_URL: `sqlite:${path.join(bad, 'guests.sqlite')}` })),
      (error: unknown) => error instanceof ConfigError && error.variable === 'GUEST_CODE_KEY',
    );
  });

  it('GUEST_CODE_KEY wins over the file; an in-memory database gets a key of its own', () => {
    const config = loadConfig({
      DATABASE_URL: `sqlite:${path.join(dir, 'guests.sqlite')}`,
      GUEST_CODE_KEY: TEST_GUEST_CODE_KEY,
    });
    assert.equal(guestCodesFor(config).currentKeyId, new GuestCodes(testKey).currentKeyId);
    assert.ok(guestCodesFor(loadConfig({ DATABASE_URL: 'sqlite::memory:' })).currentKeyId);
  });
});
