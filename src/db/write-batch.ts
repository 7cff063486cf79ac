/**
 * Writes whose results nothing reads (owner rows, a task's fields, queued emails), gathered during
 * a transaction and sent together: on PostgreSQL as one statement, each write a data-modifying
 * `WITH` part of it, so that a task written with its owners, fields and email costs one round trip
 * for all of those instead of one each; on SQLite, whose statements run in-process, one after
 * another in the order added.
 *
 * The parts of one PostgreSQL statement run on one snapshot and do not see each other's rows, and
 * the statement's constraint checks and triggers run once all of them are done. So a batch holds
 * writes that do not depend on each other: inserts and deletes of distinct rows, never a row
 * written twice, never a write that reads what another part writes.
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { kindOf } from './database.js';
import type { Database } from './types.js';

export class WriteBatch {
  private readonly writes: CompiledQuery[] = [];

  /** The database or transaction the writes are built on and sent to. */
  constructor(readonly db: Kysely<Database>) {}

  add(...writes: Compilable[]): void {
    for (const write of writes) this.writes.push(write.compile());
  }

  /** Sends what was added (nothing when nothing was), and empties the batch. */
  async run(): Promise<void> {
    const writes = this.writes.splice(0);
    if (writes.length === 0) return;
    if (writes.length === 1 || kindOf(this.db) !== 'postgres') {
      for (const write of writes) await this.db.executeQuery(write);
      return;
    }
    await this.db.executeQuery(oneStatement(writes));
  }
}

/**
 * `with w0 as (...), w1 as (...) select 1`: each write's `$n` placeholders renumbered after the
 * parameters of the writes before it.
 */
function oneStatement(writes: CompiledQuery[]): CompiledQuery {
  const parameters: unknown[] = [];
  const parts = writes.map((write, i) => {
    const offset = parameters.length;
    let highest = 0;
    const text = write.sql.replace(/\$(\d+)/g, (_, n: string) => {
      highest = Math.max(highest, Number(n));
      return `$${Number(n) + offset}`;
    });
    // Every `$n` of a compiled write is a placeholder: its values are parameters, never literals.
    if (highest !== write.parameters.length)
      throw new Error(`a batched write names ${highest} parameters but has ${write.parameters.length}`);
    parameters.push(...write.parameters);
    return `w${i} as (${text})`;
  });
  return CompiledQuery.raw(`with ${parts.join(', ')} select 1`, parameters);
}
