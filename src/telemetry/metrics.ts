import type { Attributes, Counter, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import { metricsEnabled, otel, registeredMeterProvider } from './api.js';
import { ATTR, SCOPE_NAME } from './attributes.js';

/**
 * The library's metrics, one home each: name, instrument, UCUM unit and description. Names follow
 * Polly (`resilience.polly.strategy.*`) and resilience4j (`resilience4j.retry.calls`), with the
 * semantic conventions' own metrics where they exist (`db.client.operation.duration`,
 * `messaging.process.duration`).
 *
 * @example
 * ```ts
 * import { TELEMETRY_METRICS } from 'gcp-pipeline-resilience';
 * for (const m of Object.values(TELEMETRY_METRICS)) console.log(m.name, m.unit, m.description);
 * ```
 */
export const TELEMETRY_METRICS = {
  retryAttempts: {
    name: 'resilience.retry.attempts',
    instrument: 'counter',
    unit: '{attempt}',
    description:
      'Attempts made by retry, by operation; outcome is success, retry (failed, another attempt follows), failure (failed, the last one) or cancelled; error.type is the failure code',
  },
  retryCalls: {
    name: 'resilience.retry.calls',
    instrument: 'counter',
    unit: '{call}',
    description:
      'Calls of retry by result: success_without_retry, success_with_retry, failure_without_retry, failure_with_retry (resilience4j kinds), with the reason retry gave up',
  },
  retryDelay: {
    name: 'resilience.retry.delay',
    instrument: 'histogram',
    unit: 's',
    description: 'The sleeps retry made before another attempt, by operation and the error that caused them',
  },
  breakerState: {
    name: 'resilience.circuit_breaker.state',
    instrument: 'gauge',
    unit: '{circuit_breaker}',
    description:
      'Circuit breakers in each state (closed, open, half_open), by breaker name: 1 for the state a named breaker is in, 0 for the others',
  },
  breakerTransitions: {
    name: 'resilience.circuit_breaker.transitions',
    instrument: 'counter',
    unit: '{transition}',
    description: 'State changes of circuit breakers, by breaker name, from and to state',
  },
  budgetTokens: {
    name: 'resilience.retry_budget.tokens',
    instrument: 'gauge',
    unit: '{token}',
    description: 'Tokens left in each retry budget, by budget name (retries stop at half of the maximum)',
  },
  budgetExhaustions: {
    name: 'resilience.retry_budget.exhaustions',
    instrument: 'counter',
    unit: '{event}',
    description: 'Times a retry budget ran low enough to refuse retries, by budget name',
  },
  handlerOutcomes: {
    name: 'resilience.message_handler.outcomes',
    instrument: 'counter',
    unit: '{message}',
    description:
      'Messages handled, by outcome (processed, retry, dead_lettered, discarded, nacked, dead_letter_failed, no_body) and reason',
  },
  processDuration: {
    name: 'messaging.process.duration',
    instrument: 'histogram',
    unit: 's',
    description: 'Duration of handling one message (semantic conventions), including dead-lettering',
  },
  dbDuration: {
    name: 'db.client.operation.duration',
    instrument: 'histogram',
    unit: 's',
    description: 'Duration of one BigQuery executor operation, all attempts included (semantic conventions)',
  },
  rowsWritten: {
    name: 'resilience.bigquery.rows.written',
    instrument: 'counter',
    unit: '{row}',
    description: 'Rows BigQuery accepted, by table and operation (insertRows, loadRows, writeRows)',
  },
  rowsFailed: {
    name: 'resilience.bigquery.rows.failed',
    instrument: 'counter',
    unit: '{row}',
    description: 'Rows refused for good (reported to the caller), by table, operation and error.type',
  },
  rowsDuplicatesAvoided: {
    name: 'resilience.bigquery.rows.duplicates_avoided',
    instrument: 'counter',
    unit: '{row}',
    description:
      'Rows sent again under the insert id (or stream offset) of an earlier send whose answer was lost or failed, which BigQuery de-duplicates instead of writing twice',
  },
} as const;

type MetricKey = keyof typeof TELEMETRY_METRICS;

/** Boundaries for durations in seconds: 5 ms to 2 min, the range of BigQuery calls and retry sleeps. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

interface Instruments {
  counters: Record<string, Counter>;
  histograms: Record<string, Histogram>;
}

let cache: { provider: unknown; instruments: Instruments | undefined } | undefined;

function build(meter: Meter): Instruments {
  const counters: Record<string, Counter> = {};
  const histograms: Record<string, Histogram> = {};
  for (const [key, m] of Object.entries(TELEMETRY_METRICS)) {
    const base = { description: m.description, unit: m.unit };
    if (m.instrument === 'counter') counters[key] = meter.createCounter(m.name, base);
    else if (m.instrument === 'histogram') {
      histograms[key] = meter.createHistogram(m.name, {
        ...base,
        advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
      });
    } else {
      meter.createObservableGauge(m.name, base).addCallback((result) => observeGauges(key, result));
    }
  }
  return { counters, histograms };
}

/** The instruments of the registered meter provider, rebuilt when the provider changes. */
function instruments(): Instruments | undefined {
  const provider = registeredMeterProvider();
  if (provider === undefined) return undefined;
  if (cache?.provider === provider) return cache.instruments;
  let built: Instruments | undefined;
  try {
    const api = otel();
    built = api === undefined ? undefined : build(api.metrics.getMeter(SCOPE_NAME));
  } catch {
    built = undefined;
  }
  cache = { provider, instruments: built };
  return built;
}

/** Adds to a counter; a no-op without a meter provider. Never throws. */
export function count(key: MetricKey, value: number, attributes: Attributes): void {
  if (!metricsEnabled() || value === 0) return;
  try {
    instruments()?.counters[key]?.add(value, attributes);
  } catch {
    // A broken SDK must not break the work.
  }
}

/** Records a duration, given in ms, in seconds; a no-op without a meter provider. Never throws. */
export function recordSeconds(key: MetricKey, ms: number, attributes: Attributes): void {
  if (!metricsEnabled()) return;
  try {
    instruments()?.histograms[key]?.record(ms / 1000, attributes);
  } catch {
    // as above
  }
}

const MAX_ATTRIBUTE_VALUES = 200;

/** Keeps the first 200 distinct values of one attribute; later ones become `_OTHER`. */
function capped(): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= MAX_ATTRIBUTE_VALUES) return '_OTHER';
    seen.add(value);
    return value;
  };
}

/**
 * An operation name fit to be a metric attribute: names past the first 200 distinct ones become
 * `_OTHER`, so that a name built from data (`load ${date}`) cannot blow up the series count.
 */
export const operationAttribute: (name: string) => string = capped();

/**
 * A table name fit to be a metric attribute (`db.collection.name`), capped the same way: date- or
 * id-sharded tables (`events_20260101`, `tmp_<uuid>`) would otherwise add a series per table.
 */
export const collectionAttribute: (table: string) => string = capped();

// ---- gauges read at collection time from the live breakers and budgets ----

type Reading = readonly [value: number, attributes: Attributes];
interface GaugeSource {
  ref: WeakRef<object>;
  read: (target: object) => Iterable<Reading>;
}
const gaugeSources: Record<string, Set<GaugeSource>> = {};
const liveAfterSweep: Record<string, number> = {};

/**
 * Makes `target` (a circuit breaker, a retry budget) part of the gauge `key` for as long as it lives:
 * held weakly, read only when a metric reader collects. Dead entries are swept as new ones arrive.
 */
export function observeGauge<T extends object>(
  key: 'breakerState' | 'budgetTokens',
  target: T,
  read: (target: T) => Iterable<Reading>,
): void {
  let set = gaugeSources[key];
  if (set === undefined) {
    set = new Set();
    gaugeSources[key] = set;
  }
  if (set.size >= 2 * (liveAfterSweep[key] ?? 32)) {
    for (const source of set) if (source.ref.deref() === undefined) set.delete(source);
    liveAfterSweep[key] = Math.max(32, set.size);
  }
  set.add({ ref: new WeakRef(target), read: read as (target: object) => Iterable<Reading> });
}

function observeGauges(key: string, result: ObservableResult): void {
  const set = gaugeSources[key];
  if (set === undefined) return;
  // Sources with the same attributes (unnamed breakers, say) are summed into one series.
  const sums = new Map<string, { value: number; attributes: Attributes }>();
  for (const source of set) {
    const target = source.ref.deref();
    if (target === undefined) {
      set.delete(source);
      continue;
    }
    try {
      for (const [value, attributes] of source.read(target)) {
        const id = JSON.stringify(attributes);
        const sum = sums.get(id);
        if (sum === undefined) sums.set(id, { value, attributes });
        else sum.value += value;
      }
    } catch {
      // One broken source must not hide the others.
    }
  }
  for (const { value, attributes } of sums.values()) result.observe(value, attributes);
}

export { ATTR };
