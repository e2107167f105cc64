import { AsyncLocalStorage } from 'node:async_hooks';
import type { TableRef } from '../config/table-name.js';
import { withReasonClass } from '../errors/api-error-factory.js';
import { type PipelineError, toPipelineError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { Clock } from '../retry/index.js';
import { metricsEnabled, tracingEnabled } from '../telemetry/api.js';
import { ATTR, type Attributes, BIGQUERY_SYSTEM } from '../telemetry/attributes.js';
import { notify } from '../telemetry/listeners.js';
import {
  collectionAttribute,
  count,
  dbDuration,
  recordSeconds,
  rowsDuplicatesAvoided,
  rowsFailed,
  rowsWritten,
} from '../telemetry/metrics.js';
import { endSpan, inSpan, inSpanAsync, type Span, startSpan } from '../telemetry/spans.js';

/**
 * What `onRequest` receives after each request (attempt) an executor method made: the method, the
 * table (when the method names one), the attempt number, `'ok'` or the typed error's code, and how
 * long the attempt took.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type BigQueryRequestInfo } from 'gcp-pipeline-resilience';
 * const onRequest = (info: BigQueryRequestInfo) =>
 *   console.log(`${info.method} ${info.table ?? ''} #${info.attempt} ${info.status} ${info.durationMs} ms`);
 * const bq = new BigQueryExecutor({ onRequest });
 * ```
 */
export interface BigQueryRequestInfo {
  /** `query`, `update`, `dryRun`, `insertRows` or `loadRows`. */
  readonly method: BigQueryMethod;
  /** `dataset.table` (or `project.dataset.table` as given), for the methods that write a table. */
  readonly table?: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** `'ok'`, or the `code` of the error the attempt failed with (`'SERVICE_UNAVAILABLE'`, ...). */
  readonly status: string;
  /** Whole milliseconds by the executor's clock. */
  readonly durationMs: number;
  /** The failure, when the attempt failed. */
  readonly error?: PipelineError;
}

/**
 * The executor's public methods, as spans and `onRequest` name them.
 *
 * @example
 * ```ts
 * import type { BigQueryMethod, BigQueryRequestInfo } from 'gcp-pipeline-resilience';
 * const writes: BigQueryMethod[] = ['insertRows', 'loadRows'];
 * const isWrite = (info: BigQueryRequestInfo) => writes.includes(info.method);
 * ```
 */
export type BigQueryMethod = 'query' | 'update' | 'dryRun' | 'insertRows' | 'loadRows' | 'writeRows';

/**
 * The retry loop's operation name for an executor method: `bigquery.<method>`, one fixed name per
 * method. The table and the SQL never go in it (they are span attributes, capped there): the retry
 * metrics keep a bounded set of operation names for the caller's own `retry` names, and
 * date-sharded tables would use it up.
 *
 * @internal
 */
export function operationName(method: BigQueryMethod): string {
  return `bigquery.${method}`;
}

/** One public call in flight: what its attempts report. */
interface CallTrace {
  readonly method: BigQueryMethod;
  readonly table: string | undefined;
  readonly span: Span | undefined;
}

/** The executor's telemetry settings. */
export interface ExecutorTelemetry {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onRequest: ((info: BigQueryRequestInfo) => unknown) | undefined;
  /** Put the SQL in `db.query.text` (off by default: SQL can hold data). */
  readonly recordQueryText: boolean;
}

const calls = new AsyncLocalStorage<CallTrace>();

/** What the span of a call says about its target. */
export interface CallTarget {
  readonly method: BigQueryMethod;
  readonly table?: string;
  readonly ref?: TableRef;
  readonly sql?: string;
}

function spanName(target: CallTarget): string {
  return target.ref === undefined
    ? target.method
    : `${target.method} ${target.ref.datasetId}.${target.ref.tableId}`;
}

/**
 * Runs one public executor call: a CLIENT span `<method> [dataset.table]` with the `db.*`
 * attributes, `db.client.operation.duration`, and (through `traceAttempt`) a child span and an
 * `onRequest` event per attempt. Costs one property read when no SDK is registered and no
 * `onRequest` is set.
 */
export function traceCall<T>(
  settings: ExecutorTelemetry,
  target: CallTarget,
  fn: () => Promise<T>,
  rows?: (value: T) => { written: number; failed: number },
): Promise<T> {
  const tracing = tracingEnabled();
  const metrics = metricsEnabled();
  if (!tracing && !metrics && settings.onRequest === undefined) return fn();
  const attributes: Attributes = {
    [ATTR.dbSystem]: BIGQUERY_SYSTEM,
    [ATTR.dbOperation]: target.method,
    [ATTR.dbNamespace]: target.ref?.datasetId,
    [ATTR.dbCollection]: target.ref?.tableId,
  };
  const span = tracing
    ? startSpan(spanName(target), {
        kind: 'client',
        attributes: {
          ...attributes,
          ...(settings.recordQueryText && target.sql !== undefined ? { [ATTR.dbQueryText]: target.sql } : {}),
        },
      })
    : undefined;
  const started = metrics ? settings.clock.now() : 0;
  const trace: CallTrace = { method: target.method, table: target.table, span };
  const pending = calls.run(trace, () => inSpan(span, fn));
  const metricAttributes = { [ATTR.dbSystem]: BIGQUERY_SYSTEM, [ATTR.dbOperation]: target.method };
  const table = target.table ?? '';
  return pending.then(
    (value) => {
      const counts = rows?.(value);
      endSpan(span, undefined, counts === undefined ? undefined : { [ATTR.rowCount]: counts.written });
      if (metrics) {
        recordSeconds(dbDuration, settings.clock.now() - started, metricAttributes);
        if (counts !== undefined) {
          count(rowsWritten, counts.written, {
            ...metricAttributes,
            [ATTR.dbCollection]: collectionAttribute(table),
          });
          count(rowsFailed, counts.failed, {
            ...metricAttributes,
            [ATTR.dbCollection]: collectionAttribute(table),
          });
        }
      }
      return value;
    },
    (err: unknown) => {
      const error = toPipelineError(err);
      endSpan(span, error);
      if (metrics) {
        recordSeconds(dbDuration, settings.clock.now() - started, {
          ...metricAttributes,
          [ATTR.errorType]: error.code,
        });
        const failedRows = (err as { failures?: unknown }).failures;
        if (Array.isArray(failedRows)) {
          count(rowsFailed, failedRows.length, {
            ...metricAttributes,
            [ATTR.dbCollection]: collectionAttribute(table),
            [ATTR.errorType]: error.code,
          });
        }
      }
      throw err;
    },
  );
}

/**
 * Runs one attempt of the current call: a child span `<method> attempt` with the attempt number and
 * `error.type`, and an `onRequest` event (a listener that throws is logged and ignored).
 */
export function traceAttempt<T>(
  settings: ExecutorTelemetry,
  attempt: number,
  fn: () => Promise<T>,
): Promise<T> {
  const call = calls.getStore();
  if (call === undefined) return fn();
  const span =
    call.span === undefined
      ? undefined
      : startSpan(`${call.method} attempt`, {
          parentSpan: call.span,
          kind: 'client',
          attributes: { [ATTR.attempt]: attempt, [ATTR.dbSystem]: BIGQUERY_SYSTEM },
        });
  const started = settings.onRequest === undefined ? 0 : settings.clock.now();
  const report = (error: PipelineError | undefined) => {
    endSpan(span, error);
    const onRequest = settings.onRequest;
    if (onRequest === undefined) return;
    const info: BigQueryRequestInfo = {
      method: call.method,
      ...(call.table === undefined ? {} : { table: call.table }),
      attempt,
      status: error === undefined ? 'ok' : error.code,
      durationMs: Math.round(settings.clock.now() - started),
      ...(error === undefined ? {} : { error }),
    };
    // notify: a listener that throws, or is async and rejects, is logged (never an unhandled rejection).
    notify(onRequest, info, (hookError) =>
      settings.logger.warn(`bigquery.${call.method}: onRequest listener threw; ignoring it`, { hookError }),
    );
  };
  return inSpanAsync(span, fn).then(
    (value) => {
      report(undefined);
      return value;
    },
    (err: unknown) => {
      // The class the call's retry loop and its caller see (executor.ts), not the status's.
      report(withReasonClass(toPipelineError(err)));
      throw err;
    },
  );
}

/**
 * Rows sent again under the insert ids of an earlier send (BigQuery de-duplicates them instead of
 * writing them twice): `resilience.bigquery.rows.duplicates_avoided`.
 */
export function recordResent(method: BigQueryMethod, table: string, rows: number): void {
  if (!metricsEnabled()) return;
  count(rowsDuplicatesAvoided, rows, {
    [ATTR.dbSystem]: BIGQUERY_SYSTEM,
    [ATTR.dbOperation]: method,
    [ATTR.dbCollection]: collectionAttribute(table),
  });
}
