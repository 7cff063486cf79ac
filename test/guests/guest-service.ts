/**
 * The guest service alone, without the request around it (authentication included), on a test
 * app's database: every email domain takes mail and no invite cap applies.
 */
import { createGuestService } from '../../src/guests/guest.service.js';
import type { Actor } from '../../src/core/actor.js';
import type { TestContext } from '../../support/app.js';

export function guestServiceOf(ctx: TestContext) {
  return createGuestService({
    db: ctx.db.kysely,
    emailChecker: { checkDomain: async () => ({ ok: true }) },
    links: ctx.links,
    inviteLimitPerHour: 0,
  });
}

/** The test organization's admin, as a request of theirs acts. */
export function adminOf(ctx: TestContext): Actor {
  return { organizationId: ctx.orgId, userId: ctx.members.admin, role: 'admin' };
}
