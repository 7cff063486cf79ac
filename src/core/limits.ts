/**
 * The service's limits: rules of what a value may be, the same whichever way it arrives (an API
 * body, the guest page, the command line). Schemas, services and pages read them from here.
 */

/** Names (a person's, an organization's, a token's label), in characters. */
export const MAX_NAME = 200;
/** Phone numbers, in characters. */
export const MAX_PHONE = 20;
/** An email address, in characters. */
export const MAX_EMAIL = 254;
/** Ids are 32-bit on both databases; a larger number cannot name anything. */
export const MAX_ID = 2_147_483_647;

/** The largest page a list answers. */
export const MAX_PER_PAGE = 1000;
/** The guest list's page when none is asked for. */
export const DEFAULT_PER_PAGE = 999;

/** Members named in one guest's `associated_members`. */
export const MAX_ASSOCIATED_MEMBERS = 100;
/** The most items one bulk create may carry. */
export const MAX_BULK_ITEMS = 1000;
/** Working tokens one user may hold: enough for every integration, bounded against a runaway script. */
export const MAX_LIVE_TOKENS = 100;
