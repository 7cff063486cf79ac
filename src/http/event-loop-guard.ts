/**
 * Event-loop stalls: while the loop is (or just was) stalled longer than EVENT_LOOP_STALL_MS, new
 * requests are answered 503 with Retry-After at once, instead of each waiting its turn behind the
 * backlog the stall left (docs/conventions.md, "Timeouts and overload"). `/health/live` still
 * answers: the process is alive, only late.
 *
 * The delay is measured by a timer that should fire every BEAT_MS: how late it fired is how long
 * the loop could not turn. A histogram such as perf_hooks' monitorEventLoopDelay learns of a stall
 * only from its own timer, after the stall is over, while the requests queued during it are read
 * first; so at each request the monitor also counts how late the next beat already is.
 */
import { performance } from 'node:perf_hooks';

/** How often the loop's delay is sampled. */
const BEAT_MS = 100;

export class EventLoopMonitor {
  #lastBeat = performance.now();
  /** How late the latest beat fired. */
  #lastDelay = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(readonly stallMs: number, private readonly onStall: (delayMs: number) => void = () => undefined) {
    this.#timer = setInterval(() => this.#beat(), BEAT_MS);
    this.#timer.unref();
  }

  #beat(): void {
    const now = performance.now();
    this.#lastDelay = Math.max(0, now - this.#lastBeat - BEAT_MS);
    this.#lastBeat = now;
    if (this.#lastDelay > this.stallMs) this.onStall(Math.round(this.#lastDelay));
  }

  /**
   * How far behind the loop is: the delay of the latest beat (the loop is still working off what
   * queued up during a stall until the next beat comes on time), or how late the next beat
   * already is (the loop is stalled right now, or has just come back).
   */
  delayMs(): number {
    return Math.max(this.#lastDelay, performance.now() - this.#lastBeat - BEAT_MS);
  }

  stalled(): boolean {
    return this.delayMs() > this.stallMs;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
