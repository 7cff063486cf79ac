/**
 * One write for many small ones of the same kind, without making any of them wait for a timer:
 * `add(key)` resolves once `write` has run with that key. The first key goes at the end of the
 * current turn's synchronous work (with the keys added in the same turn); keys added while a
 * `write` runs go together in the next one, as soon as it ends. So a key waits at most for the
 * write before it, and under load each write carries everything that arrived during the last.
 *
 * A failed write rejects every `add` it carried, with its error; the keys after it are written
 * as usual.
 *
 * Used by the outbox worker to record sent messages (src/outbox/worker.ts): each message is
 * recorded as soon as it is sent or the record before it is done, in one statement for all the
 * messages sent meanwhile, not one statement each.
 */
export function coalesce<K>(write: (keys: K[]) => Promise<void>): (key: K) => Promise<void> {
  let waiting: Array<{ key: K; resolve: () => void; reject: (error: unknown) => void }> = [];
  let writing = false;

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        await write(batch.map((entry) => entry.key));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    writing = false;
  }

  return (key) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (writing) return;
      writing = true;
      queueMicrotask(() => void drain());
    });
}
