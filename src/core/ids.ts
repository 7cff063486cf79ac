/**
 * Ids of global identities (guests, users). They are drawn from the CSPRNG rather than counted up:
 * a counted id tells whoever receives one how old the identity is, and so whether an address an
 * organization just added was already a guest or a user somewhere else.
 */
import { randomInt } from 'node:crypto';

/** The largest id: PostgreSQL's `integer`, and a safe integer in JSON. */
export const MAX_RANDOM_ID = 2_147_483_647;

/** A new id, uniform in 1..MAX_RANDOM_ID. */
export function randomId(): number {
  return randomInt(1, MAX_RANDOM_ID + 1);
}

/**
 * Runs `insert` with a fresh random id until it reports a row (or a settled answer), at most
 * `attempts` times. `insert` returns undefined when the id was taken already (its statement says
 * `on conflict do nothing`, which never aborts a PostgreSQL transaction the way an error would).
 * With 2^31 ids a second attempt is rare; eight in a row mean something else is wrong.
 */
export async function withRandomId<T>(insert: (id: number) => Promise<T | undefined>, attempts = 8): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const result = await insert(randomId());
    if (result !== undefined) return result;
  }
  throw new Error(`no free random id after ${attempts} attempts`);
}
