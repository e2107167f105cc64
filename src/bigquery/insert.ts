import { formatTableName, parseTableName } from '../config/table-name.js';
import { insertErrorsOf, insertErrorsOfResponse, isTransientRowFailure } from '../errors/bigquery-wire.js';
import { type ErrorDetail, PipelineError, type RowFailure, toPipelineError } from '../errors/index.js';
import { quoteValue, redactSecrets } from '../errors/redact.js';
import { scrubCause } from '../errors/scrub.js';
import { abortReason } from '../retry/clock.js';
import { messageOf } from '../shared/message-of.js';
import { concurrencyOf, sendBatches } from './batch-pool.js';
import { Batcher, DEFAULT_BATCH_BYTES, DEFAULT_BATCH_ROWS } from './batching.js';
import type { BigQueryClient } from './client.js';
import type { CallScope } from './context.js';
import { DefaultInsertIds } from './default-insert-ids.js';
import { encodeRow, encodeRowAt, type JsonValue } from './encode-row.js';
import { canonicalJson, insertIdOfCanonical } from './insert-id.js';
import { collectUnsafeIntegers, type UnsafeIntegers } from './int64.js';
import { refuseUnsafeInt64 } from './int64-columns.js';
import { RowLedger } from './row-ledger.js';
import { operationName, recordResent } from './telemetry.js';
import type { InsertResult, InsertRowsOptions } from './types.js';

const MAX_INSERT_ID_LENGTH = 128;
/** insertAll's documented limits per request: 10 MB and 50,000 rows (BigQuery answers 400 above them). */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const MAX_REQUEST_ROWS = 50_000;
/** Request envelope: `{"rows":[...],"skipInvalidRows":..,"ignoreUnknownValues":..}` and slack. */
const ENVELOPE_BYTES = 256;

function checkInsertId(id: unknown, i: number, tableName: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_INSERT_ID_LENGTH) {
    // Shown cut and without credentials: a key function may return a whole row, token included.
    const got = typeof id === 'string' ? `${quoteValue(id)} (${id.length} characters)` : typeof id;
    throw new TypeError(
      `insertRows(${tableName}): the insert id of row ${i} must be a non-empty string of at most ${MAX_INSERT_ID_LENGTH} characters, got ${got}`,
    );
  }
}

/**
 * Refuses a second, different row under an id the key function already gave: BigQuery keeps one row
 * per id, so two rows with one id must be the same row (a legitimate duplicate), never two different
 * ones. Only the first row's index is kept; the rows are encoded again only when an id repeats.
 */
function checkSameRowPerId(
  firstWithId: Map<string, number>,
  rows: readonly unknown[],
  id: string,
  i: number,
  tableName: string,
): void {
  const first = firstWithId.get(id);
  if (first === undefined) {
    firstWithId.set(id, i);
    return;
  }
  const where = `insertRows(${tableName})`;
  if (canonicalJson(encodeRowAt(rows, first, where)) !== canonicalJson(encodeRowAt(rows, i, where))) {
    throw new TypeError(
      `insertRows(${tableName}): rows ${first} and ${i} have the same insert id ${quoteValue(id)} but different content; BigQuery would keep only one of them. Make the insertId function unique per row, or leave it out (the default id is a hash of the whole row, numbered when identical rows repeat)`,
    );
  }
}

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
      { code: 'ROWS_NOT_INSERTED', transient: true },
    );
  }
}

/** One row of an insertAll request, as `table.insert` takes it raw. */
type RawRow = { insertId: string; json: { [key: string]: JsonValue } };

/** Consecutive rows `start..end-1` of the caller's array, made only when their request is next. */
interface InsertBatch {
  start: number;
  ids: string[];
  /** Each row's request text, `{"insertId":...,"json":...}`. */
  texts: string[];
}

/**
 * Streams rows with `insertAll`: deterministic insert ids, batches by rows and bytes, up to
 * `concurrency` requests in flight, one retry loop per batch in which each attempt is exactly one
 * request. After a whole-request transient failure the same rows are re-sent with the same ids
 * (BigQuery de-duplicates, so a lost answer cannot double a row); after a partial failure only the rows
 * refused for transient reasons are re-sent, and rows refused for good are reported by their index in
 * the caller's array. Every row is checked before the first request; each batch's request text is made
 * only when the batch is next, so memory holds the batches in flight, not every request body.
 */
export async function insertRows<R>(
  client: BigQueryClient,
  scope: CallScope,
  table: string,
  rows: readonly R[],
  options: InsertRowsOptions<R>,
): Promise<InsertResult> {
  const ref = parseTableName(table);
  const tableName = formatTableName(ref);
  const where = `insertRows(${tableName})`;
  if (!Array.isArray(rows)) throw new TypeError(`${where} needs an array of rows`);
  if (options.batchRows !== undefined && !(Number.isInteger(options.batchRows) && options.batchRows >= 1)) {
    throw new RangeError(
      `${where}: batchRows must be an integer from 1 to ${MAX_REQUEST_ROWS}, got ${options.batchRows}`,
    );
  }
  if (options.batchRows !== undefined && options.batchRows > MAX_REQUEST_ROWS) {
    throw new RangeError(
      `${where}: batchRows must be at most ${MAX_REQUEST_ROWS} (insertAll's limit per request), got ${options.batchRows}`,
    );
  }
  if (options.batchBytes !== undefined && !(options.batchBytes > ENVELOPE_BYTES)) {
    throw new RangeError(
      `insertRows(${tableName}): batchBytes must be more than ${ENVELOPE_BYTES} (the request's own envelope takes that much), got ${options.batchBytes}`,
    );
  }
  if (options.batchBytes !== undefined && options.batchBytes > MAX_REQUEST_BYTES) {
    throw new RangeError(
      `${where}: batchBytes must be at most ${MAX_REQUEST_BYTES} (insertAll's 10 MB limit per request), got ${options.batchBytes}`,
    );
  }
  const concurrency = concurrencyOf(options.concurrency, where);
  const count = rows.length;
  if (count === 0) return { inserted: 0, failed: [] };

  // Everything that can be refused locally is refused before the first request. Only the caller's own
  // ids are kept (the key function runs once per row); the rest is made again when its batch is next.
  const keyOf = options.insertId;
  const customIds: string[] | undefined = keyOf ? new Array(count) : undefined;
  const firstWithId = keyOf ? new Map<string, number>() : undefined;
  const unsafe: UnsafeIntegers = new Map();
  for (let i = 0; i < count; i++) {
    collectUnsafeIntegers(encodeRowAt(rows, i, where), i, unsafe);
    if (keyOf && customIds) {
      let id: string;
      try {
        id = keyOf(rows[i] as R, i);
      } catch (err) {
        throw new TypeError(
          `${where}: the insertId function threw for row ${i}: ${redactSecrets(messageOf(err))}`,
          {
            cause: scrubCause(err),
          },
        );
      }
      checkInsertId(id, i, tableName);
      checkSameRowPerId(firstWithId as Map<string, number>, rows, id, i, tableName);
      customIds[i] = id;
    }
  }
  await refuseUnsafeInt64(client, scope, 'insertRows', ref, where, unsafe);
  // Default ids: each row's hash, numbered for repeats of an identical row, in the caller's order
  // (rows are made in that order below).
  const defaultIds = customIds
    ? undefined
    : new DefaultInsertIds((i) => insertIdOfCanonical(canonicalJson(encodeRow(rows[i]))), rows.length);

  /** Row `i`'s insert id and request text. */
  const rowText = (i: number): { id: string; text: string } => {
    const json = encodeRow(rows[i]);
    let id: string;
    let jsonText: string;
    if (customIds) {
      id = customIds[i] as string;
      jsonText = JSON.stringify(json);
    } else {
      // The canonical JSON serves the id hash, the byte size and the request body: it is the same
      // row as JSON.stringify(json), only with its keys in sorted order.
      jsonText = canonicalJson(json);
      id = (defaultIds as DefaultInsertIds).idOf(i, insertIdOfCanonical(jsonText));
    }
    return { id, text: `{"insertId":${JSON.stringify(id)},"json":${jsonText}}` };
  };

  // Batches are consecutive ranges of rows, made one at a time, in order, when a slot is free.
  const batcher = new Batcher({
    maxRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
    maxBytes: (options.batchBytes ?? DEFAULT_BATCH_BYTES) - ENVELOPE_BYTES,
  });
  /** The first row not in a batch handed out yet. */
  let nextRow = 0;
  /** Row `nextRow`, already made: it did not fit in the last batch and opens the next one. */
  let carried: { id: string; text: string } | undefined;
  const nextBatch = (): InsertBatch | undefined => {
    if (nextRow >= count || ledger.stopped) return undefined;
    const batch: InsertBatch = { start: nextRow, ids: [], texts: [] };
    if (carried !== undefined) {
      batch.ids.push(carried.id);
      batch.texts.push(carried.text);
      carried = undefined;
      nextRow++;
    }
    while (nextRow < count) {
      let row: { id: string; text: string };
      try {
        row = rowText(nextRow);
      } catch (err) {
        // Read again now, after earlier batches may be written (a getter that throws on a later
        // read): this batch is not sent, the call stops, and the report says which rows were written.
        ledger.unreadable(where, nextRow, err);
        ledger.notSent(batch.start, nextRow++);
        return undefined;
      }
      if (batcher.startsNewBatch(Buffer.byteLength(row.text) + 1) && batch.texts.length > 0) {
        carried = row;
        break;
      }
      batch.ids.push(row.id);
      batch.texts.push(row.text);
      nextRow++;
    }
    return batch;
  };

  const target = client
    .dataset(ref.datasetId, ref.projectId ? { projectId: ref.projectId } : {})
    .table(ref.tableId) as unknown as InsertTarget;
  const flags: { skipInvalidRows?: boolean; ignoreUnknownValues?: boolean } = {};
  if (options.skipInvalidRows !== undefined) flags.skipInvalidRows = options.skipInvalidRows;
  if (options.ignoreUnknownValues !== undefined) flags.ignoreUnknownValues = options.ignoreUnknownValues;
  const send = insertAllSender(target, flags);

  const ledger = new RowLedger(
    'inserted',
    tableName,
    rows,
    (i) => (customIds ? customIds[i] : reportedId(defaultIds as DefaultInsertIds, i)),
    customIds ? undefined : repeatAdvice,
  );

  const sendBatch = async (batch: InsertBatch): Promise<void> => {
    // Positions in the batch still to be written, and the last reasons they were refused for.
    let pending: number[] = batch.texts.map((_, p) => p);
    const lastReasons = new Map<number, ErrorDetail[]>();
    try {
      await scope.run(operationName('insertRows'), async (attempt) => {
        const sending = pending;
        if (attempt.attempt > 1) recordResent('insertRows', tableName, sending.length);
        const refused = await scope.request(attempt, 'tabledata.insertAll', () =>
          send(
            sending.map((p) => batch.texts[p] as string),
            // The rows as this batch made them (its texts), not read again from the caller's.
            () => sending.map((p) => JSON.parse(batch.texts[p] as string) as RawRow),
          ),
        );
        if (refused.length === 0) {
          ledger.written(sending.length);
          pending = [];
          return;
        }
        const byPosition = new Map<number, ErrorDetail[]>();
        // Reasons of entries that name no row sent: no row of this answer can be taken as inserted.
        const unplaced: ErrorDetail[] = [];
        for (const e of refused) {
          if (e.index !== undefined && e.index >= 0 && e.index < sending.length) {
            byPosition.set(e.index, [...(byPosition.get(e.index) ?? []), ...e.reasons]);
          } else unplaced.push(...e.reasons);
        }
        const resend: number[] = [];
        let accepted = 0;
        sending.forEach((p, position) => {
          const reasons = byPosition.get(position);
          if (reasons === undefined) {
            // Not listed: accepted (with skipInvalidRows, valid rows are inserted next to invalid
            // ones), unless the answer holds errors it does not place: then re-sent under its id.
            if (unplaced.length === 0) accepted++;
            else {
              lastReasons.set(p, unplaced);
              resend.push(p);
            }
          } else if (isTransientRowFailure(reasons)) {
            lastReasons.set(p, reasons);
            resend.push(p);
          } else ledger.refused(batch.start + p, reasons, batch.ids[p]);
        });
        ledger.written(accepted);
        pending = resend;
        if (resend.length > 0) throw new RowsNotInsertedError(resend.length, tableName);
      });
    } catch (err) {
      // The caller's own abort: their reason, untouched; it ends the whole call.
      if (scope.signal?.aborted && err === abortReason(scope.signal)) throw err;
      if (err instanceof RowsNotInsertedError) {
        // Out of attempts with rows still refused for transient reasons: report them, do not lose them.
        scope.logger.warn('BigQuery insert gave up on rows refused for transient reasons', {
          table: tableName,
          rows: pending.length,
        });
        for (const p of pending) ledger.refused(batch.start + p, lastReasons.get(p) ?? [], batch.ids[p]);
        return;
      }
      const error = toPipelineError(err);
      ledger.refusedWhole(
        batch.start,
        pending.map((p) => batch.start + p),
        error,
      );
      scope.logger.warn('BigQuery refused an insertAll request as a whole', {
        table: tableName,
        rows: pending.length,
        error,
      });
    }
  };

  await sendBatches(concurrency, nextBatch, sendBatch, () => ledger.stopped);
  ledger.notSent(nextRow, count);
  const { written, failed } = ledger.outcome(options.throwOnFailure !== false, scope.logger, 'stopping');
  return { inserted: written, failed };
}

/**
 * Row `i`'s default insert id for a failure report. Made from the row, read again; a row that cannot
 * be read any more (the one that stopped the call, or one never sent) is reported without an id
 * rather than turn the report into a bare error.
 */
function reportedId(ids: DefaultInsertIds, i: number): string | undefined {
  try {
    return ids.idOf(i);
  } catch {
    return undefined;
  }
}

/**
 * What a failed call says when a failed row repeats an identical row of the call (its default id is
 * `<hash>-k`): sent again by content alone, in a call of its own, it would be that call's first copy,
 * under the id of the copy already written, and BigQuery would drop it while counting it inserted.
 */
function repeatAdvice(failed: readonly RowFailure[]): string | undefined {
  const repeats = failed.filter((f) => f.insertId?.includes('-')).map((f) => f.index);
  if (repeats.length === 0) return undefined;
  return `row ${repeats.slice(0, 5).join(', ')}${repeats.length > 5 ? ', ...' : ''} repeats an identical row: resend failed rows with insertId: (_row, i) => failures[i].insertId`;
}

/**
 * One insertAll request; resolves with the rows BigQuery refused (none: `[]`). The body is the rows'
 * request texts joined, sent as text through the table's `request` (the client would deep-copy and
 * serialize every row again, and replace `{{projectId}}` in every string of a JSON body, the rows'
 * values included; a text body it leaves as written). A client without `request` (not a
 * @google-cloud/common object) goes through `table.insert` with the same ids, raw, with the client's
 * partial retries off.
 */
function insertAllSender(
  target: InsertTarget,
  flags: { skipInvalidRows?: boolean; ignoreUnknownValues?: boolean },
) {
  const bodyTail = `]${Object.entries(flags)
    .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join('')}}`;
  return async (texts: readonly string[], rawRows: () => RawRow[]) => {
    const body = `{"rows":[${texts.join(',')}${bodyTail}`;
    if (typeof target.request === 'function') {
      const [resp] = await target.request({
        method: 'POST',
        uri: '/insertAll',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      return insertErrorsOfResponse(resp);
    }
    try {
      await target.insert(rawRows(), { raw: true, partialRetries: 0, ...flags });
      return [];
    } catch (err) {
      const refused = insertErrorsOf(err);
      if (refused === undefined) throw err;
      return refused;
    }
  };
}
