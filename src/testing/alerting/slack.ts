/**
 * `startSlackStandIn`: a Slack incoming webhook on 127.0.0.1 that checks payloads against Slack's
 * block limits, can enforce its rate limit, and records every message it accepted.
 * @module
 */
import { SLACK_LIMITS } from '../../alerting/channels/slack-limits.js';
import type { SlackWebhookPayload } from '../../alerting/index.js';
import type { HttpFaultPlan } from '../http/faults.js';
import { type HttpStandInRequest, startHttpStandIn } from '../http/stand-in.js';

/**
 * Options of {@link startSlackStandIn}.
 *
 * @example
 * ```ts
 * import { startSlackStandIn } from 'gcp-pipeline-resilience/testing';
 * const slack = await startSlackStandIn({ rateLimit: { perSecond: 1, burst: 2 } });
 * ```
 */
export interface SlackStandInOptions {
  /**
   * Answer 429 `rate_limited` with `Retry-After: 1` to posts above this rate (a token bucket in real
   * time), as Slack does above about one message a second. Default: no limit.
   */
  rateLimit?: { perSecond: number; burst?: number };
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
}

/**
 * A message the stand-in accepted.
 *
 * @example
 * ```ts
 * import { startSlackStandIn } from 'gcp-pipeline-resilience/testing';
 * const slack = await startSlackStandIn();
 * // ... send an alert through slackChannel({ webhookUrl: slack.webhookUrl }) ...
 * const [first] = slack.messages;
 * first?.payload.attachments?.[0]?.color; // '#FF0000'
 * ```
 */
export interface SlackStandInMessage {
  /** The webhook path it was posted to (`/services/T.../B.../...`). */
  readonly path: string;
  readonly payload: Partial<SlackWebhookPayload> & Record<string, unknown>;
  readonly receivedAt: Date;
}

/**
 * A running Slack webhook stand-in.
 *
 * @example
 * ```ts
 * import { slackChannel } from 'gcp-pipeline-resilience';
 * import { startSlackStandIn } from 'gcp-pipeline-resilience/testing';
 * const slack = await startSlackStandIn();
 * const channel = slackChannel({ webhookUrl: slack.webhookUrl });
 * slack.faults.add({ times: 1, status: 429, headers: { 'retry-after': '1' } });
 * // ... send alerts ...
 * console.log(slack.messages.length);
 * await slack.close();
 * ```
 */
export interface SlackStandIn {
  /** `'http://127.0.0.1:PORT'`. */
  readonly url: string;
  /** A webhook URL on the stand-in (any path under `/services/` is a webhook). */
  readonly webhookUrl: string;
  /** Every message accepted (answered 200 `ok`), in order. */
  readonly messages: SlackStandInMessage[];
  /** Every request, accepted or not. */
  readonly requests: HttpStandInRequest[];
  /** Fault injection: `status` (with `Retry-After`), `delayMs`, `hang`, `reset`, `truncateBody`, `slowBody`. */
  readonly faults: HttpFaultPlan;
  close(): Promise<void>;
}

type Problem = { status: number; body: string } | undefined;

/** Checks a payload as Slack does: some text, blocks within the limits; `invalid_blocks` otherwise. */
function checkPayload(payload: unknown): Problem {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { status: 400, body: 'invalid_payload' };
  }
  const p = payload as Record<string, unknown>;
  const attachments = Array.isArray(p.attachments) ? (p.attachments as Array<Record<string, unknown>>) : [];
  const blockLists = [p.blocks, ...attachments.map((a) => a.blocks)].filter(Array.isArray) as unknown[][];
  const hasText = typeof p.text === 'string' && p.text.trim() !== '';
  if (!hasText && blockLists.length === 0 && attachments.length === 0)
    return { status: 400, body: 'no_text' };
  if (typeof p.text === 'string' && p.text.length > SLACK_LIMITS.text)
    return { status: 400, body: 'msg_too_long' };
  const invalid: Problem = { status: 400, body: 'invalid_blocks' };
  const textOk = (t: unknown, max: number) =>
    typeof t === 'object' &&
    t !== null &&
    ((t as { type?: unknown }).type === 'mrkdwn' || (t as { type?: unknown }).type === 'plain_text') &&
    typeof (t as { text?: unknown }).text === 'string' &&
    ((t as { text: string }).text.length ?? 0) <= max &&
    (t as { text: string }).text.length > 0;
  for (const blocks of blockLists) {
    if (blocks.length > SLACK_LIMITS.blocks) return invalid;
    for (const raw of blocks) {
      const block = raw as Record<string, unknown>;
      if (block.type === 'header') {
        if (
          !textOk(block.text, SLACK_LIMITS.headerText) ||
          (block.text as { type: string }).type !== 'plain_text'
        ) {
          return invalid;
        }
      } else if (block.type === 'section') {
        const fields = block.fields as unknown[] | undefined;
        if (block.text === undefined && fields === undefined) return invalid;
        if (block.text !== undefined && !textOk(block.text, SLACK_LIMITS.sectionText)) return invalid;
        if (fields !== undefined) {
          if (!Array.isArray(fields) || fields.length > SLACK_LIMITS.sectionFields) return invalid;
          if (!fields.every((f) => textOk(f, SLACK_LIMITS.fieldText))) return invalid;
        }
      } else if (block.type === 'context') {
        const elements = block.elements as unknown[] | undefined;
        if (
          !Array.isArray(elements) ||
          elements.length === 0 ||
          elements.length > SLACK_LIMITS.contextElements
        ) {
          return invalid;
        }
        if (!elements.every((e) => textOk(e, SLACK_LIMITS.fieldText))) return invalid;
      } else if (block.type !== 'divider') {
        return invalid;
      }
    }
  }
  return undefined;
}

/**
 * Starts a Slack incoming-webhook stand-in on 127.0.0.1. A POST under `/services/` with a JSON payload
 * is checked as Slack checks it (`no_text`, `invalid_payload`, `invalid_blocks` for a header over 150
 * characters, a section over 3000, more than 10 fields, more than 50 blocks; all 400) and answered 200
 * `ok`; other paths answer 404 `no_service`. With `rateLimit`, posts above the rate answer 429
 * `rate_limited` with `Retry-After: 1`. Takes the HTTP stand-in's fault plan (`status` and headers such
 * as `Retry-After`, `delayMs`, `hang`, `reset`, ...).
 *
 * @example
 * ```ts
 * import { createAlertManager, slackChannel } from 'gcp-pipeline-resilience';
 * import { startSlackStandIn } from 'gcp-pipeline-resilience/testing';
 * const slack = await startSlackStandIn();
 * const alerts = createAlertManager({ channels: [slackChannel({ webhookUrl: slack.webhookUrl })] });
 * await alerts.send({ key: 'k', severity: 'warning', title: 'Disk almost full' });
 * slack.messages.length; // 1
 * await slack.close();
 * ```
 */
export async function startSlackStandIn(options: SlackStandInOptions = {}): Promise<SlackStandIn> {
  const messages: SlackStandInMessage[] = [];
  const limit = options.rateLimit;
  if (limit !== undefined && !(limit.perSecond > 0)) {
    throw new TypeError(`rateLimit.perSecond must be > 0, got ${limit.perSecond}`);
  }
  const burst = limit ? (limit.burst ?? 1) : 0;
  let tokens = burst;
  let refilledAt = Date.now();
  const take = (): boolean => {
    if (!limit) return true;
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * limit.perSecond);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  const service = await startHttpStandIn({
    ...(options.port !== undefined ? { port: options.port } : {}),
    routes: [
      {
        method: 'POST',
        path: /^\/services\//,
        handler(request) {
          let payload: unknown;
          try {
            payload = JSON.parse(request.body);
          } catch {
            return { status: 400, body: 'invalid_payload' };
          }
          const problem = checkPayload(payload);
          if (problem) return problem;
          if (!take()) return { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' };
          messages.push({
            path: request.path,
            payload: payload as SlackStandInMessage['payload'],
            receivedAt: new Date(),
          });
          return { status: 200, body: 'ok' };
        },
      },
      { path: /.*/, handler: () => ({ status: 404, body: 'no_service' }) },
    ],
  });
  return {
    url: service.url,
    webhookUrl: `${service.url}/services/T0STANDIN/B0STANDIN/stand-in-webhook`,
    messages,
    requests: service.requests,
    faults: service.faults,
    close: () => service.close(),
  };
}
