/**
 * The digest job (docs/notifications.md, Digest emails). A guest record is due on a run at instant
 * `at` when, in the guest's zone, `at` falls on one of their `cadence_days` at or after the digest
 * hour, and no digest was recorded for that local date. A digest missed while no instance ran goes
 * out later the same local day, never for a day that has passed.
 *
 * Exactly once: each digest is recorded in `digest_sends` (key: record and local date) in the
 * transaction that queues its email, and only when the insert wins. So two instances racing, or a
 * run repeated after a crash, queue it once. The lease (job-lease.ts) only keeps instances from
 * doing the same work twice; it is not what makes a digest single.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { formatTimestamp } from '../core/time.js';
import { guestLinkOf } from '../guests/guest-code.js';
import { countOpenTasks } from '../guests/guest-tasks.js';
import { enqueue, newMessageId } from '../outbox/outbox.repository.js';
import { notifyOutbox } from '../outbox/outbox-signal.js';
import * as repo from './digest.repository.js';
import { GUEST_DIGEST_KIND, digestMessage } from './digest.messages.js';
import type { Job, JobDeps } from './jobs.js';
import { runLeased } from './job-lease.js';
import { listUnsubscribeHeaders, unsubscribeUrl } from './unsubscribe.js';
import { effectiveZone, localTime, type LocalTime } from './zones.js';

export const DIGEST_JOB = 'digests';
/** Records read per query; the cursor (the last record id done) is saved after each batch. */
const BATCH_SIZE = 200;
/** Tasks listed in one email; the rest are counted and found on the guest page. */
const MAX_LISTED = 50;
/**
 * Digest records are kept this long, then deleted: only today's (in any zone) keeps a digest
 * single; the rest answer "did the guest get one?" for a while. Deleted at most once an hour.
 */
const KEEP_SENDS_DAYS = 30;
const PRUNE_INTERVAL_MS = 3_600_000;

function cadenceOf(json: string | null): string[] {
  if (json === null) return [];
  try {
    const days: unknown = JSON.parse(json);
    return Array.isArray(days) ? days.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

export function createDigestJob(deps: Omit<JobDeps, 'reminders'>): Job {
  const { db, links, digestHour } = deps;
  let lastPrune = Number.NEGATIVE_INFINITY;

  async function prune(at: Date): Promise<void> {
    if (at.getTime() - lastPrune < PRUNE_INTERVAL_MS) return;
    lastPrune = at.getTime();
    await repo.pruneSends(db, new Date(at.getTime() - KEEP_SENDS_DAYS * 86_400_000).toISOString().slice(0, 10));
  }

  /** Queues the record's digest for `local.date` in one transaction; 1 when queued, 0 when not due after all. */
  async function send(candidate: repo.DigestCandidate, zone: string, local: LocalTime, at: Date): Promise<number> {
    const guestLink = guestLinkOf(links, candidate);
    // A link that does not open (no code, or a key no longer known) would give the guest nothing to follow.
    if (guestLink === null) return 0;
    return db.transaction().execute(async (trx: Kysely<Database>) => {
      const tasks = await repo.openTasks(trx, candidate.organization_id, candidate.id, MAX_LISTED);
      if (tasks.length === 0) return 0;
      if (!(await repo.recordSend(trx, candidate.id, local.date, formatTimestamp(at)))) return 0;
      const total =
        tasks.length < MAX_LISTED ? tasks.length : await countOpenTasks(trx, candidate.organization_id, candidate.id);
      const unsubscribe = unsubscribeUrl(links, candidate.id, 'daily_digest');
      const message = digestMessage({
        organizationName: candidate.organization_name,
        zone,
        at,
        tasks: tasks.map((t) => ({ title: t.title, deadline: t.deadline, link: `${guestLink}/tasks/${t.id}` })),
        total,
        pageLink: guestLink,
        unsubscribeLink: unsubscribe,
      });
      await enqueue(
        trx,
        {
          kind: GUEST_DIGEST_KIND,
          recipient: candidate.email,
          ...message,
          headers: listUnsubscribeHeaders(unsubscribe),
        },
        newMessageId(links.publicBaseUrl),
      );
      return 1;
    });
  }

  return {
    name: DIGEST_JOB,
    run(at, signal) {
      // The lease follows the run's own clock: `at`, advanced by the time the run has taken.
      const started = performance.now();
      const clock = () => new Date(at.getTime() + (performance.now() - started));
      return runLeased(db, { name: DIGEST_JOB, owner: deps.owner, leaseMs: deps.leaseMs }, clock, async (lease) => {
        let after = Number(lease.cursor ?? 0) || 0;
        let queued = 0;
        for (;;) {
          if (signal?.aborted) return { queued, finished: false };
          const batch = await repo.digestCandidates(db, after, BATCH_SIZE);
          const due = batch.flatMap((candidate) => {
            const zone = effectiveZone(candidate.timezone, candidate.organization_timezone);
            const local = localTime(at, zone);
            const isDue = local.hour >= digestHour && cadenceOf(candidate.cadence_days).includes(local.weekday);
            return isDue ? [{ candidate, zone, local }] : [];
          });
          const sent = await repo.alreadySent(
            db,
            due.map((d) => ({ id: d.candidate.id, date: d.local.date })),
          );
          for (const { candidate, zone, local } of due) {
            if (signal?.aborted) return { queued, finished: false };
            if (sent.has(`${candidate.id}:${local.date}`)) continue;
            const one = await send(candidate, zone, local, at);
            if (one > 0) notifyOutbox(db);
            queued += one;
          }
          const last = batch.at(-1);
          if (last === undefined) break;
          after = last.id;
          // Lost the lease (this run outlived it and another instance took over): that one goes on.
          if (!(await lease.progress(String(after)))) return { queued, finished: false };
          if (batch.length < BATCH_SIZE) break;
        }
        await prune(at);
        return { queued, finished: true };
      });
    },
  };
}
