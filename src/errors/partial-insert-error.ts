import { brandClass } from './brand.js';
import type { ErrorDetail } from './google-api-error.js';
import { causeOf, PipelineError } from './pipeline-error.js';

/**
 * One row BigQuery refused in a streaming insert.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, PartialInsertError, type RowFailure } from 'gcp-pipeline-resilience';
 * declare const rows: Array<{ player_lookup: string }>;
 * const bq = new BigQueryExecutor();
 * const reasonsOf = (f: RowFailure) => f.reasons.map((r) => `${r.reason}${r.location ? ` (${r.location})` : ''}`).join(', ');
 * try {
 *   await bq.insertRows('nba_analytics.player_game_summary', rows);
 * } catch (err) {
 *   if (err instanceof PartialInsertError) for (const f of err.failures) console.error(`row ${f.index}: ${reasonsOf(f)}`);
 * }
 * ```
 */
export interface RowFailure {
  /** The row's position in the request. */
  index: number;
  /** The row as it was sent. */
  row: unknown;
  /**
   * The row's `insertId`, when it had one. Send a failed row again under it
   * (`insertId: (_row, i) => failures[i].insertId`): a default id of a repeated identical row
   * (`<hash>-k`) is not what the row alone gets in a call of its own.
   */
  insertId?: string;
  /** What BigQuery said about the row (`reason` `'stopped'` means "not inserted because of other rows"). */
  reasons: ErrorDetail[];
}

/**
 * The failures as written to JSON: index, insert id and reasons, never the row itself (rows can be
 * large and hold personal data). Shared by every error that reports refused rows.
 */
export function rowFailuresForJson(failures: readonly RowFailure[]): Array<Record<string, unknown>> {
  return failures.map((failure) => ({
    index: failure.index,
    ...(failure.insertId === undefined ? {} : { insertId: failure.insertId }),
    reasons: failure.reasons,
  }));
}

/**
 * Options of {@link PartialInsertError}.
 *
 * @example
 * ```ts
 * import { PartialInsertError, type PartialInsertErrorOptions } from 'gcp-pipeline-resilience';
 * const failures = [{ index: 3, row: { game_id: 'g4' }, reasons: [{ reason: 'invalid', message: 'no such field: pts' }] }];
 * const options: PartialInsertErrorOptions = { table: 'nba_raw.games', inserted: 98, failures };
 * throw new PartialInsertError('2 rows refused by nba_raw.games', options);
 * ```
 */
export interface PartialInsertErrorOptions {
  /** The table the rows were sent to. */
  table: string;
  /** How many rows were inserted. */
  inserted: number;
  /** The rows that were not. */
  failures: RowFailure[];
  /** The value the client threw (e.g. `PartialFailureError`), kept as `cause`. */
  cause?: unknown;
  /** Defaults to `false`; true only when every failed row failed for a transient reason. */
  transient?: boolean;
}

/**
 * A streaming insert (`insertAll`) answered but refused some rows. Code `'PARTIAL_INSERT'`. Not
 * transient unless every row failed for a transient reason: resending rows BigQuery called `invalid`
 * fails again and, without stable insert ids, duplicates the rows that did get in.
 *
 * @example
 * ```ts
 * import { PartialInsertError } from 'gcp-pipeline-resilience';
 *
 * const err = new PartialInsertError('Inserted 98 of 100 rows into nba_raw.games', {
 *   table: 'nba_raw.games',
 *   inserted: 98,
 *   failures: [],
 * });
 * err.code; // 'PARTIAL_INSERT'
 * ```
 */
export class PartialInsertError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    PartialInsertError,
    'PartialInsertError',
  );

  /** The table the rows were sent to. */
  declare readonly table: string;
  /** How many rows were inserted. */
  declare readonly inserted: number;
  /** The rows that were not, with BigQuery's reasons. */
  declare readonly failures: RowFailure[];

  constructor(message: string, options: PartialInsertErrorOptions) {
    super(message, {
      code: 'PARTIAL_INSERT',
      transient: options.transient ?? false,
      ...causeOf(options),
    });
    this.table = options.table;
    this.inserted = options.inserted;
    this.failures = options.failures;
  }

  /**
   * What `JSON.stringify` (and loggers that call it) write: which rows failed and why, never the rows
   * themselves, which can be large and hold personal data. The rows stay on `failures[i].row`.
   *
   * @example
   * ```ts
   * declare const err: unknown;
   * JSON.stringify(err); // {"name":"PartialInsertError","code":"PARTIAL_INSERT",...,"failures":[{"index":3,"reasons":[...]}]}
   * ```
   */
  override toJSON(): Record<string, unknown> {
    // The base writes every own field; only the failures lose their rows.
    return { ...super.toJSON(), failures: rowFailuresForJson(this.failures) };
  }
}
