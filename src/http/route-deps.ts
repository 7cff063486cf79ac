/** What every route module is wired with: explicit dependencies, never imported singletons. */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { DatabaseKind } from '../db/database.js';
import type { EmailDomainChecker } from '../email/dns-check.js';
import type { Database } from '../db/types.js';
import type { GuestService } from '../guests/guest.service.js';
import type { HeavyRequestGate } from './heavy-requests.js';
import type { GuestLinks } from '../guests/guest-code.js';

export interface RouteDeps {
  db: Kysely<Database>;
  kind: DatabaseKind;
  config: Config;
  guests: GuestService;
  /** The public base and the keys guest links are written with (src/guests/guest-code.ts). */
  links: GuestLinks;
  log: FastifyBaseLogger;
  emailChecker: Pick<EmailDomainChecker, 'checkDomain'>;
  /** Per-token bounds of unpaginated lists and bulk creates. */
  heavy: HeavyRequestGate;
}
