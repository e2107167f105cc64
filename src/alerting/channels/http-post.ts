/**
 * The HTTP path of the alert channels: `resilientFetch` (per-attempt timeout, our retry on network
 * errors, 408, 429 and 5xx, `Retry-After` honored, typed `HttpError`s), bounded by the manager's
 * deadline and cancelled by its signal. A POST is retried although it is not idempotent: a duplicate
 * alert is preferred to a lost one. Errors name the service; the URL they show has the secret part of
 * a webhook path redacted (`redactSecrets`).
 * @module
 */
import { HttpError, PipelineError, parseRetryAfter } from '../../errors/index.js';
import { HttpHostRegistry, resilientFetch } from '../../http/index.js';
import type { ChannelContext } from './channel.js';
import { cutText } from './cut.js';
import { withoutSecrets } from './secrets.js';

/**
 * The `fetch` the HTTP channels call: the platform's by default, a test double or a `fetch` with your
 * own undici dispatcher (a proxy) otherwise.
 *
 * @example
 * ```ts
 * import { slackChannel, type AlertFetch } from 'gcp-pipeline-resilience';
 * const posts: string[] = [];
 * const recording: AlertFetch = async (input, init) => {
 *   posts.push(String(init.body));
 *   return new Response('ok', { status: 200 });
 * };
 * const slack = slackChannel({ webhookUrl: 'https://hooks.slack.com/services/T0/B0/x', fetch: recording });
 * ```
 */
export type AlertFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpPostOptions {
  url: string;
  /** Names the service in errors: `'Slack webhook (slack)'`. */
  label: string;
  headers: Record<string, string>;
  body: string;
  /** The statuses that mean "accepted" (Slack 200, SendGrid 202). */
  accepted: readonly number[];
  attemptTimeoutMs: number;
  maxAttempts: number;
  fetch: AlertFetch;
  /** Runs before each attempt (Slack's pacing). */
  beforeAttempt?: (signal: AbortSignal | undefined) => Promise<void>;
  /** Sees each answer's status and `Retry-After` (ms), accepted or not. */
  onAnswer?: (status: number, retryAfterMs: number | undefined) => void;
  /**
   * Reads an accepted answer's body: the reason it is in fact a refusal (Slack's `invalid_payload`
   * with a 200), or `undefined` when it is a delivery.
   */
  refusal?: (body: string) => string | undefined;
  /** Values that must not appear in what is thrown, at any depth (the webhook URL, the API key). */
  secrets: readonly string[];
}

/**
 * The alert channels' own hosts: no breaker, no retry budget, no limits shared with the application's
 * scrapers (an open circuit must not hold back an alert; Slack's pacing is the channel's).
 */
const ALERT_HOSTS = new HttpHostRegistry({ breaker: false, budget: false });

/**
 * POSTs until accepted; rejects with the typed error of the last attempt, its message led by `label`
 * and without `options.secrets` anywhere in it or its causes.
 */
export async function httpPost(options: HttpPostOptions, context: ChannelContext): Promise<void> {
  try {
    await post(options, context);
  } catch (error) {
    throw error === context.signal.reason ? error : withoutSecrets(error, options.secrets);
  }
}

async function post(options: HttpPostOptions, context: ChannelContext): Promise<void> {
  const counted = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    await options.beforeAttempt?.(init?.signal ?? undefined);
    context.countAttempt();
    const response = await options.fetch(String(input), init ?? {});
    const retryAfter = response.headers.get('retry-after');
    options.onAnswer?.(
      response.status,
      retryAfter === null ? undefined : parseRetryAfter(retryAfter, Date.now()),
    );
    return response;
  };
  let response: Response;
  try {
    response = await resilientFetch(
      options.url,
      { method: 'POST', headers: options.headers, body: options.body, signal: context.signal },
      {
        name: options.label,
        maxAttempts: options.maxAttempts,
        baseDelayMs: 500,
        maxDelayMs: Math.max(1000, context.deadlineMs),
        attemptTimeoutMs: options.attemptTimeoutMs,
        deadlineMs: context.deadlineMs,
        retryNonIdempotent: true,
        breaker: false,
        budget: false,
        hosts: ALERT_HOSTS,
        fetch: counted,
        clock: context.clock,
      },
    );
  } catch (error) {
    // The manager's own deadline or cancellation is shared by every channel: passed on untouched.
    throw error === context.signal.reason ? error : labeled(error, options.label);
  }
  if (!options.accepted.includes(response.status)) {
    throw new HttpError(
      `${options.label}: answered HTTP ${response.status}, expected ${options.accepted.join(' or ')}`,
      {
        status: response.status,
        transient: false,
      },
    );
  }
  const refusal = options.refusal?.(await response.text().catch(() => ''));
  if (refusal !== undefined) {
    throw new HttpError(
      `${options.label}: answered HTTP ${response.status} with ${JSON.stringify(cutText(refusal, 200))}, which is a refusal`,
      { status: response.status, transient: false },
    );
  }
}

/** The same error, its message led by the service's name (errors made by `resilientFetch` are ours to change). */
function labeled(error: unknown, label: string): unknown {
  if (error instanceof PipelineError && !error.message.startsWith(label)) {
    Object.defineProperty(error, 'message', {
      value: `${label}: ${error.message}`,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return error;
}
