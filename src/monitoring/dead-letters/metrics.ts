import type { MetricServiceClient } from '@google-cloud/monitoring';
import { PipelineError } from '../../errors/index.js';
import { quoteValue } from '../../errors/redact.js';
import { quoteFilterString } from '../filter/index.js';

const PREFIX = 'pubsub.googleapis.com/subscription';
/**
 * Pages of one metric read at most: one series per subscription is expected, so even a page size of
 * one would need fewer for the subscriptions a monitor watches.
 */
const MAX_PAGES = 100;
/** The code of the error Monitoring's figures are set aside with when its paging goes wrong. */
const PAGING_ERROR = 'MONITORING_PAGING';
/**
 * The gRPC codes a ListTimeSeries is sent again on, within the call's `timeout` and the client's own
 * backoff (100 ms, x1.3): DEADLINE_EXCEEDED (4), RESOURCE_EXHAUSTED (8, a read quota's 429) and
 * UNAVAILABLE (14). The client's settings retry UNAVAILABLE only, so one 429 set Monitoring aside
 * for the run (counts from peeks, and a warning finding that it was unreadable). The call is a read:
 * sending it again changes nothing.
 */
const RETRY_CODES = [4, 8, 14];

/** What Cloud Monitoring said about one subscription (each value absent when it had no data). */
export interface SubscriptionMetrics {
  undelivered?: number;
  oldestAgeSeconds?: number;
  /** Sum of `dead_letter_message_count` over the lookback (read on a source subscription). */
  deadLettered?: number;
}

type Point = {
  value?: { int64Value?: unknown } | null;
  interval?: { endTime?: { seconds?: unknown; nanos?: unknown } | null } | null;
} | null;
/** The fields of a time series read here. */
type Series = {
  metric?: unknown;
  resource?: { type?: unknown; labels?: Record<string, string> | null } | null;
  points?: Point[] | null;
};

/**
 * A point's int64 as a count: a non-negative whole number, else `undefined` (no data). A negative or
 * malformed value must never pass for a count: -5 undelivered messages would read as "nothing to see".
 */
function toCount(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** A point's end time in seconds (nanoseconds as the fraction); -Infinity when it has none. */
function endSeconds(point: Point): number {
  const end = point?.interval?.endTime;
  const seconds = Number(end?.seconds ?? Number.NaN) + Number(end?.nanos ?? 0) / 1e9;
  return Number.isFinite(seconds) ? seconds : Number.NEGATIVE_INFINITY;
}

/**
 * Cloud Monitoring splits a series longer than a page: the same series (same metric and resource)
 * ends one page and starts the next with its older points. Consecutive chunks of one series are
 * joined here, so that a gauge is read once from its newest point and a delta's points are summed
 * once each, rather than each chunk counting as a series of its own.
 */
function joinSplitSeries(series: readonly Series[]): Series[] {
  const joined: Series[] = [];
  let lastKey: string | undefined;
  for (const chunk of series) {
    const key = JSON.stringify([chunk.metric ?? null, chunk.resource ?? null]);
    const last = joined.at(-1);
    if (last !== undefined && key === lastKey) {
      last.points = [...(last.points ?? []), ...(chunk.points ?? [])];
      continue;
    }
    joined.push({ ...chunk, points: [...(chunk.points ?? [])] });
    lastKey = key;
  }
  return joined;
}

/**
 * Reads one metric for a set of subscriptions with `ListTimeSeries` (one call, and one more per next
 * page; a token seen twice or over 100 pages is an error: Monitoring's figures are then not used). Gauges give their newest
 * point (the API returns points newest first); deltas the sum of their points.
 */
async function readMetric(
  client: MetricServiceClient,
  projectId: string,
  metric: string,
  subscriptions: readonly string[],
  window: { start: Date; end: Date },
  kind: 'gauge' | 'delta',
  call: { timeout: number; signal: AbortSignal | undefined },
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (subscriptions.length === 0) return out;
  const ids = subscriptions.map(quoteFilterString).join(', ');
  // Rounded up: an event in the current second is inside the window.
  const toTimestamp = (date: Date) => ({ seconds: Math.ceil(date.getTime() / 1000) });
  const series: Series[] = [];
  // Paged here rather than by the client: its autoPaginate follows a token that comes back for ever.
  const followed = new Set<string>();
  let pageToken: string | undefined;
  do {
    call.signal?.throwIfAborted();
    if (pageToken !== undefined) {
      if (followed.has(pageToken) || followed.size >= MAX_PAGES) {
        throw new PipelineError(
          followed.has(pageToken)
            ? `Cloud Monitoring returned the page token ${quoteValue(pageToken, 40)} of ${metric} again: the series would repeat, so none is used`
            : `Cloud Monitoring sent more than ${MAX_PAGES} pages of ${metric} for ${subscriptions.length} subscription(s): the series are not used`,
          { code: PAGING_ERROR },
        );
      }
      followed.add(pageToken);
    }
    const [page, next] = await client.listTimeSeries(
      {
        name: `projects/${projectId}`,
        filter: `metric.type = ${quoteFilterString(`${PREFIX}/${metric}`)} AND resource.type = "pubsub_subscription" AND resource.labels.subscription_id = one_of(${ids})`,
        interval: { startTime: toTimestamp(window.start), endTime: toTimestamp(window.end) },
        view: 'FULL',
        ...(pageToken ? { pageToken } : {}),
      },
      { timeout: call.timeout, autoPaginate: false, retry: { retryCodes: RETRY_CODES } },
    );
    series.push(...((page ?? []) as Series[]));
    pageToken = (next as { pageToken?: string | null } | null | undefined)?.pageToken || undefined;
  } while (pageToken !== undefined);
  for (const one of joinSplitSeries(series)) {
    const id = one.resource?.labels?.subscription_id;
    if (!id) continue;
    const counted = (one.points ?? []).flatMap((point) => {
      const value = toCount(point?.value?.int64Value);
      return value === undefined ? [] : [{ value, at: endSeconds(point) }];
    });
    if (counted.length === 0) continue;
    // A gauge is its newest point, found by time: newest first holds within a page, and a series
    // split across pages goes on with older points, but nothing is lost by not relying on order.
    const value =
      kind === 'gauge'
        ? counted.reduce((newest, p) => (p.at > newest.at ? p : newest)).value
        : counted.reduce((sum, p) => sum + p.value, 0);
    // One series per subscription is expected; if there are more, deltas add up and gauges take the largest.
    const previous = out.get(id);
    out.set(id, kind === 'delta' ? (previous ?? 0) + value : Math.max(previous ?? value, value));
  }
  return out;
}

/**
 * The three dead-letter metrics for the given subscriptions: undelivered messages and the oldest's
 * age on each DLQ subscription (gauges, read over the last `gaugeWindowMs` so that one sample is
 * there), and `dead_letter_message_count` on each source subscription over the lookback.
 */
export async function readDeadLetterMetrics(
  client: MetricServiceClient,
  projectId: string,
  dlqSubscriptions: readonly string[],
  sourceSubscriptions: readonly string[],
  options: { now: Date; lookbackMs: number; gaugeWindowMs: number; timeout: number; signal?: AbortSignal },
): Promise<{ dlq: Map<string, SubscriptionMetrics>; source: Map<string, number> }> {
  const gaugeWindow = { start: new Date(options.now.getTime() - options.gaugeWindowMs), end: options.now };
  const deltaWindow = { start: new Date(options.now.getTime() - options.lookbackMs), end: options.now };
  const call = { timeout: options.timeout, signal: options.signal };
  const [undelivered, age, deadLettered] = await Promise.all([
    readMetric(client, projectId, 'num_undelivered_messages', dlqSubscriptions, gaugeWindow, 'gauge', call),
    readMetric(client, projectId, 'oldest_unacked_message_age', dlqSubscriptions, gaugeWindow, 'gauge', call),
    readMetric(
      client,
      projectId,
      'dead_letter_message_count',
      sourceSubscriptions,
      deltaWindow,
      'delta',
      call,
    ),
  ]);
  const dlq = new Map<string, SubscriptionMetrics>();
  for (const id of dlqSubscriptions) {
    const metrics: SubscriptionMetrics = {};
    const count = undelivered.get(id);
    if (count !== undefined) metrics.undelivered = count;
    const oldest = age.get(id);
    if (oldest !== undefined) metrics.oldestAgeSeconds = oldest;
    dlq.set(id, metrics);
  }
  return { dlq, source: deadLettered };
}
