// `guests migrate` encrypts guest codes an earlier version stored in clear, and `guests codes
// rekey` moves every stored code to a new key (README, "Guest code encryption"), as real
// processes on a temporary SQLite database; a server refuses to start with a key that cannot
// open the stored codes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { killAll, runGuests } from '../../support/process.js';
import { GuestCodes, KEY_FILE_NAME } from '../../src/guests/guest-code.js';
import { parseKey, sha256 } from '../../src/core/secrets.js';

describe('guest codes from the command line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-codes-'));
  const file = path.join(dir, 'data', 'guests.sqlite');
  const env = { DATA_DIR: path.join(dir, 'data'), SEED_DEMO: 'false', EMAIL_DNS_CHECK: 'off' };
  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = () => {
    const db = new SQLite(file, { readonly: true });
    try {
      return db
        .prepare(
          'select guest_code, guest_code_hash, guest_code_encrypted, guest_code_key_id from organization_guests order by id',
        )
        .all() as Array<{
        guest_code: string | null;
        guest_code_hash: string;
        guest_code_encrypted: string | null;
        guest_code_key_id: string | null;
      }>;
    } finally {
      db.close();
    }
  };

  test(
    'migrate encrypts plain codes with the key made on first run; rekey moves them to a new key',
    { timeout: 240_000 },
    async () => {
      const first = await runGuests(['migrate', '--json'], env);
      assert.equal(first.code, 0, first.describe);
      const keyFile = path.join(dir, 'data', KEY_FILE_NAME);
      assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
      const fileKey = fs.readFileSync(keyFile, 'utf8').trim();

      // Codes as an earlier version stored them: in clear, with their hash.
      const plain = ['plainCodeNumberOne_0123456789abcd', 'plainCodeNumberTwo_0123456789abcd'];
      const db = new SQLite(file);
      db.prepare(
        "insert into organizations (id, name, created_at) values ('0123456789abcdef0123456789abcdef', 'Old', '2025-01-01 00:00:00')",
      ).run();
      plain.forEach((code, i) => {
        const guest = db
          .prepare('insert into guests (email, created_at) values (?, ?)')
          .run(`old${i}@partner.test`, '2025-01-01 00:00:00');
        db.prepare(
          `insert into organization_guests (organization_id, guest_id, guest_code, guest_code_hash, created_at, updated_at)
        values ('0123456789abcdef0123456789abcdef', ?, ?, ?, '2025-01-01 00:00:00', '2025-01-01 00:00:00')`,
        ).run(guest.lastInsertRowid, code, sha256(code));
      });
      db.close();

      const migrated = await runGuests(['migrate'], env);
      assert.equal(migrated.code, 0, migrated.describe);
      const fileCodes = new GuestCodes(parseKey(fileKey) as Buffer);
      assert.deepEqual(
        rows().map((r) => [r.guest_code, r.guest_code_key_id, fileCodes.open(r)]),
        plain.map((code) => [null, fileCodes.currentKeyId, code]),
      );
      assert.ok(!fs.readFileSync(file).includes('plainCodeNumberOne'), 'the plain code is gone from the database file');

      // A new key without the old one: the stored codes cannot be opened, and nothing starts.
      const newKey = Buffer.alloc(32, 9).toString('base64');
      const refused = await runGuests(['codes', 'rekey'], { ...env, GUEST_CODE_KEY: newKey });
      assert.equal(refused.code, 1, refused.describe);
      assert.match(refused.stderr, /GUEST_CODE_KEY.*key id/);
      const server = await runGuests(['serve', '--port', '0'], { ...env, GUEST_CODE_KEY: newKey });
      assert.equal(server.code, 1, server.describe);
      assert.match(server.stderr, new RegExp(`key id ${fileCodes.currentKeyId}`));

      // With the old key as a previous one, rekey moves every code; a second run has nothing to do.
      const rotate = { ...env, GUEST_CODE_KEY: newKey, GUEST_CODE_KEYS_PREVIOUS: fileKey };
      const rekeyed = await runGuests(['codes', 'rekey', '--json'], rotate);
      assert.equal(rekeyed.code, 0, rekeyed.describe);
      const newCodes = new GuestCodes(Buffer.alloc(32, 9));
      assert.deepEqual(JSON.parse(rekeyed.stdout), { rekeyed: 2, key_id: newCodes.currentKeyId });
      assert.deepEqual(
        rows().map((r) => [r.guest_code_key_id, newCodes.open(r)]),
        plain.map((code) => [newCodes.currentKeyId, code]),
      );
      const again = await runGuests(['codes', 'rekey', '--json'], { ...env, GUEST_CODE_KEY: newKey });
      assert.equal(again.code, 0, again.describe);
      assert.equal(JSON.parse(again.stdout).rekeyed, 0);
      assert.ok(
        !`${rekeyed.stdout}${rekeyed.stderr}${again.stdout}`.includes(newKey) && !rekeyed.stdout.includes(fileKey),
        'no key is printed',
      );
    },
  );
});
