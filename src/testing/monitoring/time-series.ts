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

interface Series {
  metric: { type: string; labels: Record<string, string> };
  resource: { type: string; labels: Record<string, string> };
  metricKind: 'GAUGE' | 'DELTA';
  valueType: 'INT64';
  /** The point's value over [start, end]. */
  value(start: Date, end: Date): number;
}

const PUBSUB = 'pubsub.googleapis.com/subscription';

/** The three subscription metrics the monitor reads, for every subscription of the Pub/Sub stand-in. */
function pubsubSeries(source: PubSubMetricsSource): Array<Series & { project: string }> {
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
 * Whether a filter restricts the series to one metric type: `metric.type = "TYPE"` itself or as a
 * term of a top-level AND. Cloud Monitoring lists time series of exactly one metric type, so
 * `starts_with`, `one_of`, a regular expression or an OR over metric types is refused.
 */
function namesOneMetricType(node: FilterNode): boolean {
  if (node.kind === 'and') return node.children.some(namesOneMetricType);
  return (
    node.kind === 'compare' &&
    node.field.length === 2 &&
    node.field[0] === 'metric' &&
    node.field[1] === 'type' &&
    node.op === '=' &&
    node.value.kind === 'text'
  );
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
  if (!namesOneMetricType(parsed)) throw rpcError('INVALID_ARGUMENT', ONE_METRIC_TYPE);
  return parsed;
}

/**
 * ListTimeSeries over live state: one point per series, covering the requested interval (a gauge's
 * current value stamped at the interval's end, a delta's count within the interval). There is no
 * history and no sampling delay.
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
  const filter = parse(request.filter, compilePattern);
  const requestedEnd = fromWireTimestamp(request.interval?.endTime);
  if (!requestedEnd) throw rpcError('INVALID_ARGUMENT', 'interval.end_time is required');
  const end = requestedEnd > now ? now : requestedEnd;
  const start = fromWireTimestamp(request.interval?.startTime) ?? end;
  if (start > end) throw rpcError('INVALID_ARGUMENT', 'interval.start_time must not be after end_time');
  const reducer = request.aggregation?.crossSeriesReducer;
  if (reducer && reducer !== 'REDUCE_NONE') {
    throw rpcError(
      'INVALID_ARGUMENT',
      `aggregation.cross_series_reducer ${reducer} is not supported by the stand-in`,
    );
  }
  const headersOnly = request.view === 'HEADERS';
  const timeSeries = pubsubSeries(source)
    .filter((series) => series.project === project && evaluateFilter(filter, series))
    .map((series) => {
      const interval =
        series.metricKind === 'GAUGE'
          ? { startTime: toWireTimestamp(end), endTime: toWireTimestamp(end) }
          : { startTime: toWireTimestamp(start), endTime: toWireTimestamp(end) };
      return {
        metric: series.metric,
        resource: series.resource,
        metricKind: series.metricKind,
        valueType: series.valueType,
        points: headersOnly ? [] : [{ interval, value: { int64Value: String(series.value(start, end)) } }],
      };
    });
  return { timeSeries, nextPageToken: '', executionErrors: [] };
}
