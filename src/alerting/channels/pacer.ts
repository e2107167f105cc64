/**
 * One message at a time per Slack webhook, at least `minIntervalMs` apart, and none before a
 * `Retry-After` Slack asked for has passed (Slack: continuing after a 429 risks the app being disabled).
 * @module
 */
import { HttpTooManyRequestsError } from '../../errors/index.js';
import type { Clock } from '../../retry/index.js';

export class Pacer {
  #queue: Promise<void> = Promise.resolve();
  #notBefore = Number.NEGATIVE_INFINITY;

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
      const wait = this.#notBefore - clock.now();
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
    } finally {
      done();
    }
  }

  /** Holds every later post until `ms` from now (a 429's `Retry-After`). */
  pause(clock: Clock, ms: number): void {
    this.#notBefore = Math.max(this.#notBefore, clock.now() + ms);
  }
}
