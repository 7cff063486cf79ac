/**
 * Event-loop stalls: while the loop is (or just was) stalled longer than EVENT_LOOP_STALL_MS, new
 * requests are answered 503 with Retry-After at once, instead of each waiting its turn behind the
 * backlog the stall left (docs/conventions.md, "Timeouts and overload"). `/health/live` still
 * answers: the process is alive, only late.
 *
 * The delay is measured by a timer that should fire every BEAT_MS: how late it fired is how long
 * the loop could not turn. A histogram such as perf_hooks' monitorEventLoopDelay learns of a stall
 * only from its own timer, after the stall is over, while the requests queued during it may be
 * read first; so at each request the monitor also counts how late the next beat already is. Once
 * a stall is seen, requests are shed for as long again (at most EVENT_LOOP_STALL_MS): reading the
 * backlog a stall leaves behind takes longer than one beat, and those requests have waited already.
 */
import { performance } from 'node:perf_hooks';

/** How often the loop's delay is sampled. */
const BEAT_MS = 100;

export class EventLoopMonitor {
  #lastBeat = performance.now();
  /** Until when (performance.now()) requests are shed after a stall. */
  #shedUntil = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly stallMs: number,
    private readonly onStall: (delayMs: number) => void = () => undefined,
  ) {
    this.#timer = setInterval(() => this.#beat(), BEAT_MS);
    this.#timer.unref();
  }

  #beat(): void {
    const now = performance.now();
    const delay = now - this.#lastBeat - BEAT_MS;
    this.#lastBeat = now;
    if (delay > this.stallMs) {
      this.#shedUntil = now + Math.min(delay, this.stallMs);
      this.onStall(Math.round(delay));
    }
  }

  /** The loop is stalled right now (or has just come back and not yet beaten), or came back from a stall moments ago. */
  stalled(): boolean {
    const now = performance.now();
    return now < this.#shedUntil || now - this.#lastBeat - BEAT_MS > this.stallMs;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
