/**
 * Unsubscribe (docs/notifications.md, Unsubscribe (one click), Unsubscribe page): a link from a
 * digest or reminder turns that kind of email off for the guest in that organization, by setting
 * the preference of the same name to false. The link names the guest record and topic under a
 * MAC, so it needs no stored secret; it keeps working for a record that is removed or disabled
 * since (answered the same, so the link tells its holder nothing about the record's state).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { notFound } from '../core/errors.js';
import { now } from '../core/time.js';
import type { GuestCodes } from '../guests/guest-code.js';
import { upsertPreference } from '../guest-portal/portal.repository.js';
import { readUnsubscribeToken, type EmailTopic } from './unsubscribe.js';

export interface UnsubscribeServiceDeps {
  db: Kysely<Database>;
  codes: GuestCodes;
}

/** What a working link names: the topic, and the organization it is about when the record still exists. */
export interface UnsubscribeTarget {
  topic: EmailTopic;
  organizationName: string | null;
}

/** Every link that does not work answers this same 404, whatever the reason. */
export function unsubscribeLinkNotFound() {
  return notFound('unsubscribe link');
}

export function createUnsubscribeService({ db, codes }: UnsubscribeServiceDeps) {
  function read(token: string) {
    const target = readUnsubscribeToken(codes, token);
    if (!target) throw unsubscribeLinkNotFound();
    return target;
  }

  async function organizationOf(q: Kysely<Database>, organizationGuestId: number) {
    const row = await q
      .selectFrom('organization_guests')
      .innerJoin('organizations', 'organizations.id', 'organization_guests.organization_id')
      .select('organizations.name')
      .where('organization_guests.id', '=', organizationGuestId)
      .executeTakeFirst();
    return row?.name ?? null;
  }

  return {
    /** What the link would turn off; changes nothing (mail scanners open links). 404 for a link that does not work. */
    async target(token: string): Promise<UnsubscribeTarget> {
      const { organizationGuestId, topic } = read(token);
      return { topic, organizationName: await organizationOf(db, organizationGuestId) };
    },

    /**
     * Turns the topic off for the record, at once; the same again is no change. A record deleted
     * for good has nothing left to turn off and gets no more email: answered as done.
     */
    async unsubscribe(token: string): Promise<UnsubscribeTarget> {
      const { organizationGuestId, topic } = read(token);
      return db.transaction().execute(async (trx) => {
        const organizationName = await organizationOf(trx, organizationGuestId);
        if (organizationName !== null)
          await upsertPreference(trx, organizationGuestId, topic, JSON.stringify(false), now());
        return { topic, organizationName };
      });
    },
  };
}
