/**
 * Stored addresses in their one form (`normalizeEmail`, src/email/parse.ts: local part NFC and
 * lower case, domain in IDNA ASCII). Addresses stored before were only lower-cased, so
 * `x@bücher.example` and `x@xn--bcher-kva.example` could be two guests (or two users). Every row
 * whose normalized form is free takes it; rows whose normalized forms collide are left exactly as
 * they are and reported (a warning here; `guests doctor emails` lists them), since merging two
 * guests or two users is a decision for an operator, not for a migration.
 *
 * Outbox recipients are left as written: they are where a message was sent, not an identity.
 * Group guest lists hold records by id, so they follow the guests.
 */
import type { Kysely } from 'kysely';
import { applyEmailNormalization, planEmailNormalization } from '../../email/stored-emails.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export interface MigrationLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export async function up(db: AnyDb, log: MigrationLog): Promise<void> {
  const plan = await planEmailNormalization(db);
  const changed = await applyEmailNormalization(db, plan);
  if (changed > 0)
    log.info({ migration: '008_email_normalization', rows: changed }, 'stored email addresses normalized');
  if (plan.collisions.length > 0) {
    log.warn(
      {
        migration: '008_email_normalization',
        collisions: plan.collisions.map((c) => ({
          table: c.table,
          normalized: c.normalized,
          ids: c.rows.map((r) => r.id),
        })),
      },
      `${plan.collisions.length} stored email address(es) were left as they are: each is one address written in several ways ` +
        'by different rows. Run `guests doctor emails` to list them and decide which row to keep.',
    );
  }
}

/** The former spellings are not kept: going down leaves the normalized addresses in place. */
export async function down(): Promise<void> {}
