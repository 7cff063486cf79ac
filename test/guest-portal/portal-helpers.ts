/** Shared steps of the guest-side tests: a guest's code, and the record behind it in the database. */
import assert from 'node:assert/strict';
import { randomSecret, sha256 } from '../../src/core/secrets.js';
import { now } from '../../src/core/time.js';
import { createGuest, type TestContext } from '../../support/app.js';

/** The code at the end of a guest link. */
export function codeOf(link: unknown): string {
  const code = String(link).split('/guest/')[1];
  assert.ok(code, `a guest link: ${String(link)}`);
  return code;
}

/** A new guest of the test organization (or `orgId` with `token`) and their code. */
export async function guestWithCode(
  ctx: TestContext,
  overrides: Record<string, unknown> = {},
  token?: string,
  orgId?: string,
) {
  const guest = await createGuest(ctx, overrides, token, orgId);
  return { guest, code: codeOf(guest.link) };
}

/** The organization's record of the guest whose code this is (by hash, as the service finds it). */
export async function recordOf(ctx: TestContext, code: string) {
  return ctx.db.kysely
    .selectFrom('organization_guests')
    .selectAll()
    .where('guest_code_hash', '=', sha256(code))
    .executeTakeFirstOrThrow();
}

/** Marks the record disabled in the database, as the disable endpoint does. */
export async function disableInDatabase(ctx: TestContext, code: string): Promise<void> {
  const result = await ctx.db.kysely
    .updateTable('organization_guests')
    .set({ disabled_at: now() })
    .where('guest_code_hash', '=', sha256(code))
    .executeTakeFirst();
  assert.equal(Number(result.numUpdatedRows), 1);
}

/** Gives the record a new code in the database, as reset-link does; returns the new code. */
export async function replaceCodeInDatabase(ctx: TestContext, code: string): Promise<string> {
  const fresh = randomSecret(24);
  const result = await ctx.db.kysely
    .updateTable('organization_guests')
    .set({ guest_code: fresh, guest_code_hash: sha256(fresh) })
    .where('guest_code_hash', '=', sha256(code))
    .executeTakeFirst();
  assert.equal(Number(result.numUpdatedRows), 1);
  return fresh;
}

/** A urlencoded form body from name/value pairs (names may repeat). */
export function form(pairs: Array<[string, string]>): string {
  return new URLSearchParams(pairs).toString();
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
