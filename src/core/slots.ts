/**
 * A bounded number of places for one kind of costly work in this process: at most `size` run at
 * once, the others wait their turn in arrival order, each for at most `maxWaitMs`, after which it
 * gives up with the error `busy()` makes (and its place in the queue goes to the next).
 *
 * Work starts on a later turn of the event loop, never in the turn that asked (a free place is
 * taken at once, a freed one passes to the next caller at once, but the work waits for the
 * turn): such work may hold the process while it runs (a search on SQLite runs synchronously), and
 * a turn of the event loop runs every request that arrived in it. So requests that arrived
 * meanwhile are served between two pieces of such work, not after all of those that arrived
 * with them.
 *
 * Used for searches of the guest list (docs/guests.md, List guests): their cost grows with the
 * organization, and without a bound a few of them at once can hold every database connection of
 * the instance, so that its other requests wait for one and fail.
 */
export interface Slots {
  /**
   * Runs `work` in a place, waiting for one first when all are taken; the place is freed however
   * it ends. When `signal` aborts before the work has a place (the caller is gone), the caller
   * leaves the queue at once and the run fails with the signal's reason; work that has its place
   * runs to its end.
   */
  run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Places taken now. */
  readonly taken: number;
  /** Callers waiting for a place now. */
  readonly waiting: number;
}

interface Waiter {
  grant(): void;
}

export function createSlots(size: number, maxWaitMs: number, busy: () => Error): Slots {
  if (!Number.isInteger(size) || size < 1) throw new Error(`slots: size must be a positive integer, got ${size}`);
  let taken = 0;
  // Arrival order; a waiter that gave up is removed from it.
  const queue: Waiter[] = [];

  function take(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (taken < size) {
      taken += 1;
      return new Promise((resolve) => setImmediate(resolve));
    }
    return new Promise((resolve, reject) => {
      const leave = (error: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', gone);
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        reject(error);
      };
      const waiter: Waiter = {
        grant() {
          // Given the place now (it can no longer give up), it starts on the next turn. The place
          // passes from the caller that freed it: `taken` is unchanged.
          clearTimeout(timer);
          signal?.removeEventListener('abort', gone);
          setImmediate(resolve);
        },
      };
      const gone = () => leave(signal?.reason as Error);
      const timer = setTimeout(() => leave(busy()), maxWaitMs);
      signal?.addEventListener('abort', gone, { once: true });
      queue.push(waiter);
    });
  }

  function free(): void {
    const next = queue.shift();
    if (next) next.grant();
    else taken -= 1;
  }

  return {
    async run(work, signal) {
      await take(signal);
      try {
        return await work();
      } finally {
        free();
      }
    },
    get taken() {
      return taken;
    },
    get waiting() {
      return queue.length;
    },
  };
}
