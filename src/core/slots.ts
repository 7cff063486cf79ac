/**
 * A bounded number of places for one kind of costly work in this process: at most `size` run at
 * once, the others wait their turn in arrival order, each for at most `maxWaitMs`, after which it
 * gives up with the error `busy()` makes (and its place in the queue goes to the next).
 *
 * Used for searches of the guest list (docs/guests.md, List guests): their cost grows with the
 * organization, and without a bound a few of them at once can hold every database connection of
 * the instance, so that its other requests wait for one and fail.
 */
export interface Slots {
  /** Runs `work` in a place, waiting for one first when all are taken; the place is freed however it ends. */
  run<T>(work: () => Promise<T>): Promise<T>;
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

  function take(): Promise<void> {
    if (taken < size) {
      taken += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant() {
          clearTimeout(timer);
          // The place passes from the caller that freed it: `taken` is unchanged.
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        reject(busy());
      }, maxWaitMs);
      queue.push(waiter);
    });
  }

  function free(): void {
    const next = queue.shift();
    if (next) next.grant();
    else taken -= 1;
  }

  return {
    async run(work) {
      await take();
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
