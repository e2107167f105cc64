import {
  type ErrorDetail,
  GoogleApiError,
  PartialInsertError,
  PipelineError,
  type RowFailure,
  toPipelineError,
} from '../errors/index.js';
import { DEFAULT_BATCH_BYTES, DEFAULT_BATCH_ROWS, planBatches } from './batching.js';
import type { ExecutorContext } from './context.js';
import { encodeRow, type JsonValue } from './encode-row.js';
import { canonicalJson, insertIdOfCanonical } from './insert-id.js';
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
/** insertAll's documented limits per request: 10 MB and 50,000 rows (BigQuery answers 400 above them). */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const MAX_REQUEST_ROWS = 50_000;
/** Request envelope: `{"rows":[...],"skipInvalidRows":..,"ignoreUnknownValues":..}` and slack. */
const ENVELOPE_BYTES = 256;

function checkInsertId(id: unknown, i: number, tableName: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_INSERT_ID_LENGTH) {
    throw new TypeError(
      `insertRows(${tableName}): the insert id of row ${i} must be a non-empty string of at most ${MAX_INSERT_ID_LENGTH} characters, got ${JSON.stringify(id)}`,
    );
  }
}

/** Refuses a second, different row under an id the key function already gave (see above). */
function checkSameRowPerId(
  firstWithId: Map<string, number>,
  encoded: ReadonlyArray<{ [key: string]: JsonValue }>,
  id: string,
  i: number,
  tableName: string,
): void {
  const first = firstWithId.get(id);
  if (first === undefined) {
    firstWithId.set(id, i);
    return;
  }
  const a = encoded[first] as { [key: string]: JsonValue };
  const b = encoded[i] as { [key: string]: JsonValue };
  if (canonicalJson(a) !== canonicalJson(b)) {
    throw new TypeError(
      `insertRows(${tableName}): rows ${first} and ${i} have the same insert id ${JSON.stringify(id)} but different content; BigQuery would keep only one of them. Make the insertId function unique per row, or leave it out (the default id is a hash of the whole row)`,
    );
  }
}

const PROJECT_ID_TOKEN = '{{projectId}}';

/** The parts of the client's `Table` an insert uses (`request` is @google-cloud/common's). */
interface InsertTarget {
  insert(rows: unknown[], options: Record<string, unknown>): Promise<unknown>;
  request?: (reqOpts: {
    method: string;
    uri: string;
    body: string;
    headers: Record<string, string>;
  }) => Promise<[unknown, ...unknown[]]>;
}

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
  if (options.batchRows !== undefined && options.batchRows > MAX_REQUEST_ROWS) {
    throw new RangeError(
      `insertRows(${tableName}): batchRows must be at most ${MAX_REQUEST_ROWS} (insertAll's limit per request), got ${options.batchRows}`,
    );
  }
  if (options.batchBytes !== undefined && !(options.batchBytes > ENVELOPE_BYTES)) {
    throw new RangeError(
      `insertRows(${tableName}): batchBytes must be more than ${ENVELOPE_BYTES} (the request's own envelope takes that much), got ${options.batchBytes}`,
    );
  }
  if (options.batchBytes !== undefined && options.batchBytes > MAX_REQUEST_BYTES) {
    throw new RangeError(
      `insertRows(${tableName}): batchBytes must be at most ${MAX_REQUEST_BYTES} (insertAll's 10 MB limit per request), got ${options.batchBytes}`,
    );
  }
  if (rows.length === 0) return { inserted: 0, failed: [] };

  // Everything that can be refused locally is refused before the first request.
  const encoded: Array<{ [key: string]: JsonValue }> = rows.map((row, i) => {
    try {
      return encodeRow(row);
    } catch (err) {
      throw new TypeError(`insertRows(${tableName}): row ${i}: ${(err as Error).message}`);
    }
  });
  const count = rows.length;
  const ids: string[] = new Array(count);
  // Each row's request text, `{"insertId":...,"json":...}`, made once: it gives the byte size for
  // batching and is what is sent (the client would otherwise deep-copy and serialise every row again).
  const texts: string[] = new Array(count);
  const sizes: number[] = new Array(count);
  const keyOf = options.insertId;
  // The first row given each id by the key function: BigQuery keeps one row per id, so two rows
  // with one id must be the same row (a legitimate duplicate), never two different ones.
  const firstWithId = keyOf ? new Map<string, number>() : undefined;
  for (let i = 0; i < count; i++) {
    const json = encoded[i] as { [key: string]: JsonValue };
    let id: string;
    let jsonText: string;
    if (keyOf) {
      id = keyOf(rows[i] as R, i);
      checkInsertId(id, i, tableName);
      jsonText = JSON.stringify(json);
      checkSameRowPerId(firstWithId as Map<string, number>, encoded, id, i, tableName);
    } else {
      // The canonical JSON serves the id hash, the byte size and the request body: it is the same
      // row as JSON.stringify(json), only with its keys in sorted order.
      jsonText = canonicalJson(json);
      id = insertIdOfCanonical(jsonText);
      checkInsertId(id, i, tableName);
    }
    const text = `{"insertId":${JSON.stringify(id)},"json":${jsonText}}`;
    ids[i] = id;
    texts[i] = text;
    sizes[i] = Buffer.byteLength(text) + 1;
  }
  const maxBytes = (options.batchBytes ?? DEFAULT_BATCH_BYTES) - ENVELOPE_BYTES;
  const batches = planBatches(sizes, { maxRows: options.batchRows ?? DEFAULT_BATCH_ROWS, maxBytes });

  const client = await ctx.client();
  const target = client
    .dataset(ref.datasetId, ref.projectId ? { projectId: ref.projectId } : {})
    .table(ref.tableId) as unknown as InsertTarget;
  const flags: { skipInvalidRows?: boolean; ignoreUnknownValues?: boolean } = {};
  if (options.skipInvalidRows !== undefined) flags.skipInvalidRows = options.skipInvalidRows;
  if (options.ignoreUnknownValues !== undefined) flags.ignoreUnknownValues = options.ignoreUnknownValues;
  const bodyTail = `]${Object.entries(flags)
    .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join('')}}`;

  /** One insertAll request for `sending`; resolves with the rows BigQuery refused (none: `[]`). */
  const send = async (sending: readonly number[]): Promise<RawInsertError[]> => {
    let body = '{"rows":[';
    for (let p = 0; p < sending.length; p++) {
      if (p > 0) body += ',';
      body += texts[sending[p] as number];
    }
    body += bodyTail;
    // The client swaps `{{projectId}}` in JSON string values (not in a text body), and a client that
    // is not a @google-cloud/common object may have no `request`: both go through `table.insert`.
    if (typeof target.request === 'function' && !body.includes(PROJECT_ID_TOKEN)) {
      const [resp] = await target.request({
        method: 'POST',
        uri: '/insertAll',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      const insertErrors = (resp as { insertErrors?: unknown } | undefined)?.insertErrors;
      return Array.isArray(insertErrors) ? (insertErrors as RawInsertError[]) : [];
    }
    try {
      await target.insert(
        sending.map((i) => ({ insertId: ids[i] as string, json: encoded[i] as JsonValue })),
        { raw: true, partialRetries: 0, ...flags },
      );
      return [];
    } catch (err) {
      const insertErrors = insertErrorsOf(err);
      if (insertErrors === undefined) throw err;
      return insertErrors;
    }
  };

  let inserted = 0;
  const failed: RowFailure[] = [];
  // Whether a row that failed with a whole request (or was not sent) may succeed on a later try:
  // the transient flag of the error that refused it. Rows refused one by one are judged by reason.
  const transientByRequest = new Map<number, boolean>();
  const failRow = (rowIndex: number, reasons: ErrorDetail[], requestTransient?: boolean): void => {
    failed.push({ index: rowIndex, row: rows[rowIndex], insertId: ids[rowIndex], reasons });
    if (requestTransient !== undefined) transientByRequest.set(rowIndex, requestTransient);
  };
  // Errors that refused whole requests: their rows are in `failed` with the error's reasons.
  const requestErrors: PipelineError[] = [];
  // An error that says the table, the credentials or the service is the problem: later batches
  // would fail the same way, so they are not sent; their rows are reported as not sent.
  let stoppedBy: PipelineError | undefined;
  for (const batch of batches) {
    if (stoppedBy !== undefined) {
      const reasons = notSentReasons(stoppedBy);
      for (const rowIndex of batch) failRow(rowIndex, reasons, stoppedBy.transient);
      continue;
    }
    let pending = batch;
    const lastReasons = new Map<number, ErrorDetail[]>();
    try {
      await ctx.run('bigquery.insertRows', options, async (attempt) => {
        const sending = pending;
        const insertErrors = await ctx.guard(attempt, 'tabledata.insertAll', () => send(sending));
        if (insertErrors.length === 0) {
          inserted += sending.length;
          pending = [];
          return;
        }
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
            failRow(rowIndex, reasons);
          }
        });
        pending = resend;
        if (resend.length > 0) throw new RowsNotInsertedError(resend.length, tableName);
      });
    } catch (err) {
      // The caller's own abort: their reason, untouched.
      if (options.signal?.aborted && err === options.signal.reason) throw err;
      if (err instanceof RowsNotInsertedError) {
        // Out of attempts with rows still refused for transient reasons: report them, do not lose them.
        ctx.logger.warn('BigQuery insert gave up on rows refused for transient reasons', {
          table: tableName,
          rows: pending.length,
        });
        for (const rowIndex of pending) failRow(rowIndex, lastReasons.get(rowIndex) ?? []);
        continue;
      }
      const error = toPipelineError(err);
      requestErrors.push(error);
      const reasons = requestReasons(error);
      for (const rowIndex of pending) failRow(rowIndex, reasons, error.transient);
      // A 400 refuses this request for what it holds (too large, too many rows, malformed): the
      // other batches may well be fine, so they are sent. Anything else stops the call.
      if (!isRefusedForItsContent(error)) stoppedBy = error;
      ctx.logger.warn('BigQuery refused an insertAll request as a whole', {
        table: tableName,
        rows: pending.length,
        error,
      });
    }
  }
  failed.sort((a, b) => a.index - b.index);
  if (stoppedBy !== undefined && inserted === 0 && failed.length === count && requestErrors.length === 1) {
    // Nothing was written and one failure explains everything (a missing table, a 403, an outage):
    // the typed error itself says it best.
    throw stoppedBy;
  }
  if (failed.length > 0) {
    ctx.logger.warn('BigQuery insert refused rows', { table: tableName, inserted, failed: failed.length });
    // Rows that are not written are never returned quietly when the call itself was cut short.
    if (options.throwOnFailure !== false || stoppedBy !== undefined) {
      // Worth trying again (a redelivery, the caller's own retry) only when nothing was refused for
      // good: rows still `stopped` after every re-send, or refused by a transient request failure.
      const transient = failed.every(
        (f) => transientByRequest.get(f.index) ?? isTransientRowFailure(f.reasons),
      );
      throw partialInsertError(tableName, count, inserted, failed, transient, requestErrors[0], stoppedBy);
    }
  }
  return { inserted, failed };
}

/** What the rows of a request refused as a whole failed with: the error's own entries. */
function requestReasons(error: PipelineError): ErrorDetail[] {
  if (error instanceof GoogleApiError && error.errors.length > 0) return error.errors;
  const reason = error instanceof GoogleApiError ? error.reason : undefined;
  return [{ ...(reason ? { reason } : {}), message: error.message }];
}

/** Rows not sent because an earlier request stopped the call: `stopped`, as BigQuery says of rows it did not try. */
function notSentReasons(error: PipelineError): ErrorDetail[] {
  return [{ reason: 'stopped', message: `not sent: an earlier request failed (${error.code})` }];
}

function isRefusedForItsContent(error: PipelineError): boolean {
  return error instanceof GoogleApiError && error.httpStatus === 400 && !error.transient;
}

function partialInsertError(
  tableName: string,
  count: number,
  inserted: number,
  failed: RowFailure[],
  transient: boolean,
  firstRequestError: PipelineError | undefined,
  stoppedBy: PipelineError | undefined,
): PartialInsertError {
  const first = failed[0] as RowFailure;
  const why = first.reasons.map((r) => r.reason ?? r.message).join(', ') || 'no reason given';
  const stopped = stoppedBy ? `; the rest was not sent after ${stoppedBy.name}: ${stoppedBy.message}` : '';
  const cause = stoppedBy ?? firstRequestError;
  return new PartialInsertError(
    `BigQuery refused ${failed.length} of ${count} row(s) inserted into ${tableName} (first: row ${first.index}, ${why})${stopped}`,
    { table: tableName, inserted, failures: failed, transient, ...(cause ? { cause } : {}) },
  );
}
