/**
 * The HTTP path of the alert channels: `resilientFetch` (per-attempt timeout, our retry on network
 * errors, 408, 429 and 5xx, `Retry-After` honored, typed `HttpError`s), bounded by the manager's
 * deadline and cancelled by its signal. A POST is retried although it is not idempotent: a duplicate
 * alert is preferred to a lost one. Errors name the service; the URL they show has the secret part of
 * a webhook path redacted (`redactSecrets`). An accepted status is a delivery: the attempt ends with
 * the headers, and the body (read only for a refusal such as Slack's `invalid_payload`) is read
 * afterwards, bounded in size and time, and never makes the POST go again. A redirect is not
 * followed: it is a failed delivery naming its status and the origin it points to (see
 * docs/decisions/alerting.md).
 * @module
 */
import { HttpError, PipelineError, parseRetryAfter } from '../../errors/index.js';
import { HttpHostRegistry, resilientFetch } from '../../http/index.js';
import type { Clock } from '../../retry/index.js';
import { scheduleOn } from '../../retry/schedule.js';
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
  /**
   * Said after the message of an answer with one of `statuses`, which point at the credential (a
   * revoked webhook, a refused key): which setting to check, e.g. `check the API key in SENDGRID_API_KEY`.
   */
  hint?: { statuses: readonly number[]; text: string } | undefined;
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
      // Not followed: a 307/308 would hand the alert (and a header of the API's naming) to another host.
      {
        method: 'POST',
        headers: options.headers,
        body: options.body,
        signal: context.signal,
        redirect: 'manual',
      },
      {
        name: options.label,
        maxAttempts: options.maxAttempts,
        baseDelayMs: 500,
        maxDelayMs: Math.max(1000, context.deadlineMs),
        attemptTimeoutMs: options.attemptTimeoutMs,
        deadlineMs: context.deadlineMs,
        retryNonIdempotent: true,
        // The attempt ends with the headers: a body cut off or still coming after an accepted status
        // would otherwise fail the attempt and post the alert a second time.
        bufferBody: false,
        breaker: false,
        budget: false,
        hosts: ALERT_HOSTS,
        fetch: counted,
        clock: context.clock,
      },
    );
  } catch (error) {
    // The manager's own deadline or cancellation is shared by every channel: passed on untouched.
    throw error === context.signal.reason ? error : labeled(error, options.label, options.hint);
  }
  if (!options.accepted.includes(response.status)) {
    discard(response);
    let to = response.headers.get('location') ?? '';
    try {
      // Its origin only: a webhook's token may be in the path or the query.
      to = to && ` to ${new URL(to, options.url).origin}`;
    } catch {
      to = '';
    }
    throw new HttpError(
      `${options.label}: answered HTTP ${response.status}${to}, expected ${options.accepted.join(' or ')}`,
      {
        status: response.status,
        transient: false,
      },
    );
  }
  if (options.refusal === undefined) {
    discard(response);
    return;
  }
  const refusal = options.refusal(await acceptedBody(response, context.clock));
  if (refusal !== undefined) {
    throw new HttpError(
      `${options.label}: answered HTTP ${response.status} with ${JSON.stringify(cutText(refusal, 200))}, which is a refusal`,
      { status: response.status, transient: false },
    );
  }
}

/** The most of an accepted answer's body read for a refusal: Slack's codes are a few bytes. */
const ACCEPTED_BODY_BYTES = 4096;

/**
 * How long an accepted answer's body is waited for. A refusal comes with its status; a body still
 * coming after this is not one, and the delivery is not held (or failed by the deadline) for it.
 */
const ACCEPTED_BODY_WAIT_MS = 1000;

/** Lets go of a body nobody reads, so that its connection is freed. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/**
 * The start of an accepted answer's body: at most `ACCEPTED_BODY_BYTES`, what arrived within
 * `ACCEPTED_BODY_WAIT_MS`, or what arrived before the connection was cut. Never rejects: the status
 * already says the alert was taken.
 */
async function acceptedBody(response: Response, clock: Clock): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cancelWait = (): void => {};
  const waited = new Promise<undefined>((resolve) => {
    cancelWait = scheduleOn(clock, ACCEPTED_BODY_WAIT_MS, () => resolve(undefined), true);
  });
  try {
    while (size < ACCEPTED_BODY_BYTES) {
      const next = await Promise.race([reader.read(), waited]);
      if (next === undefined || next.done) break;
      chunks.push(next.value);
      size += next.value.byteLength;
    }
  } catch {
    // Cut off (a reset, the manager's deadline, a clock that cannot time): what arrived is read.
  } finally {
    cancelWait();
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, ACCEPTED_BODY_BYTES));
  let at = 0;
  for (const chunk of chunks) {
    if (at >= bytes.length) break;
    const part = chunk.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The same error, its message led by the service's name and, for a status that points at the
 * credential, followed by the hint (errors made by `resilientFetch` are ours to change).
 */
function labeled(error: unknown, label: string, hint: HttpPostOptions['hint']): unknown {
  if (error instanceof PipelineError && !error.message.startsWith(label)) {
    const hinted = hint !== undefined && error instanceof HttpError && hint.statuses.includes(error.status);
    Object.defineProperty(error, 'message', {
      value: `${label}: ${error.message}${hinted ? ` (${hint.text})` : ''}`,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return error;
}
