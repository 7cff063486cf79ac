/**
 * The stored guest codes as a whole: the startup step that encrypts plain codes left from before
 * encryption, the check that every stored code opens with the configured keys, and the re-encryption
 * behind `guests codes rekey`. Each write is conditional on the value it read, so instances (or a
 * server and the CLI) doing the same work at once never undo each other's.
 */
import type { Kysely } from 'kysely';
import { ConfigError } from '../config.js';
import type { Database } from '../db/types.js';
import type { GuestCodes } from './guest-code.js';

const BATCH = 500;

/** Encrypts every plain `guest_code` left in the table and empties the column; the number encrypted. */
export async function sealPlainCodes(db: Kysely<Database>, codes: GuestCodes): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = await db
      .selectFrom('organization_guests')
      .select(['id', 'guest_code'])
      .where('guest_code', 'is not', null)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return sealed;
    let changed = 0;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const result = await trx
          .updateTable('organization_guests')
          .set(codes.seal(row.guest_code as string))
          .where('id', '=', row.id)
          .where('guest_code', '=', row.guest_code)
          .executeTakeFirst();
        changed += Number(result.numUpdatedRows);
      }
    });
    sealed += changed;
  }
}

/** Fails with a message naming the key when a stored code was encrypted with a key not configured. */
export async function assertCodeKeysKnown(db: Kysely<Database>, codes: GuestCodes): Promise<void> {
  const unknown = await db
    .selectFrom('organization_guests')
    .select('guest_code_key_id')
    .where('guest_code_encrypted', 'is not', null)
    .where((eb) => eb.or([eb('guest_code_key_id', 'is', null), eb('guest_code_key_id', 'not in', codes.keyIds)]))
    .limit(1)
    .executeTakeFirst();
  if (unknown) {
    throw new ConfigError(
      'GUEST_CODE_KEY',
      `cannot open the stored guest codes: some are encrypted with key id ${String(unknown.guest_code_key_id)}, ` +
        'which is neither GUEST_CODE_KEY (without it, the key file next to the SQLite database) nor in GUEST_CODE_KEYS_PREVIOUS',
    );
  }
}

/** What the server and `guests migrate` run after the migrations. */
export async function prepareStoredCodes(db: Kysely<Database>, codes: GuestCodes): Promise<void> {
  await sealPlainCodes(db, codes);
  await assertCodeKeysKnown(db, codes);
}

/**
 * Re-encrypts every stored code not encrypted with the current key (`guests codes rekey`); the
 * number re-encrypted. A code whose key is not configured stops it with that key's id named.
 */
export async function rekeyCodes(db: Kysely<Database>, codes: GuestCodes): Promise<number> {
  await prepareStoredCodes(db, codes);
  let rekeyed = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('organization_guests')
      .select(['id', 'guest_code_hash', 'guest_code_encrypted', 'guest_code_key_id'])
      .where('id', '>', after)
      .where('guest_code_encrypted', 'is not', null)
      .where((eb) => eb.or([eb('guest_code_key_id', 'is', null), eb('guest_code_key_id', '!=', codes.currentKeyId)]))
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return rekeyed;
    after = rows[rows.length - 1]?.id ?? after;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const code = codes.open(row) as string;
        const { guest_code_encrypted, guest_code_key_id } = codes.seal(code);
        const result = await trx
          .updateTable('organization_guests')
          .set({ guest_code_encrypted, guest_code_key_id })
          .where('id', '=', row.id)
          .where('guest_code_encrypted', '=', row.guest_code_encrypted)
          .executeTakeFirst();
        rekeyed += Number(result.numUpdatedRows);
      }
    });
  }
}
