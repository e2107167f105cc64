import { isTransientRowFailure } from '../errors/bigquery-wire.js';
import {
  CircuitBreakerOpenError,
  type ErrorDetail,
  GoogleApiError,
  PartialInsertError,
  PipelineError,
  type RowFailure,
} from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { messageOf } from '../shared/message-of.js';

/**
 * The exact account of one write call (insertRows, loadRows) by the caller's row index: each row
 * written, refused (by BigQuery, row by row or with its whole request or job), or not sent because an
 * earlier failure stopped the call. Batches may settle in any order; the outcome does not depend on it
 * (failures are reported by row index, the stopping error is the one of the earliest batch).
 */
export class RowLedger {
  #written = 0;
  readonly #failed: RowFailure[] = [];
  /** Rows refused with a whole request (or not sent): whether that failure may pass on a later try. */
  readonly #transientByRequest = new Map<number, boolean>();
  /** Errors that refused whole requests or jobs, by the first row of their batch. */
  readonly #requestErrors: Array<{ at: number; error: PipelineError }> = [];
  #stop: { at: number; error: PipelineError } | undefined;
  #rowRefusals = 0;

  /**
   * @param verb `'inserted'` or `'loaded'`, for messages
   * @param insertIdOf a row's insert id, for the report (undefined for loads)
   * @param advice what the error adds about sending the failed rows again, if anything
   */
  constructor(
    private readonly verb: string,
    private readonly table: string,
    private readonly rows: readonly unknown[],
    private readonly insertIdOf: (index: number) => string | undefined = () => undefined,
    private readonly advice: (failed: readonly RowFailure[]) => string | undefined = () => undefined,
  ) {}

  /** `count` rows were written. */
  written(count: number): void {
    this.#written += count;
  }

  /** BigQuery refused one row, for the reasons it gave. */
  refused(index: number, reasons: ErrorDetail[], insertId?: string): void {
    this.#rowRefusals++;
    this.#fail(index, reasons, insertId);
  }

  /**
   * BigQuery refused a whole request (or job) holding `indexes`. A 400 refuses it for what it holds (too
   * large, too many rows, malformed, an invalid value in a load): the other batches may be fine. Any
   * other failure (a missing table, credentials, an outage that outlasted the retries) would fail every
   * later batch the same way, so it stops the call.
   */
  refusedWhole(at: number, indexes: Iterable<number>, error: PipelineError): void {
    this.#requestErrors.push({ at, error });
    const reasons = requestReasons(error);
    for (const index of indexes) this.#fail(index, reasons, this.insertIdOf(index), worthAgain(error));
    if (!isRefusedForItsContent(error) && (this.#stop === undefined || at < this.#stop.at)) {
      this.#stop = { at, error };
    }
  }

  /**
   * Row `index` could not be read when its batch or job was made, after the check of every row before
   * the first request (a getter that throws on a later read, a value that changed into one that cannot
   * be sent): it is refused with a `ROW_UNREADABLE` error naming it, and stops the call as a
   * whole-request failure does.
   */
  unreadable(where: string, index: number, cause: unknown): void {
    const error = new PipelineError(
      `${where}: row ${index} could not be read again to be sent (${messageOf(cause)})`,
      { code: 'ROW_UNREADABLE', transient: false, cause },
    );
    this.#fail(index, [{ reason: 'invalid', message: error.message }], this.insertIdOf(index), false);
    if (this.#stop === undefined || index < this.#stop.at) this.#stop = { at: index, error };
  }

  /** Whether a failure has stopped the call: no further batch is sent. */
  get stopped(): boolean {
    return this.#stop !== undefined;
  }

  /** Rows `from` to `to - 1` were never sent because the call stopped first. */
  notSent(from: number, to: number): void {
    const stop = this.#stop;
    if (stop === undefined || from >= to) return;
    const reasons: ErrorDetail[] = [
      { reason: 'stopped', message: `not sent: an earlier request failed (${stop.error.code})` },
    ];
    for (let index = from; index < to; index++) {
      this.#fail(index, reasons, this.insertIdOf(index), worthAgain(stop.error));
    }
  }

  /**
   * The call's outcome: `{ written, failed }` when nothing failed (or the caller handles failures
   * itself with `throwOnFailure: false`). Otherwise it throws: when nothing was written and one error
   * explains every row, that error as is (a `NotFoundError` for a missing table); else
   * `PartialInsertError` listing each row not written by index. A call cut short always throws.
   *
   * @param soleError which error may explain every row: only one that stopped the call (`'stopping'`:
   *   a request refused for its content is reported row by row), or any (`'any'`: a load job's error is
   *   the answer for the rows of that job)
   */
  outcome(
    throwOnFailure: boolean,
    logger: Logger,
    soleError: 'stopping' | 'any',
  ): { written: number; failed: RowFailure[] } {
    const failed = this.#failed.sort((a, b) => a.index - b.index);
    const stop = this.#stop;
    const requestErrors = this.#requestErrors.sort((a, b) => a.at - b.at).map((e) => e.error);
    const explaining = soleError === 'stopping' ? stop?.error : (requestErrors[0] ?? stop?.error);
    if (
      explaining !== undefined &&
      this.#written === 0 &&
      this.#rowRefusals === 0 &&
      failed.length === this.rows.length &&
      requestErrors.every((e) => e.code === explaining.code)
    ) {
      // Nothing was written and one failure explains everything (a missing table, a 403, an outage).
      throw explaining;
    }
    if (failed.length > 0) {
      logger.warn(`BigQuery refused rows ${this.verb} into ${this.table}`, {
        table: this.table,
        [this.verb]: this.#written,
        failed: failed.length,
      });
      if (throwOnFailure || stop !== undefined) {
        // Worth trying again (a redelivery, the caller's own retry) only when nothing was refused for
        // good: rows still `stopped`, or refused by a transient failure of their whole request.
        const transient = failed.every(
          (f) => this.#transientByRequest.get(f.index) ?? isTransientRowFailure(f.reasons),
        );
        throw this.#error(failed, transient, requestErrors[0], stop?.error);
      }
    }
    return { written: this.#written, failed };
  }

  #fail(
    index: number,
    reasons: ErrorDetail[],
    insertId: string | undefined,
    requestTransient?: boolean,
  ): void {
    this.#failed.push({
      index,
      row: this.rows[index],
      ...(insertId === undefined ? {} : { insertId }),
      reasons,
    });
    if (requestTransient !== undefined) this.#transientByRequest.set(index, requestTransient);
  }

  #error(
    failed: RowFailure[],
    transient: boolean,
    firstRequestError: PipelineError | undefined,
    stoppedBy: PipelineError | undefined,
  ): PartialInsertError {
    const first = failed[0] as RowFailure;
    const why = first.reasons.map((r) => r.reason ?? r.message).join(', ') || 'no reason given';
    const stopped = stoppedBy ? `; the rest was not sent after ${stoppedBy.name}: ${stoppedBy.message}` : '';
    const cause = stoppedBy ?? firstRequestError;
    const advice = this.advice(failed);
    return new PartialInsertError(
      `BigQuery refused ${failed.length} of ${this.rows.length} row(s) ${this.verb} into ${this.table} (first: row ${first.index}, ${why})${stopped}${advice ? `. ${advice}` : ''}`,
      {
        table: this.table,
        inserted: this.#written,
        failures: failed,
        transient,
        ...(cause ? { cause } : {}),
      },
    );
  }
}

/**
 * Whether the rows a request error kept out are worth sending again: a transient error, or the open
 * breaker an outage left (its own error is not transient, yet the rows were refused for no fault of
 * theirs, and a handler would dead-letter the batch).
 */
function worthAgain(error: PipelineError): boolean {
  return error.transient || error instanceof CircuitBreakerOpenError;
}

/** What the rows of a request refused as a whole failed with: the error's own entries. */
function requestReasons(error: PipelineError): ErrorDetail[] {
  if (error instanceof GoogleApiError && error.errors.length > 0) return error.errors;
  const reason = error instanceof GoogleApiError ? error.reason : undefined;
  return [{ ...(reason ? { reason } : {}), message: error.message }];
}

function isRefusedForItsContent(error: PipelineError): boolean {
  return error instanceof GoogleApiError && error.httpStatus === 400 && !error.transient;
}
