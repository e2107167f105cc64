import type { Attributes, Counter, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import { labelText } from '../logging/serialize-error.js';
import { metricsEnabled, otel, registeredMeterProvider } from './api.js';
import { ATTR, SCOPE_NAME } from './attributes.js';

/**
 * One metric of the library: name, instrument, UCUM unit and description.
 *
 * @internal
 */
export interface MetricDefinition {
  readonly name: string;
  readonly instrument: 'counter' | 'histogram' | 'gauge';
  readonly unit: string;
  readonly description: string;
}

// One constant per metric, so that a bundler keeps only the metrics of the layers an application
// imports (a layer records through its own constants; the catalog below is kept only when imported).

export const retryAttempts = {
  name: 'resilience.retry.attempts',
  instrument: 'counter',
  unit: '{attempt}',
  description:
    'Attempts made by retry, by operation; outcome is success, retry (failed, another attempt follows), failure (failed, the last one) or cancelled; error.type is the failure code',
} as const satisfies MetricDefinition;

export const retryCalls = {
  name: 'resilience.retry.calls',
  instrument: 'counter',
  unit: '{call}',
  description:
    'Calls of retry by result: success_without_retry, success_with_retry, failure_without_retry, failure_with_retry (resilience4j kinds), with the reason retry gave up',
} as const satisfies MetricDefinition;

export const retryDelay = {
  name: 'resilience.retry.delay',
  instrument: 'histogram',
  unit: 's',
  description: 'The sleeps retry made before another attempt, by operation and the error that caused them',
} as const satisfies MetricDefinition;

export const breakerState = {
  name: 'resilience.circuit_breaker.state',
  instrument: 'gauge',
  unit: '{circuit_breaker}',
  description:
    'Circuit breakers in each state (closed, open, half_open), by breaker name: 1 for the state a named breaker is in, 0 for the others',
} as const satisfies MetricDefinition;

export const breakerTransitions = {
  name: 'resilience.circuit_breaker.transitions',
  instrument: 'counter',
  unit: '{transition}',
  description: 'State changes of circuit breakers, by breaker name, from and to state',
} as const satisfies MetricDefinition;

export const budgetTokens = {
  name: 'resilience.retry_budget.tokens',
  instrument: 'gauge',
  unit: '{token}',
  description: 'Tokens left in each retry budget, by budget name (retries stop at half of the maximum)',
} as const satisfies MetricDefinition;

export const budgetExhaustions = {
  name: 'resilience.retry_budget.exhaustions',
  instrument: 'counter',
  unit: '{event}',
  description: 'Times a retry budget ran low enough to refuse retries, by budget name',
} as const satisfies MetricDefinition;

export const handlerOutcomes = {
  name: 'resilience.message_handler.outcomes',
  instrument: 'counter',
  unit: '{message}',
  description:
    'Messages handled, by outcome (processed, retry, dead_lettered, discarded, nacked, dead_letter_failed, dead_letter_too_large, no_body) and reason',
} as const satisfies MetricDefinition;

export const processDuration = {
  name: 'messaging.process.duration',
  instrument: 'histogram',
  unit: 's',
  description: 'Duration of handling one message (semantic conventions), including dead-lettering',
} as const satisfies MetricDefinition;

export const dbDuration = {
  name: 'db.client.operation.duration',
  instrument: 'histogram',
  unit: 's',
  description: 'Duration of one BigQuery executor operation, all attempts included (semantic conventions)',
} as const satisfies MetricDefinition;

export const rowsWritten = {
  name: 'resilience.bigquery.rows.written',
  instrument: 'counter',
  unit: '{row}',
  description: 'Rows BigQuery accepted, by table and operation (insertRows, loadRows, writeRows)',
} as const satisfies MetricDefinition;

export const rowsFailed = {
  name: 'resilience.bigquery.rows.failed',
  instrument: 'counter',
  unit: '{row}',
  description: 'Rows refused for good (reported to the caller), by table, operation and error.type',
} as const satisfies MetricDefinition;

export const rowsDuplicatesAvoided = {
  name: 'resilience.bigquery.rows.duplicates_avoided',
  instrument: 'counter',
  unit: '{row}',
  description:
    'Rows sent again under the insert id (or stream offset) of an earlier send whose answer was lost or failed, which BigQuery de-duplicates instead of writing twice',
} as const satisfies MetricDefinition;

/**
 * Every metric of the library: name, instrument, UCUM unit and description. Names follow
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
  retryAttempts,
  retryCalls,
  retryDelay,
  breakerState,
  breakerTransitions,
  budgetTokens,
  budgetExhaustions,
  handlerOutcomes,
  processDuration,
  dbDuration,
  rowsWritten,
  rowsFailed,
  rowsDuplicatesAvoided,
} as const;

/** Boundaries for durations in seconds: 5 ms to 2 min, the range of BigQuery calls and retry sleeps. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The meter of the registered provider and the instruments made on it so far, by metric name. */
interface Built {
  provider: unknown;
  meter: Meter | undefined;
  instruments: Map<string, Counter | Histogram>;
  gauges: Set<string>;
}

let cache: Built | undefined;

/**
 * Makes the gauges that have sources on a new meter; set by the first `observeGauge`, so that an
 * application without breakers or budgets carries no gauge code.
 */
let gaugesOnNewMeter: ((built: Built) => void) | undefined;

/**
 * The meter of the registered provider; a new provider (an SDK registered, or replaced) starts a new
 * set of instruments. Instruments are made on first use, so only the metrics of the layers in use
 * are ever created.
 */
function current(): Built | undefined {
  const provider = registeredMeterProvider();
  if (provider === undefined) return undefined;
  if (cache?.provider === provider) return cache;
  let meter: Meter | undefined;
  try {
    meter = otel()?.metrics.getMeter(SCOPE_NAME);
  } catch {
    meter = undefined;
  }
  cache = { provider, meter, instruments: new Map(), gauges: new Set() };
  gaugesOnNewMeter?.(cache);
  return cache;
}

function instrument(definition: MetricDefinition): Counter | Histogram | undefined {
  const built = current();
  if (built?.meter === undefined) return undefined;
  let made = built.instruments.get(definition.name);
  if (made === undefined) {
    const base = { description: definition.description, unit: definition.unit };
    made =
      definition.instrument === 'histogram'
        ? built.meter.createHistogram(definition.name, {
            ...base,
            advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
          })
        : built.meter.createCounter(definition.name, base);
    built.instruments.set(definition.name, made);
  }
  return made;
}

/** Adds to a counter; a no-op without a meter provider. Never throws. */
export function count(definition: MetricDefinition, value: number, attributes: Attributes): void {
  if (!metricsEnabled() || value === 0) return;
  try {
    (instrument(definition) as Counter | undefined)?.add(value, attributes);
  } catch {
    // A broken SDK must not break the work.
  }
}

/**
 * Records a duration, given in ms, in seconds; a no-op without a meter provider. Never throws. A
 * negative duration (a wall clock stepped back between the two readings) counts as 0: the SDK
 * would drop it, and the operation with it.
 */
export function recordSeconds(definition: MetricDefinition, ms: number, attributes: Attributes): void {
  if (!metricsEnabled()) return;
  try {
    (instrument(definition) as Histogram | undefined)?.record(ms > 0 ? ms / 1000 : 0, attributes);
  } catch {
    // as above
  }
}

const MAX_ATTRIBUTE_VALUES = 200;

/**
 * Keeps the first 200 distinct values of one attribute, each as a log line holds a label
 * (`labelText`: credentials removed, 200 characters: a name can be a URL with its key); later ones
 * become `_OTHER`. Each value is cleaned once.
 */
function capped(): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (seen.size >= MAX_ATTRIBUTE_VALUES) return '_OTHER';
    const clean = labelText(value);
    seen.set(value, clean);
    return clean;
  };
}

/**
 * An operation name fit to be a metric attribute: names past the first 200 distinct ones become
 * `_OTHER`, so that a name built from data (`load ${date}`) cannot blow up the series count.
 */
export const operationAttribute: (name: string) => string = /* @__PURE__ */ capped();

/**
 * A table name fit to be a metric attribute (`db.collection.name`), capped the same way: date- or
 * id-sharded tables (`events_20260101`, `tmp_<uuid>`) would otherwise add a series per table.
 */
export const collectionAttribute: (table: string) => string = /* @__PURE__ */ capped();

/**
 * A circuit breaker's name fit to be a metric attribute, capped the same way: a registry keyed by
 * something unbounded (the hosts a crawler meets) would otherwise add series per key for good.
 */
export const breakerAttribute: (name: string) => string = /* @__PURE__ */ capped();

// ---- gauges read at collection time from the live breakers and budgets ----

type Reading = readonly [value: number, attributes: Attributes];
interface GaugeSource {
  ref: WeakRef<object>;
  read: (target: object) => Iterable<Reading>;
}
const gaugeSources: Record<string, Set<GaugeSource>> = {};
const liveAfterSweep: Record<string, number> = {};
/** The gauges that have had a source, to be made on every new meter provider. */
const gaugeDefinitions = new Map<string, MetricDefinition>();

function ensureGauge(built: Built, definition: MetricDefinition): void {
  if (built.meter === undefined || built.gauges.has(definition.name)) return;
  built.gauges.add(definition.name);
  try {
    built.meter
      .createObservableGauge(definition.name, { description: definition.description, unit: definition.unit })
      .addCallback((result) => observeGauges(definition.name, result));
  } catch {
    // A broken SDK must not break the breaker or budget that joins the gauge.
  }
}

/**
 * Makes `target` (a circuit breaker, a retry budget) part of the gauge `definition` for as long as
 * it lives: held weakly, read only when a metric reader collects. Dead entries are swept as new ones
 * arrive.
 */
export function observeGauge<T extends object>(
  definition: typeof breakerState | typeof budgetTokens,
  target: T,
  read: (target: T) => Iterable<Reading>,
): void {
  const key = definition.name;
  let set = gaugeSources[key];
  if (set === undefined) {
    set = new Set();
    gaugeSources[key] = set;
    gaugeDefinitions.set(key, definition);
    gaugesOnNewMeter ??= (built) => {
      for (const gauge of gaugeDefinitions.values()) ensureGauge(built, gauge);
    };
  }
  if (set.size >= 2 * (liveAfterSweep[key] ?? 32)) {
    for (const source of set) if (source.ref.deref() === undefined) set.delete(source);
    liveAfterSweep[key] = Math.max(32, set.size);
  }
  set.add({ ref: new WeakRef(target), read: read as (target: object) => Iterable<Reading> });
  if (metricsEnabled()) {
    const built = current();
    if (built !== undefined) ensureGauge(built, definition);
  }
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
