import { type ErrorDetail, PartialInsertError, PipelineError, type RowFailure } from '../errors/index.js';
import { DEFAULT_BATCH_BYTES, DEFAULT_BATCH_ROWS, planBatches } from './batching.js';
import type { ExecutorContext } from './context.js';
import { encodeRow, type JsonValue } from './encode-row.js';
import { insertIdOfEncoded } from './insert-id.js';
import { formatTableName, parseTableName } from './table-name.js';
import type { InsertResult, InsertRowsOptions } from './types.js';

// insertAll row reasons after which the same row, re-sent as is, may be accepted. `stopped` means
// "not inserted because of other rows' errors" (BigQuery: "can be re-sent as-is").
const TRANSIENT_ROW_REASONS = new Set([
  'stopped',
  'backendError',
  'internalError',
  'rateLimitExceeded',
  'badGateway',
  'tableUnavailable',
]);

function isTransientRowFailure(reasons: readonly ErrorDetail[]): boolean {
  return (
    reasons.length > 0 && reasons.every((r) => r.reason !== undefined && TRANSIENT_ROW_REASONS.has(r.reason))
  );
}

const MAX_INSERT_ID_LENGTH = 128;
/** Request envelope: `{"rows":[...],"skipInvalidRows":..,"ignoreUnknownValues":..}` and slack. */
const ENVELOPE_BYTES = 256;

/** Marks an attempt that left rows to re-send; never escapes `insertRows`. */
class RowsNotInsertedError extends PipelineError {
  constructor(count: number, table: string) {
    super(
      `${count} row(s) of ${table} were not inserted for transient reasons (e.g. stopped); re-sending them`,
      {
        code: 'ROWS_NOT_INSERTED',
        transient: true,
      },
    );
  }
}

interface RawInsertError {
  index?: number;
  errors?: Array<{ reason?: string; message?: string; location?: string }>;
}

function toDetails(errors: RawInsertError['errors']): ErrorDetail[] {
  return (errors ?? []).map((e) => {
    const detail: ErrorDetail = { message: e.message ?? '' };
    if (e.reason) detail.reason = e.reason;
    if (e.location) detail.location = e.location;
    return detail;
  });
}

function insertErrorsOf(err: unknown): RawInsertError[] | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const o = err as { name?: unknown; response?: { insertErrors?: unknown } };
  if (o.name !== 'PartialFailureError' || !Array.isArray(o.response?.insertErrors)) return undefined;
  return o.response.insertErrors as RawInsertError[];
}

/**
 * Streams rows with `insertAll`: deterministic insert ids, batches by rows and bytes, one retry loop
 * per batch in which each attempt is exactly one request. After a whole-request transient failure the
 * same rows are re-sent with the same ids (BigQuery de-duplicates, so a lost answer cannot double a
 * row); after a partial failure only the rows refused for transient reasons are re-sent, and rows
 * refused for good are reported. Request-level permanent failures reject at once.
 */
export async function insertRows<R>(
  ctx: ExecutorContext,
  table: string,
  rows: readonly R[],
  options: InsertRowsOptions<R>,
): Promise<InsertResult> {
  const ref = parseTableName(table);
  const tableName = formatTableName(ref);
  if (!Array.isArray(rows)) throw new TypeError(`insertRows(${tableName}) needs an array of rows`);
  if (rows.length === 0) return { inserted: 0, failed: [] };

  // Everything that can be refused locally is refused before the first request.
  const encoded: Array<{ [key: string]: JsonValue }> = rows.map((row, i) => {
    try {
      return encodeRow(row);
    } catch (err) {
      throw new TypeError(`insertRows(${tableName}): row ${i}: ${(err as Error).message}`);
    }
  });
  const ids = rows.map((row, i) => {
    const id = options.insertId ? options.insertId(row, i) : insertIdOfEncoded(encoded[i] as JsonValue);
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_INSERT_ID_LENGTH) {
      throw new TypeError(
        `insertRows(${tableName}): the insert id of row ${i} must be a non-empty string of at most ${MAX_INSERT_ID_LENGTH} characters, got ${JSON.stringify(id)}`,
      );
    }
    return id;
  });
  const payloads = encoded.map((json, i) => ({ insertId: ids[i] as string, json }));
  const sizes = payloads.map((p) => Buffer.byteLength(JSON.stringify(p)) + 1);
  const maxBytes = (options.batchBytes ?? DEFAULT_BATCH_BYTES) - ENVELOPE_BYTES;
  const batches = planBatches(sizes, { maxRows: options.batchRows ?? DEFAULT_BATCH_ROWS, maxBytes });

  const client = await ctx.client();
  const target = client
    .dataset(ref.datasetId, ref.projectId ? { projectId: ref.projectId } : {})
    .table(ref.tableId);
  const requestOptions = {
    raw: true,
    partialRetries: 0,
    ...(options.skipInvalidRows !== undefined ? { skipInvalidRows: options.skipInvalidRows } : {}),
    ...(options.ignoreUnknownValues !== undefined
      ? { ignoreUnknownValues: options.ignoreUnknownValues }
      : {}),
  };

  let inserted = 0;
  const failed: RowFailure[] = [];
  for (const batch of batches) {
    let pending = batch;
    const lastReasons = new Map<number, ErrorDetail[]>();
    try {
      await ctx.run('bigquery.insertRows', options, async (attempt) => {
        const sending = pending;
        try {
          await ctx.guard(attempt, 'tabledata.insertAll', () =>
            target.insert(
              sending.map((i) => payloads[i]),
              requestOptions,
            ),
          );
          inserted += sending.length;
          pending = [];
          return;
        } catch (err) {
          const insertErrors = insertErrorsOf(err);
          if (insertErrors === undefined) throw err;
          const byPosition = new Map<number, RawInsertError['errors']>();
          for (const e of insertErrors) if (typeof e.index === 'number') byPosition.set(e.index, e.errors);
          const resend: number[] = [];
          sending.forEach((rowIndex, position) => {
            const errors = byPosition.get(position);
            if (errors === undefined) {
              // Not listed: accepted (with skipInvalidRows, valid rows are inserted next to invalid ones).
              inserted++;
              return;
            }
            const reasons = toDetails(errors);
            if (isTransientRowFailure(reasons)) {
              lastReasons.set(rowIndex, reasons);
              resend.push(rowIndex);
            } else {
              failed.push({ index: rowIndex, row: rows[rowIndex], insertId: ids[rowIndex], reasons });
            }
          });
          pending = resend;
          if (resend.length > 0) throw new RowsNotInsertedError(resend.length, tableName);
        }
      });
    } catch (err) {
      // Already typed by the retry loop, or the caller's own abort reason: pass it on untouched.
      if (!(err instanceof RowsNotInsertedError)) throw err;
      // Out of attempts with rows still refused for transient reasons: report them, do not lose them.
      ctx.logger.warn('BigQuery insert gave up on rows refused for transient reasons', {
        table: tableName,
        rows: pending.length,
      });
      for (const rowIndex of pending) {
        failed.push({
          index: rowIndex,
          row: rows[rowIndex],
          insertId: ids[rowIndex],
          reasons: lastReasons.get(rowIndex) ?? [],
        });
      }
    }
  }
  failed.sort((a, b) => a.index - b.index);
  if (failed.length > 0) {
    ctx.logger.warn('BigQuery insert refused rows', { table: tableName, inserted, failed: failed.length });
    if (options.throwOnFailure) {
      const first = failed[0] as RowFailure;
      const why = first.reasons.map((r) => r.reason ?? r.message).join(', ') || 'no reason given';
      throw new PartialInsertError(
        `BigQuery refused ${failed.length} of ${rows.length} row(s) inserted into ${tableName} (first: row ${first.index}, ${why})`,
        {
          table: tableName,
          inserted,
          failures: failed,
          // Rows still `stopped` (or refused for another transient reason) after every re-send may be
          // accepted later: the caller's own retry or a Pub/Sub redelivery should try again.
          transient: failed.every((failure) => isTransientRowFailure(failure.reasons)),
        },
      );
    }
  }
  return { inserted, failed };
}
