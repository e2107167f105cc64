/**
 * One message at a time per Slack webhook, at least `minIntervalMs` apart, and none before a
 * `Retry-After` Slack asked for has passed (Slack: continuing after a 429 risks the app being disabled).
 * @module
 */
import { HttpTooManyRequestsError } from '../../errors/index.js';
import type { Clock } from '../../retry/index.js';

/**
 * The longest a 429's `Retry-After` holds the channel: Slack asks for seconds; a value of years (a
 * proxy's, a bug's) would otherwise fail every alert of the process. After it, one post tries again.
 */
export const MAX_PAUSE_MS = 5 * 60_000;

export class Pacer {
  #queue: Promise<void> = Promise.resolve();
  #notBefore = Number.NEGATIVE_INFINITY;
  /**
   * The length of the hold behind `#notBefore` when it was set: no wait is longer, so a clock stepped
   * back cannot turn a one-second hold into one as long as the step.
   */
  #holdMs = 0;

  constructor(
    private readonly minIntervalMs: number,
    private readonly label: string,
  ) {}

  /**
   * Waits for this post's turn. Rejects at once, without waiting, when the turn would come after
   * `latestAt` (the caller's deadline, clock ms); rejects with `signal.reason` when aborted.
   */
  async turn(clock: Clock, latestAt: number, signal: AbortSignal | undefined): Promise<void> {
    const previous = this.#queue;
    let done!: () => void;
    this.#queue = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await previous;
      signal?.throwIfAborted();
      const wait = Math.min(this.#notBefore - clock.now(), this.#holdMs);
      if (wait > 0) {
        if (clock.now() + wait > latestAt) {
          throw new HttpTooManyRequestsError(
            `${this.label} is paused for ${Math.ceil(wait)} ms (rate limit), past this alert's deadline`,
            { retryAfterMs: Math.ceil(wait) },
          );
        }
        await clock.sleep(wait, signal);
      }
      this.#notBefore = clock.now() + this.minIntervalMs;
      this.#holdMs = this.minIntervalMs;
    } finally {
      done();
    }
  }

  /**
   * Holds every later post until `ms` from now (a 429's `Retry-After`), at most
   * `MAX_PAUSE_MS`: a wrong or hostile value must not silence the channel for good.
   */
  pause(clock: Clock, ms: number): void {
    const wait = Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_PAUSE_MS) : MAX_PAUSE_MS;
    const until = clock.now() + wait;
    if (until > this.#notBefore) {
      this.#notBefore = until;
      this.#holdMs = Math.max(this.#holdMs, wait);
    }
  }
}
