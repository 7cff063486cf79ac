/**
 * Guest codes encrypted at rest (src/guests/guest-code.ts): the ciphertext and the id of its key
 * sit next to the hash the guest side looks codes up by. The plain `guest_code` column stays, to
 * be emptied: a migration cannot see the key, so the startup step `sealPlainCodes`
 * (src/guests/guest-code.store.ts) encrypts the codes it still holds, right after the migrations.
 * The partial index holds only rows with a plain code, so that step finds there is nothing left
 * to do without reading the table.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('organization_guests').addColumn('guest_code_encrypted', 'text').execute();
  await db.schema.alterTable('organization_guests').addColumn('guest_code_key_id', 'text').execute();
  await db.schema
    .createIndex('organization_guests__plain_guest_code')
    .on('organization_guests')
    .column('id')
    .where(sql.ref('guest_code'), 'is not', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('organization_guests__plain_guest_code').execute();
  await db.schema.alterTable('organization_guests').dropColumn('guest_code_key_id').execute();
  await db.schema.alterTable('organization_guests').dropColumn('guest_code_encrypted').execute();
}
