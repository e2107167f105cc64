import {
  evaluateFilter,
  type FilterNode,
  FilterSyntaxError,
  type PatternCompiler,
  parseFilter,
} from '../../monitoring/filter/index.js';
import type { PubSubSubscriptionMetrics } from '../pubsub/broker.js';
import type { Msg } from '../shared/grpc-server.js';
import { rpcError } from '../shared/grpc-status.js';
import { fromWireTimestamp, toWireTimestamp } from '../shared/timestamp.js';
import {
  aggregate,
  checkAlignerFor,
  type MetricKind,
  parseAggregation,
  type SourceSeries,
  type WireSeries,
} from './aggregation.js';
import { pageOf } from './pages.js';

/**
 * Where the Monitoring stand-in reads its Pub/Sub metrics: a running Pub/Sub stand-in, or anything
 * that reports subscriptions the same way.
 *
 * @example
 * ```ts
 * import { startMonitoringStandIn, startPubSubStandIn, type PubSubMetricsSource } from 'gcp-pipeline-resilience/testing';
 * const pubsub = await startPubSubStandIn();
 * // Any object with subscriptionMetrics() feeds the Monitoring stand-in: here, a backlog of 100 added.
 * const withBacklog: PubSubMetricsSource = {
 *   subscriptionMetrics: () => pubsub.subscriptionMetrics().map((m) => ({ ...m, unacked: m.unacked + 100 })),
 * };
 * const monitoring = await startMonitoringStandIn({ pubsub: withBacklog });
 * ```
 */
export interface PubSubMetricsSource {
  subscriptionMetrics(): PubSubSubscriptionMetrics[];
}

const PUBSUB = 'pubsub.googleapis.com/subscription';

/** The kind of each metric the stand-in serves, known even when no series matches. */
const METRIC_KINDS: Readonly<Record<string, MetricKind>> = {
  [`${PUBSUB}/num_undelivered_messages`]: 'GAUGE',
  [`${PUBSUB}/oldest_unacked_message_age`]: 'GAUGE',
  [`${PUBSUB}/dead_letter_message_count`]: 'DELTA',
};

/** The three subscription metrics the monitor reads, for every subscription of the Pub/Sub stand-in. */
function pubsubSeries(source: PubSubMetricsSource): Array<SourceSeries & { project: string }> {
  return source.subscriptionMetrics().flatMap((m) => {
    const resource = {
      type: 'pubsub_subscription',
      labels: { project_id: m.project, subscription_id: m.id },
    };
    const base = { resource, valueType: 'INT64' as const, project: m.project };
    return [
      {
        ...base,
        metric: { type: `${PUBSUB}/num_undelivered_messages`, labels: {} },
        metricKind: 'GAUGE' as const,
        value: () => m.unacked,
      },
      {
        ...base,
        metric: { type: `${PUBSUB}/oldest_unacked_message_age`, labels: {} },
        metricKind: 'GAUGE' as const,
        value: (_start: Date, end: Date) =>
          m.oldestUnackedPublishTime
            ? Math.max(0, Math.floor((end.getTime() - m.oldestUnackedPublishTime.getTime()) / 1000))
            : 0,
      },
      {
        ...base,
        metric: { type: `${PUBSUB}/dead_letter_message_count`, labels: {} },
        metricKind: 'DELTA' as const,
        value: (start: Date, end: Date) => m.deadLetteredAt.filter((at) => at >= start && at <= end).length,
      },
    ];
  });
}

const ONE_METRIC_TYPE =
  'filter: a time series filter must name exactly one metric type (metric.type = "TYPE")';

/**
 * The one metric type a filter restricts the series to: `metric.type = "TYPE"` itself or as a
 * term of a top-level AND (`undefined` when there is none). Cloud Monitoring lists time series of exactly one metric type, so
 * `starts_with`, `one_of`, a regular expression or an OR over metric types is refused.
 */
function metricTypeOf(node: FilterNode): string | undefined {
  if (node.kind === 'and') {
    for (const child of node.children) {
      const type = metricTypeOf(child);
      if (type !== undefined) return type;
    }
    return undefined;
  }
  return node.kind === 'compare' &&
    node.field.length === 2 &&
    node.field[0] === 'metric' &&
    node.field[1] === 'type' &&
    node.op === '=' &&
    node.value.kind === 'text'
    ? node.value.text
    : undefined;
}

function parse(filter: unknown, compilePattern: PatternCompiler) {
  if (typeof filter !== 'string' || !filter.includes('metric.type')) {
    throw rpcError('INVALID_ARGUMENT', ONE_METRIC_TYPE);
  }
  let parsed: FilterNode;
  try {
    parsed = parseFilter(filter, 'monitoring', { compilePattern });
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw rpcError('INVALID_ARGUMENT', `filter: ${error.message}`);
    throw error;
  }
  const metricType = metricTypeOf(parsed);
  if (metricType === undefined) throw rpcError('INVALID_ARGUMENT', ONE_METRIC_TYPE);
  return { filter: parsed, metricType };
}

/**
 * ListTimeSeries over live state. Raw points (no aggregation, or ALIGN_NONE): one per series covering
 * the requested interval (a gauge's current value stamped at the interval's end, a delta's count
 * within the interval); there is no history and no sampling delay. With an aligner, one point per
 * alignment period ending at the interval's end (a gauge's only sample falls in the newest), reduced
 * per group when a reducer is set (see `aggregation.ts`). Series come in a stable order and are paged.
 */
export function listTimeSeries(
  source: PubSubMetricsSource,
  request: Msg,
  compilePattern: PatternCompiler,
  now: Date = new Date(),
) {
  const project = /^projects\/([^/]+)$/.exec(String(request.name ?? ''))?.[1];
  if (!project)
    throw rpcError(
      'INVALID_ARGUMENT',
      `name: expected projects/PROJECT_ID, got ${JSON.stringify(request.name)}`,
    );
  const { filter, metricType } = parse(request.filter, compilePattern);
  const requestedEnd = fromWireTimestamp(request.interval?.endTime);
  if (!requestedEnd) throw rpcError('INVALID_ARGUMENT', 'interval.end_time is required');
  const end = requestedEnd > now ? now : requestedEnd;
  const start = fromWireTimestamp(request.interval?.startTime) ?? end;
  if (start > end) throw rpcError('INVALID_ARGUMENT', 'interval.start_time must not be after end_time');
  if (typeof request.orderBy === 'string' && request.orderBy !== '') {
    throw rpcError('INVALID_ARGUMENT', 'order_by is unsupported and must be left blank');
  }
  const aggregation = parseAggregation(request);
  const kind = METRIC_KINDS[metricType];
  if (aggregation && kind) checkAlignerFor(aggregation, metricType, kind);
  const headersOnly = request.view === 'HEADERS';
  const matching = pubsubSeries(source)
    .filter((series) => series.project === project && evaluateFilter(filter, series))
    .sort((a, b) => seriesKey(a).localeCompare(seriesKey(b)));
  const timeSeries: WireSeries[] = aggregation
    ? aggregate(matching, aggregation, start, end)
    : matching.map((series) => rawSeries(series, start, end));
  const { page, nextPageToken } = pageOf(request, timeSeries, headersOnly);
  return {
    timeSeries: headersOnly ? page.map((series) => ({ ...series, points: [] })) : page,
    nextPageToken,
    executionErrors: [],
  };
}

const seriesKey = (series: SourceSeries) => JSON.stringify([series.metric, series.resource]);

function rawSeries(series: SourceSeries, start: Date, end: Date): WireSeries {
  const interval =
    series.metricKind === 'GAUGE'
      ? { startTime: toWireTimestamp(end), endTime: toWireTimestamp(end) }
      : { startTime: toWireTimestamp(start), endTime: toWireTimestamp(end) };
  return {
    metric: series.metric,
    resource: series.resource,
    metricKind: series.metricKind,
    valueType: series.valueType,
    points: [{ interval, value: { int64Value: String(series.value(start, end)) } }],
  };
}
