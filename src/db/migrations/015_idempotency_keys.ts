/**
 * Idempotency keys (docs/conventions.md, Idempotency): one row per caller and key, holding the
 * request it was first used for and, once answered, that answer. The primary key is the claim:
 * of two instances inserting the same caller and key at once, only one inserts, so only one
 * runs the request.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    /** Whose key: `token:<token id>`, or `ip:<client address>` for the public endpoint. */
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    /** `POST`, the route pattern and the path as sent: what the key was first used for. */
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    /** sha256 (hex) of method, path with query and body: the same key with another one is refused. */
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    /** `in_flight` while the first request runs, `done` once its answer is stored. */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    /** JSON object of the answer headers replayed (Content-Type, Location). */
    .addColumn('headers', 'text')
    /** The answer's body exactly as sent. */
    .addColumn('body', 'text')
    /** `YYYY-MM-DD HH:MM:SS`, UTC, as every timestamp of the service. */
    .addColumn('created_at', 'text', (c) => c.notNull())
    /** 24 hours after the first use: then the key is free again and the row is purged. */
    .addColumn('expires_at', 'text', (c) => c.notNull())
    /** While in flight: until when the request holds the key; after it, a retry may take it over. */
    .addColumn('locked_until', 'text')
    .addPrimaryKeyConstraint('idempotency_keys__scope__key', ['scope', 'key'])
    .execute();
  // The periodic purge deletes by expiry.
  await db.schema.createIndex('idempotency_keys__expires_at').on('idempotency_keys').column('expires_at').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
}
