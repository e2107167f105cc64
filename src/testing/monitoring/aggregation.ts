/**
 * `ListTimeSeries`'s `aggregation` as Cloud Monitoring applies it: each series cut into alignment
 * periods that end at the interval's end, one value per period (the per-series aligner), then the
 * series combined per group of `groupByFields` (the cross-series reducer). What the stand-in does not
 * model is refused with INVALID_ARGUMENT naming it, never ignored.
 * @module
 */
import type { Msg } from '../shared/grpc-server.js';
import { rpcError } from '../shared/grpc-status.js';
import { toWireTimestamp } from '../shared/timestamp.js';

/** A metric's kind as Cloud Monitoring reports it. */
export type MetricKind = 'GAUGE' | 'DELTA';
/** The value types a stand-in series carries, before and after aggregation. */
export type ValueType = 'INT64' | 'DOUBLE';

/**
 * A series as the stand-in knows it: its labels and its state, read live. A gauge has one sample, its
 * current value; a delta has the times of its events, counted over any span.
 */
export interface SourceSeries {
  metric: { type: string; labels: Record<string, string> };
  resource: { type: string; labels: Record<string, string> };
  metricKind: MetricKind;
  valueType: 'INT64';
  /** A gauge's value at `end`, or a delta's count over (`start`, `end`]. */
  value(start: Date, end: Date): number;
}

/** A series as ListTimeSeries answers it (point values by value type). */
export interface WireSeries {
  metric: SourceSeries['metric'];
  resource: SourceSeries['resource'];
  metricKind: MetricKind;
  valueType: ValueType;
  points: Array<{
    interval: { startTime: object; endTime: object };
    value: { int64Value: string } | { doubleValue: number };
  }>;
}

const GAUGE_ALIGNERS = [
  'ALIGN_MEAN',
  'ALIGN_MIN',
  'ALIGN_MAX',
  'ALIGN_SUM',
  'ALIGN_COUNT',
  'ALIGN_NEXT_OLDER',
];
const DELTA_ALIGNERS = ['ALIGN_DELTA', 'ALIGN_RATE', 'ALIGN_SUM'];
const ALIGNERS = new Set([...GAUGE_ALIGNERS, ...DELTA_ALIGNERS]);
const REDUCERS = new Set(['REDUCE_SUM', 'REDUCE_MEAN', 'REDUCE_MIN', 'REDUCE_MAX', 'REDUCE_COUNT']);
/** Cloud Monitoring's bounds of `alignment_period`: 60 s to 104 weeks. */
const MIN_PERIOD_MS = 60_000;
const MAX_PERIOD_MS = 104 * 7 * 86_400_000;
/** The stand-in's own bound: the alignment periods of one request, so that a series fits a message. */
const MAX_PERIODS = 100_000;

/** A `group_by_fields` entry: the type, or one label, of the metric or the resource. */
interface GroupField {
  of: 'metric' | 'resource';
  /** A label's key, or `undefined` for the type. */
  label: string | undefined;
}

/** A checked aggregation that aligns (an ALIGN_NONE one is no aggregation at all). */
export interface Aggregation {
  periodMs: number;
  aligner: string;
  /** `undefined` for REDUCE_NONE. */
  reducer: string | undefined;
  groupBy: GroupField[];
}

const invalid = (message: string) => rpcError('INVALID_ARGUMENT', message);

function durationMs(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
  return Number(seconds ?? 0) * 1000 + Math.floor(Number(nanos ?? 0) / 1_000_000);
}

function parseGroupField(field: unknown): GroupField {
  const text = String(field);
  const type = /^(metric|resource)\.type$/.exec(text);
  if (type) return { of: type[1] as GroupField['of'], label: undefined };
  const label = /^(metric|resource)\.labels?\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (label) return { of: label[1] as GroupField['of'], label: label[2] };
  throw invalid(
    `aggregation.group_by_fields: ${JSON.stringify(text)} is not a field the stand-in groups by (metric.type, resource.type, metric.label.KEY or resource.label.KEY)`,
  );
}

/**
 * Reads `aggregation` (and refuses `secondary_aggregation`): `undefined` when the raw points are
 * asked for (no aggregation, or ALIGN_NONE without a reducer: the period is then ignored, as Cloud
 * Monitoring ignores it).
 */
export function parseAggregation(request: Msg): Aggregation | undefined {
  const secondary = request.secondaryAggregation as Msg | null | undefined;
  if (
    secondary &&
    ((secondary.perSeriesAligner ?? 'ALIGN_NONE') !== 'ALIGN_NONE' ||
      (secondary.crossSeriesReducer ?? 'REDUCE_NONE') !== 'REDUCE_NONE')
  ) {
    throw invalid('secondary_aggregation is not supported by the stand-in');
  }
  const message = request.aggregation as Msg | null | undefined;
  if (!message) return undefined;
  const aligner = String(message.perSeriesAligner ?? 'ALIGN_NONE');
  const reducerName = String(message.crossSeriesReducer ?? 'REDUCE_NONE');
  if (aligner === 'ALIGN_NONE') {
    if (reducerName !== 'REDUCE_NONE') {
      throw invalid(
        `aggregation.per_series_aligner must be set, and not ALIGN_NONE, with aggregation.cross_series_reducer ${reducerName}`,
      );
    }
    return undefined;
  }
  if (!ALIGNERS.has(aligner)) {
    throw invalid(
      `aggregation.per_series_aligner ${aligner} is not supported by the stand-in (it models ${[...ALIGNERS].join(', ')})`,
    );
  }
  const periodMs = durationMs(message.alignmentPeriod);
  if (periodMs === undefined || periodMs === 0) {
    throw invalid(`aggregation.alignment_period is required with aggregation.per_series_aligner ${aligner}`);
  }
  if (!(periodMs >= MIN_PERIOD_MS && periodMs <= MAX_PERIOD_MS)) {
    throw invalid(
      `aggregation.alignment_period must be at least 60 seconds and at most 104 weeks, got ${periodMs / 1000} s`,
    );
  }
  if (reducerName !== 'REDUCE_NONE' && !REDUCERS.has(reducerName)) {
    throw invalid(
      `aggregation.cross_series_reducer ${reducerName} is not supported by the stand-in (it models ${[...REDUCERS].join(', ')})`,
    );
  }
  const reducer = reducerName === 'REDUCE_NONE' ? undefined : reducerName;
  const fields = Array.isArray(message.groupByFields) ? message.groupByFields : [];
  // Without a reducer, Cloud Monitoring ignores group_by_fields.
  return { periodMs, aligner, reducer, groupBy: reducer ? fields.map(parseGroupField) : [] };
}

/**
 * Refuses an aligner that is not valid for the metric's kind: ALIGN_DELTA and ALIGN_RATE are for
 * DELTA (and CUMULATIVE) metrics; of the others, the stand-in models on a DELTA metric only the ones
 * that do not depend on how its points were sampled (ALIGN_SUM).
 */
export function checkAlignerFor(aggregation: Aggregation, metricType: string, kind: MetricKind): void {
  const valid = kind === 'GAUGE' ? GAUGE_ALIGNERS : DELTA_ALIGNERS;
  if (valid.includes(aggregation.aligner)) return;
  throw invalid(
    kind === 'GAUGE'
      ? `aggregation.per_series_aligner ${aggregation.aligner} is not valid for ${metricType}, a GAUGE metric (valid: ${GAUGE_ALIGNERS.join(', ')})`
      : `aggregation.per_series_aligner ${aggregation.aligner} on ${metricType}, a DELTA metric, is not modeled by the stand-in (it models ${DELTA_ALIGNERS.join(', ')})`,
  );
}

/** One aligned value per period, newest period first (`undefined` where a period has no data). */
interface Aligned {
  source: SourceSeries;
  metricKind: MetricKind;
  valueType: ValueType;
  values: Array<number | undefined>;
}

/** The periods (`start`, `end`] covering [start, end], ending at `end`, newest first. */
function periods(start: Date, end: Date, periodMs: number): Array<{ start: Date; end: Date }> {
  const count = Math.max(1, Math.ceil((end.getTime() - start.getTime()) / periodMs));
  return Array.from({ length: count }, (_, k) => ({
    start: new Date(end.getTime() - (k + 1) * periodMs),
    end: new Date(end.getTime() - k * periodMs),
  }));
}

function align(
  series: SourceSeries,
  aggregation: Aggregation,
  spans: Array<{ start: Date; end: Date }>,
  from: Date,
): Aligned {
  const { aligner, periodMs } = aggregation;
  if (series.metricKind === 'DELTA') {
    // Periods are (start, end]: an event on a boundary counts once. Nothing before the interval counts.
    const after = (span: { start: Date }) => new Date(Math.max(span.start.getTime() + 1, from.getTime()));
    const counts = spans.map((span) => series.value(after(span), span.end));
    if (aligner === 'ALIGN_RATE') {
      return {
        source: series,
        metricKind: 'GAUGE',
        valueType: 'DOUBLE',
        values: counts.map((c) => c / (periodMs / 1000)),
      };
    }
    return { source: series, metricKind: 'DELTA', valueType: 'INT64', values: counts };
  }
  // A gauge's one sample is its current value, at the interval's end: only the newest period holds it.
  const sample = series.value(spans[0]!.end, spans[0]!.end);
  const newest = aligner === 'ALIGN_COUNT' ? 1 : sample;
  return {
    source: series,
    metricKind: 'GAUGE',
    valueType: aligner === 'ALIGN_MEAN' ? 'DOUBLE' : 'INT64',
    values: spans.map((_, k) => (k === 0 ? newest : undefined)),
  };
}

function reduce(reducer: string, values: number[]): number {
  switch (reducer) {
    case 'REDUCE_SUM':
      return values.reduce((a, b) => a + b, 0);
    case 'REDUCE_MEAN':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'REDUCE_MIN':
      return Math.min(...values);
    case 'REDUCE_MAX':
      return Math.max(...values);
    default:
      return values.length;
  }
}

function pick(labels: Record<string, string>, fields: GroupField[], of: GroupField['of']) {
  const out: Record<string, string> = {};
  for (const field of fields) {
    if (field.of === of && field.label !== undefined && field.label in labels)
      out[field.label] = labels[field.label]!;
  }
  return out;
}

function toWire(
  head: Pick<WireSeries, 'metric' | 'resource' | 'metricKind' | 'valueType'>,
  values: Array<number | undefined>,
  spans: Array<{ start: Date; end: Date }>,
): WireSeries {
  const points: WireSeries['points'] = [];
  values.forEach((value, k) => {
    if (value === undefined) return;
    const span = spans[k]!;
    points.push({
      interval: {
        startTime: toWireTimestamp(head.metricKind === 'GAUGE' ? span.end : span.start),
        endTime: toWireTimestamp(span.end),
      },
      value: head.valueType === 'DOUBLE' ? { doubleValue: value } : { int64Value: String(value) },
    });
  });
  return { ...head, points };
}

/** Aligns every series over [start, end], then reduces them per group when a reducer is set. */
export function aggregate(
  series: SourceSeries[],
  aggregation: Aggregation,
  start: Date,
  end: Date,
): WireSeries[] {
  if ((end.getTime() - start.getTime()) / aggregation.periodMs > MAX_PERIODS) {
    throw invalid(
      `interval: more than ${MAX_PERIODS} alignment periods of ${aggregation.periodMs / 1000} s; the stand-in answers at most that many per series (use a longer aggregation.alignment_period)`,
    );
  }
  const spans = periods(start, end, aggregation.periodMs);
  const aligned = series.map((one) => align(one, aggregation, spans, start));
  const { reducer, groupBy } = aggregation;
  if (!reducer) {
    return aligned.map((a) =>
      toWire(
        {
          metric: a.source.metric,
          resource: a.source.resource,
          metricKind: a.metricKind,
          valueType: a.valueType,
        },
        a.values,
        spans,
      ),
    );
  }
  const groups = new Map<string, Aligned[]>();
  for (const one of aligned) {
    const key = JSON.stringify(
      groupBy.map((f) => {
        const of = one.source[f.of];
        return f.label === undefined ? of.type : (of.labels[f.label] ?? null);
      }),
    );
    groups.set(key, [...(groups.get(key) ?? []), one]);
  }
  return [...groups.values()].map((members) => {
    const first = members[0]!;
    const keepsType = (of: GroupField['of']) => groupBy.some((f) => f.of === of && f.label === undefined);
    const values = spans.map((_, k) => {
      const present = members.map((m) => m.values[k]).filter((v): v is number => v !== undefined);
      return present.length === 0 ? undefined : reduce(reducer, present);
    });
    const valueType: ValueType =
      reducer === 'REDUCE_MEAN' ? 'DOUBLE' : reducer === 'REDUCE_COUNT' ? 'INT64' : first.valueType;
    return toWire(
      {
        metric: {
          type: first.source.metric.type,
          labels: pick(first.source.metric.labels, groupBy, 'metric'),
        },
        resource: {
          // The metric type is kept (one per request); the resource type is the one the series share.
          type:
            keepsType('resource') ||
            members.every((m) => m.source.resource.type === first.source.resource.type)
              ? first.source.resource.type
              : '',
          labels: pick(first.source.resource.labels, groupBy, 'resource'),
        },
        metricKind: first.metricKind,
        valueType,
      },
      values,
      spans,
    );
  });
}
