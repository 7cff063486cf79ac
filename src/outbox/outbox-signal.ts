/**
 * The in-process nudge: code that has just committed an outbox message tells this process's
 * worker, which then sends at once instead of at its next poll. Other instances find the message
 * by polling; the nudge only saves the wait in the common case of one process doing both.
 *
 * Listeners are kept per database handle rather than in one process-wide list, so two apps in one
 * process (tests, the CLI) never wake each other's workers.
 */
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

const channels = new WeakMap<Kysely<Database>, EventEmitter>();

function channel(db: Kysely<Database>): EventEmitter {
  let emitter = channels.get(db);
  if (!emitter) {
    emitter = new EventEmitter();
    channels.set(db, emitter);
  }
  return emitter;
}

/** Call after the transaction that queued a message has committed (not before: the row must be visible). */
export function notifyOutbox(db: Kysely<Database>): void {
  channels.get(db)?.emit('queued');
}

/** Runs `listener` on every notify for `db`; returns the function that stops it. */
export function onOutboxQueued(db: Kysely<Database>, listener: () => void): () => void {
  const emitter = channel(db);
  emitter.on('queued', listener);
  return () => emitter.off('queued', listener);
}
