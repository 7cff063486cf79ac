/**
 * `POST /public/guests/access`: a guest who lost their link asks for it by email. The answer is
 * the same whoever asks about whichever address; only the address's owner learns anything, from
 * the email itself.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { GuestLinks } from '../guests/guest-code.js';
import { AppError } from '../core/errors.js';
import { hourWindow } from '../core/time.js';
import { throttleSubjectOfIp } from '../core/client-address.js';
import { GUEST_ACCESS_REQUEST_KIND } from '../outbox/messages.js';
import { notifyOutbox } from '../outbox/outbox-signal.js';
import { enqueue, newMessageId } from '../outbox/outbox.repository.js';
import { consumeWindow } from './throttle.repository.js';

export interface AccessServiceDeps {
  db: Kysely<Database>;
  /** The public base and the keys guest links are written with. */
  links: GuestLinks;
  /** Requests per hour; 0 = no limit. */
  limits: { perIpPerHour: number; perEmailPerHour: number };
  log: { info(obj: object, msg: string): void };
}

export const THROTTLE_SCOPE_IP = 'guest_access:ip';
export const THROTTLE_SCOPE_EMAIL = 'guest_access:email';

export function createAccessService(deps: AccessServiceDeps) {
  const { db, limits } = deps;
  return {
    /**
     * Queues one access request for `email` (already normalized), which becomes the email listing
     * the guest's active links when the address belongs to a guest, and nothing otherwise. Throws
     * 429 past the per-IP limit.
     *
     * Past the per-address limit the request still succeeds but sends nothing. A 429 there would
     * reveal nothing about the address (requests for any address count), but answering as usual
     * keeps the answer one and the same, and whoever floods an inbox learns nothing from it either.
     *
     * Known and unknown addresses do the same work: count, then queue one access request for the
     * address, which the outbox worker resolves into the email, or drops, when it sends
     * (src/public/access.resolve.ts). Nothing on the request path looks the address up, so its
     * timing cannot tell whether the address is a guest's. The counts and the request are one
     * transaction: a request that fails counts nothing and queues nothing.
     */
    async requestLinks(email: string, ip: string): Promise<void> {
      const window = hourWindow(new Date());
      const queued = await db.transaction().execute(async (trx) => {
        if (
          limits.perIpPerHour > 0 &&
          !(await consumeWindow(trx, THROTTLE_SCOPE_IP, throttleSubjectOfIp(ip), window.start, limits.perIpPerHour))
        ) {
          throw new AppError(
            'RATE_LIMIT_EXCEEDED',
            `Too many access requests from this address: at most ${limits.perIpPerHour} an hour. Retry in ${window.secondsLeft} seconds.`,
            { headers: { 'retry-after': String(window.secondsLeft) } },
          );
        }
        if (
          limits.perEmailPerHour > 0 &&
          !(await consumeWindow(trx, THROTTLE_SCOPE_EMAIL, email, window.start, limits.perEmailPerHour))
        ) {
          deps.log.info({}, 'guest access email not sent: the address reached its hourly limit');
          return false;
        }
        await enqueue(
          trx,
          { kind: GUEST_ACCESS_REQUEST_KIND, recipient: email, subject: '', text: '', html: null },
          newMessageId(deps.links.publicBaseUrl),
        );
        return true;
      });
      if (queued) notifyOutbox(db);
    },
  };
}
