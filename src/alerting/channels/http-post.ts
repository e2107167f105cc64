/**
 * The one HTTP path of the alert channels: a POST with a per-attempt timeout, retried by our `retry`
 * on network errors, 408, 429 and 5xx, honouring `Retry-After`, bounded by the manager's deadline.
 * Messages name the service (`'Slack webhook'`), never the URL: a webhook URL is a credential.
 * @module
 */
import { apiErrorForStatus } from '../../errors/api-error-factory.js';
import { OperationTimeoutError, parseRetryAfter, redactSecrets } from '../../errors/index.js';
import { type Clock, retry } from '../../retry/index.js';
import type { ChannelContext } from './channel.js';

/** The `fetch` the channels call: the platform's by default, a test double or an undici dispatcher's otherwise. */
export type AlertFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpPostOptions {
  url: string;
  /** Names the service in errors and logs instead of the URL. */
  label: string;
  headers: Record<string, string>;
  body: string;
  /** The statuses that mean "accepted". */
  accepted: readonly number[];
  attemptTimeoutMs: number;
  maxAttempts: number;
  fetch: AlertFetch;
  /** Runs before each attempt, outside its timeout (Slack's pacing). */
  beforeAttempt?: (signal: AbortSignal) => Promise<void>;
  /** Sees each answer's status and `Retry-After` (ms), accepted or not. */
  onAnswer?: (status: number, retryAfterMs: number | undefined) => void;
}

/** Longest part of an error body kept in a message. */
const BODY_SNIPPET = 300;

/** A signal that aborts with an {@link OperationTimeoutError} after `ms` on `clock`, and its cancel. */
export function timeoutSignal(
  clock: Clock,
  ms: number,
  what: string,
): { signal: AbortSignal; cancel: () => void } {
  const controller = new AbortController();
  const fire = () =>
    controller.abort(new OperationTimeoutError(`${what} did not answer within ${ms} ms`, { timeoutMs: ms }));
  if (clock.schedule) return { signal: controller.signal, cancel: clock.schedule(ms, fire) };
  const timer = setTimeout(fire, ms);
  return { signal: controller.signal, cancel: () => clearTimeout(timer) };
}

/** POSTs until accepted; rejects with the typed error of the last attempt. */
export async function httpPost(options: HttpPostOptions, context: ChannelContext): Promise<void> {
  await retry(
    async ({ signal }) => {
      await options.beforeAttempt?.(signal);
      context.countAttempt();
      const timeout = timeoutSignal(context.clock, options.attemptTimeoutMs, options.label);
      let response: Response;
      let text: string;
      try {
        const both = AbortSignal.any([signal, timeout.signal]);
        response = await options.fetch(options.url, {
          method: 'POST',
          headers: options.headers,
          body: options.body,
          signal: both,
        });
        text = await response.text();
      } finally {
        timeout.cancel();
      }
      const retryAfter = response.headers.get('retry-after');
      const retryAfterMs = retryAfter === null ? undefined : parseRetryAfter(retryAfter, Date.now());
      options.onAnswer?.(response.status, retryAfterMs);
      if (options.accepted.includes(response.status)) return;
      const snippet = redactSecrets(text.slice(0, BODY_SNIPPET)).replace(/\s+/g, ' ').trim();
      throw apiErrorForStatus(
        response.status,
        `${options.label} answered HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`,
        { httpStatus: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      );
    },
    {
      name: options.label,
      maxAttempts: options.maxAttempts,
      baseDelayMs: 500,
      maxDelayMs: Math.max(1000, context.deadlineMs),
      deadlineMs: context.deadlineMs,
      signal: context.signal,
      clock: context.clock,
    },
  );
}
