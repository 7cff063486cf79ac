/**
 * Guests created a batch at a time, for imports and bulk creates (docs/guests.md, Import guests,
 * Bulk create guests). Every row is
 * checked by Create guest's own checks (the body's schema, then `GuestService.check`), all rows
 * of the batch first and in memory: their email domains are checked in the DNS once per distinct
 * domain, several at once, and the members they name are read in two statements for the whole
 * batch. The rows that pass are then written in one transaction with a few multi-row inserts;
 * a row whose guest or record exists already (or a repeat of an email in the batch) is joined by
 * Create guest's own `joinIn`, in file order, so it answers exactly as a single create would.
 *
 * A failed row fails alone, with the problem a single create answers. Should the batch's shared
 * transaction fail, nothing of it is written and the whole batch is done again item by item
 * (bulk create), so each row still gets its own outcome.
 */
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database, NewOrganizationGuest } from '../../db/types.js';
import type { GuestRecord } from '../guest.repository.js';
import { inGroupCommit } from '../../db/group-commit.js';
import type { Actor } from '../../core/actor.js';
import { AppError } from '../../core/errors.js';
import { randomId } from '../../core/ids.js';
import { MAX_ID } from '../../core/limits.js';
import { now } from '../../core/time.js';
import { parseEmailAddress } from '../../email/parse.js';
import { existingMemberIds, memberEmailsAmong } from '../../members/member.repository.js';
import type { GuestService } from '../guest.service.js';
import type { MemberLookups } from '../guest.validation.js';
import type { CreateGuestBody } from '../guest.schemas.js';
import type { UncheckedFields } from '../../core/validation.js';
import {
  bulkResult,
  failedItem,
  itemToCheck,
  prefetchDomains,
  type BulkItemOutcome,
  type BulkResult,
  type GuestBulkDeps,
  type createGuestBulk,
} from './bulk.service.js';
import { insertGlobalGuests, insertRecords } from './batch.repository.js';

export interface GuestBatchDeps extends Pick<GuestBulkDeps, 'emailChecker' | 'deadlineMs' | 'dnsConcurrency'> {
  db: Kysely<Database>;
  guests: Pick<GuestService, 'check' | 'joinIn' | 'freshRecord' | 'consumeInvite' | 'toGuest'>;
  publicBaseUrl: string;
  log: FastifyBaseLogger;
  /** Item by item, for a batch whose shared transaction failed. */
  perItem: Pick<ReturnType<typeof createGuestBulk>, 'createAll'>;
}

/** A row that passed every check: its index in the batch, its normalized email and its body. */
interface Checked {
  index: number;
  email: string;
  body: UncheckedFields<CreateGuestBody>;
}

/** A written row: whether it was created (else it was a guest already), and its record. */
interface Written {
  created: boolean;
  record: GuestRecord;
}

/** The emails and member ids the rows name, as the checks will ask for them (invalid ones are refused before any look-up). */
function namedByRows(items: readonly unknown[]): { emails: string[]; ids: number[] } {
  const emails = new Set<string>();
  const ids = new Set<number>();
  for (const item of items) {
    const { email, associated_members: members } = (item ?? {}) as { email?: unknown; associated_members?: unknown };
    if (typeof email === 'string') {
      const parsed = parseEmailAddress(email);
      if (parsed.ok) emails.add(parsed.email);
    }
    if (Array.isArray(members))
      for (const id of members)
        if (Number.isSafeInteger(id) && (id as number) > 0 && (id as number) <= MAX_ID) ids.add(id as number);
  }
  return { emails: [...emails], ids: [...ids] };
}

export function createGuestBatch(deps: GuestBatchDeps) {
  const { db } = deps;

  /** The organization's members among those the rows name, read once for the batch. */
  async function membersFor(organizationId: string, items: readonly unknown[]): Promise<MemberLookups> {
    const named = namedByRows(items);
    const [emails, ids] = await Promise.all([
      memberEmailsAmong(db, organizationId, named.emails),
      existingMemberIds(db, organizationId, named.ids),
    ]);
    const same = (asked: string) => {
      if (asked !== organizationId) throw new Error('a batch reads the members of its own organization only');
    };
    return {
      isMemberEmail: async (asked, email) => (same(asked), emails.has(email)),
      memberIdsAmong: async (asked, wanted) => (same(asked), new Set(wanted.filter((id) => ids.has(id)))),
    };
  }

  /**
   * Writes the checked rows in one transaction, each row's outcome by its index. New guests go in
   * by multi-row inserts, in email order (concurrent batches then take their locks in one order);
   * every other row is joined alone, in file order.
   */
  function write(actor: Actor, rows: readonly Checked[]): Promise<Map<number, Written>> {
    return inGroupCommit(db, async (trx) => {
      const written = new Map<number, Written>();
      const at = now();
      const first = new Map<string, Checked>();
      for (const row of rows) if (!first.has(row.email)) first.set(row.email, row);
      const fresh = [...first.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
      const guests = await insertGlobalGuests(
        trx,
        fresh.map((row) => ({ id: randomId(), email: row.email })),
        at,
      );
      const records = await insertRecords(
        trx,
        fresh
          .filter((row) => guests.has(row.email))
          .map((row): NewOrganizationGuest =>
            Object.assign(deps.guests.freshRecord(row.body, at), {
              organization_id: actor.organizationId,
              guest_id: guests.get(row.email) as number,
            }),
          ),
      );
      for (const row of fresh) {
        const guestId = guests.get(row.email);
        const record = guestId === undefined ? undefined : records.get(guestId);
        if (!record) continue;
        await deps.guests.consumeInvite(trx, actor.organizationId);
        written.set(row.index, { created: true, record: Object.assign(record, { email: row.email }) });
      }
      for (const row of rows) {
        if (written.has(row.index)) continue;
        const { created, record } = await deps.guests.joinIn(trx, actor, row.email, row.body);
        written.set(row.index, { created, record });
      }
      return written;
    });
  }

  return {
    /**
     * Creates every item as Create guest would (see the top of this file); outcomes in item order,
     * with each created or existing guest as the actor's answer shows it when `withGuests`.
     */
    async createAll(actor: Actor, items: readonly unknown[], { withGuests = false } = {}): Promise<BulkResult> {
      const data = new Array<BulkItemOutcome>(items.length);
      const retryAfter: number[] = [];
      const checked: Checked[] = [];
      const dns = prefetchDomains(items, deps.emailChecker, deps.dnsConcurrency, deps.deadlineMs);
      try {
        const members = await membersFor(actor.organizationId, items);
        await Promise.all(
          items.map(async (item, index) => {
            try {
              const { fields, failures } = itemToCheck(item);
              const email = await deps.guests.check(actor, fields, failures, dns.checker, members);
              checked.push({ index, email, body: fields });
            } catch (error) {
              data[index] = failedItem(deps, index, error, retryAfter);
            }
          }),
        );
      } finally {
        dns.done();
      }
      checked.sort((a, b) => a.index - b.index);
      let written: Map<number, Written>;
      try {
        written = await write(actor, checked);
      } catch (error) {
        // Past the invite cap the batch cannot be written whole, which is no fault: item by item,
        // the items before the cap are created and the rest answered 429, in request order.
        if (!(error instanceof AppError && error.code === 'RATE_LIMIT_EXCEEDED'))
          deps.log.warn({ err: error }, 'guest batch: its transaction failed; its items are created one by one');
        return deps.perItem.createAll(actor, items);
      }
      for (const row of checked) {
        const outcome = written.get(row.index);
        if (!outcome) throw new Error(`guest batch: no outcome for item ${row.index}`);
        data[row.index] = {
          index: row.index,
          status: outcome.created ? 201 : 200,
          ...(withGuests && { data: deps.guests.toGuest(actor, outcome.record) }),
        };
      }
      return bulkResult(data, retryAfter);
    },
  };
}
