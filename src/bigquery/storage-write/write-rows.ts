/**
 * `writeRows`: the Storage Write API path of the executor, in three modes.
 *
 * - atomic (default): a PENDING stream per call, appends with explicit offsets, finalize, then
 *   BatchCommitWriteStreams: every row of the call becomes visible, or none does.
 * - committed: a COMMITTED stream per call with offsets: rows are visible as appended, exactly once
 *   across reconnects (ALREADY_EXISTS on a resent offset means "already written").
 * - default: the `_default` stream, at least once (a resend after a lost answer may duplicate).
 *
 * The call is one retry loop (the executor's: budget, breaker, backoff, signal) over a resumable
 * state: an attempt goes on from the last acknowledged offset on the same stream, so progress is
 * never thrown away and nothing is appended twice. Once a commit was sent, its outcome is read back
 * with GetWriteStream (`commit_time`) before anything else: a stream is never committed blindly twice
 * and never replaced by a second stream that could be committed too.
 * @module
 */

import { formatTableName, parseTableName } from '../../config/table-name.js';
import type { ErrorDetail, RowFailure } from '../../errors/index.js';
import {
  CircuitBreakerOpenError,
  isTransientError,
  RowError,
  StorageError,
  type StorageErrorCode,
  UnsupportedSchemaError,
} from '../../errors/index.js';
import type { RetryContext } from '../../retry/index.js';
import { onAbort } from '../../shared/abort-fanout.js';
import { messageOf } from '../../shared/message-of.js';
import { planBatches } from '../batching.js';
import type { CallScope } from '../context.js';
import { operationName } from '../telemetry.js';
import type { WriteResult, WriteRowsOptions } from '../types.js';
import {
  type BigQueryWriteClient,
  loadStorageModule,
  type StorageModule,
  unaryCallOptions,
} from './client.js';
import { type AppendAnswer, AppendConnection, RETRYABLE_CONNECTION_CODES } from './connection.js';
import { encodeRow } from './encode.js';
import { compileSchema, type StorageField, UnwritableSchemaError, type WriteSchema } from './schema.js';

/** What `writeRows` needs from the executor besides the common context. */
export interface StorageWriteContext {
  writeClient(): Promise<BigQueryWriteClient>;
  /** The project of table names that do not name one. */
  projectId(client: BigQueryWriteClient): Promise<string>;
  /** Schemas of `_default` streams by table path, shared by the executor's calls. */
  readonly defaultSchemas: Map<string, WriteSchema>;
}

/** Storage Write's request limit is 10 MB; the default leaves room for the envelope and the descriptor. */
export const DEFAULT_WRITE_BATCH_BYTES = 8 * 1024 * 1024;
export const DEFAULT_WRITE_BATCH_ROWS = 10_000;
export const DEFAULT_MAX_INFLIGHT_REQUESTS = 100;
export const DEFAULT_MAX_INFLIGHT_BYTES = 64 * 1024 * 1024;
const MAX_REQUEST_BYTES = 9.5 * 1024 * 1024;

const STORAGE_CODE_NAMES: Record<number, StorageErrorCode> = {
  6: 'OFFSET_ALREADY_EXISTS',
  11: 'OFFSET_OUT_OF_RANGE',
};

/** One planned request: the rows' indexes in the caller's array, their bytes, its offset. */
interface Chunk {
  rows: number[];
  bytes: Uint8Array[];
  offset: number;
}

/** The resumable state of one call. */
interface CallState {
  stream?: string;
  schema?: WriteSchema;
  chunks?: Chunk[];
  /** Chunks acknowledged, in order (the next chunk to send). */
  acked: number;
  /** An append was sent: rows past the acknowledged ones may be written. */
  appendSent?: boolean;
  /**
   * Default mode: chunks past `acked` known to be written (appends without offsets sent after one that
   * failed are applied anyway): a retry does not send them again.
   */
  written?: boolean[];
  finalized: boolean;
  /** Default mode: the schema was the executor's cached one, not read for this call. */
  schemaFromCache?: boolean;
  commitSent: boolean;
  /** What is known of the last commit sent: applied, not applied (read back or refused), or unknown. */
  commitOutcome?: 'committed' | 'uncommitted' | 'refused' | 'unknown';
  commitTime?: Date;
}

/** GetWriteStream reads (and the first pause between them) to learn a commit's outcome. */
const COMMIT_READS = 10;
const COMMIT_READ_FIRST_DELAY_MS = 10;

type Mode = NonNullable<WriteRowsOptions['mode']>;

function positiveInt(name: string, value: number | undefined, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value > 0 && value <= max)) {
    throw new RangeError(
      `writeRows: ${name} must be a positive integer${Number.isFinite(max) ? ` of at most ${max}` : ''}, got ${value}`,
    );
  }
  return value;
}

function dateOf(ts: unknown): Date | undefined {
  const t = ts as { seconds?: unknown; nanos?: unknown } | null | undefined;
  if (!t || t.seconds === undefined || t.seconds === null) return undefined;
  const ms = Number(t.seconds) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
  return ms > 0 ? new Date(ms) : undefined;
}

/**
 * Writes `rows` through the Storage Write API. See the module comment for the modes.
 */
export async function writeRows(
  ctx: StorageWriteContext,
  scope: CallScope,
  table: string,
  rows: readonly unknown[],
  options: WriteRowsOptions,
): Promise<WriteResult> {
  const mode: Mode = options.mode ?? 'atomic';
  if (mode !== 'atomic' && mode !== 'committed' && mode !== 'default') {
    throw new TypeError(
      `writeRows: mode must be 'atomic', 'committed' or 'default', got ${JSON.stringify(mode)}`,
    );
  }
  if (!Array.isArray(rows)) throw new TypeError(`writeRows(${table}): rows must be an array`);
  const ref = parseTableName(table);
  const tableName = formatTableName(ref);
  const limits = {
    batchRows: positiveInt('batchRows', options.batchRows, DEFAULT_WRITE_BATCH_ROWS),
    batchBytes: positiveInt('batchBytes', options.batchBytes, DEFAULT_WRITE_BATCH_BYTES, MAX_REQUEST_BYTES),
    maxInflightRequests: positiveInt(
      'maxInflightRequests',
      options.maxInflightRequests,
      DEFAULT_MAX_INFLIGHT_REQUESTS,
    ),
    maxInflightBytes: positiveInt('maxInflightBytes', options.maxInflightBytes, DEFAULT_MAX_INFLIGHT_BYTES),
  };
  if (rows.length === 0) return { mode, written: 0 };
  const [mod, client] = await Promise.all([loadStorageModule(), ctx.writeClient()]);
  const project = ref.projectId ?? (await ctx.projectId(client));
  const parent = `projects/${project}/datasets/${ref.datasetId}/tables/${ref.tableId}`;
  const state: CallState = { acked: 0, finalized: false, commitSent: false };
  const call = new WriteCall(ctx, scope, mod, client, {
    mode,
    parent,
    tableName,
    rows,
    limits,
    options,
    state,
  });
  try {
    return await scope.run(operationName('writeRows'), (attempt) => call.attempt(attempt));
  } catch (error) {
    // Also when the caller aborted: a bare abort reason would let a redelivered message write the
    // rows a second time after a commit that was applied.
    if (state.commitSent && state.commitOutcome === 'unknown') {
      const why = scope.signal?.aborted
        ? 'the call was aborted before its outcome was known'
        : 'its outcome could not be read back';
      throw new StorageError(
        `writeRows(${tableName}): the commit of ${state.stream} was sent and ${why}; read the stream (GetWriteStream commit_time) before writing these rows again`,
        {
          storageCode: 'COMMIT_OUTCOME_UNKNOWN',
          table: tableName,
          stream: state.stream!,
          transient: false,
          cause: error,
        },
      );
    }
    // Whatever ended the call (a timeout, the breaker, the budget, the caller's abort too: rows may
    // be visible already, and a bare reason would have them resent): a RowError already counts exactly.
    // After an abort the one finalize is bounded more tightly (a shutdown is waiting).
    // A schema the writer cannot describe is refused before any append: nothing to count or resend.
    if (
      mode === 'committed' &&
      !(error instanceof RowError) &&
      !(error instanceof UnsupportedSchemaError) &&
      state.stream
    ) {
      const timeoutMs = scope.signal?.aborted
        ? Math.min(scope.requestTimeoutMs, 5_000)
        : scope.requestTimeoutMs;
      const rowCount = await finalizedRowCount(client, state.stream, timeoutMs);
      if (rowCount === rows.length) {
        // Every row is written (only answers were lost): the call did what it was asked. Rejecting
        // would have the caller dead-letter or resend rows that are all in the table already.
        scope.logger.warn('writeRows: the call failed but its finalized stream holds every row; done', {
          table: tableName,
          stream: state.stream,
          rows: rows.length,
          error: messageOf(error),
        });
        return { mode, written: rows.length, stream: state.stream };
      }
      if (rowCount !== undefined) {
        // An exact 0 left nothing to write twice: the call is what to resend, as transient as its
        // cause (an outage that refused every append must not have a handler dead-letter the batch;
        // nor the breaker that outage opened, whose own error is not transient).
        throw withWrittenRows(
          tableName,
          state.stream,
          error,
          rowCount,
          false,
          rowCount === 0 && (isTransientError(error) || error instanceof CircuitBreakerOpenError),
        );
      }
      // Not counted: the acknowledged rows are written, and those sent after them may be. Neither a
      // bare reason (an abort) nor a transient error may invite the whole call again.
      if (!state.appendSent) throw error;
      const acked = state.chunks!.slice(0, state.acked).reduce((n, chunk) => n + chunk.rows.length, 0);
      throw withWrittenRows(tableName, state.stream, error, acked, true);
    }
    if (mode === 'default' && error instanceof StorageError) {
      // A lost connection's error is made by the connection, which does not know what the call
      // wrote: 0 there read as "nothing written" of rows that are in the table.
      const written = call.writtenRows();
      // Set on the error itself (its own field): a copy costs the bundle more than the fix.
      if (written !== error.writtenRows) Object.assign(error, { writtenRows: written });
    } else if (mode === 'default' && !(error instanceof RowError)) {
      // An append timeout, the caller's abort, the breaker or the budget: a bare error says nothing
      // of the rows already in the table, and a resend of the call would write them again. The
      // caller's reason is the cause, untouched; the transience is the cause's.
      const written = call.writtenRows();
      if (written > 0) {
        throw new StorageError(`${messageOf(error)}; ${written} row(s) of the call are written (at least)`, {
          storageCode: 'APPEND_FAILED',
          table: tableName,
          writtenRows: written,
          transient: isTransientError(error),
          cause: error,
        });
      }
    }
    throw error;
  }
}

/**
 * A committed-mode call that failed may have written more than its acknowledged appends (answers
 * lost in flight). Finalizing the stream ends it and returns its exact row count, always a prefix of
 * the call's rows (offsets are contiguous, chunks are consecutive rows in the caller's order).
 * `undefined` when even that fails (the error then keeps the acknowledged count, "at least").
 */
async function finalizedRowCount(
  client: BigQueryWriteClient,
  stream: string,
  timeoutMs: number,
): Promise<number | undefined> {
  try {
    const [answer] = (await client.finalizeWriteStream(
      { name: stream },
      unaryCallOptions(Math.min(timeoutMs, 10_000)),
    )) as unknown as [{ rowCount?: unknown }];
    const rowCount = Number(answer?.rowCount);
    return Number.isSafeInteger(rowCount) ? rowCount : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The error of a committed-mode call that wrote rows `0..rowCount-1` of its rows and not the rest:
 * not transient (running the same call again would write the prefix twice); resend
 * `rows.slice(rowCount)`. `uncounted`: the stream could not be finalized, `rowCount` is the
 * acknowledged rows, and the rows after them may be written too. `transient`: only for an exact
 * count of 0, whose resend is the call itself.
 */
function withWrittenRows(
  table: string,
  stream: string,
  error: unknown,
  rowCount: number,
  uncounted = false,
  transient = false,
): StorageError {
  const storage = error instanceof StorageError ? error : undefined;
  return new StorageError(
    `${messageOf(error)}; ${uncounted ? 'not finalized' : 'the stream was finalized'}: ${rowCount === 0 ? 'no row' : `rows 0..${rowCount - 1}`} of the call are written, rows ${rowCount}.. ${uncounted ? 'may be (read before you' : 'are not ('}resend rows.slice(${rowCount}))`,
    {
      storageCode: storage?.storageCode ?? 'APPEND_FAILED',
      table,
      stream,
      ...(storage?.entity === undefined ? {} : { entity: storage.entity }),
      ...(storage?.grpcCode === undefined ? {} : { grpcCode: storage.grpcCode }),
      writtenRows: rowCount,
      transient,
      cause: error,
    },
  );
}

interface CallSpec {
  mode: Mode;
  parent: string;
  tableName: string;
  rows: readonly unknown[];
  limits: { batchRows: number; batchBytes: number; maxInflightRequests: number; maxInflightBytes: number };
  options: WriteRowsOptions;
  state: CallState;
}

class WriteCall {
  readonly #ctx: StorageWriteContext;
  readonly #scope: CallScope;
  readonly #mod: StorageModule;
  readonly #client: BigQueryWriteClient;
  readonly #spec: CallSpec;

  constructor(
    ctx: StorageWriteContext,
    scope: CallScope,
    mod: StorageModule,
    client: BigQueryWriteClient,
    spec: CallSpec,
  ) {
    this.#ctx = ctx;
    this.#scope = scope;
    this.#mod = mod;
    this.#client = client;
    this.#spec = spec;
  }

  get #state(): CallState {
    return this.#spec.state;
  }

  async attempt(attempt: RetryContext): Promise<WriteResult> {
    const { mode } = this.#spec;
    const state = this.#state;
    if (mode === 'atomic' && state.commitSent) return this.#commit(attempt);
    if (!state.stream) await this.#open(attempt);
    const chunks = state.chunks!;
    if (state.acked < chunks.length) await this.#appendAll(attempt);
    if (mode !== 'atomic') return this.#result();
    if (!state.finalized) {
      const [answer] = (await this.#unary(attempt, 'FinalizeWriteStream', () =>
        this.#client.finalizeWriteStream({ name: state.stream }, this.#callOptions()),
      )) as unknown as [{ rowCount?: unknown }];
      const rowCount = Number(answer?.rowCount ?? 0);
      const expected = this.#spec.rows.length;
      if (rowCount !== expected) {
        // A stream that holds another number of rows than we appended must never be committed.
        this.#restart();
        throw this.#error(
          'ROW_COUNT_MISMATCH',
          `The finalized stream ${state.stream} holds ${rowCount} rows, expected ${expected}; it was abandoned uncommitted`,
          { transient: true },
        );
      }
      state.finalized = true;
    }
    return this.#commit(attempt);
  }

  /** Rows known to be written so far (atomic: 0 until the commit). */
  writtenRows(): number {
    return this.#spec.mode === 'atomic' ? 0 : this.#writtenCount();
  }

  #result(): WriteResult {
    const state = this.#state;
    const result: WriteResult = { mode: this.#spec.mode, written: this.#spec.rows.length };
    if (this.#spec.mode !== 'default' && state.stream) result.stream = state.stream;
    if (state.commitTime) result.commitTime = state.commitTime;
    return result;
  }

  /** Creates the stream (or finds the default one), gets the schema, encodes and plans the rows. */
  async #open(attempt: RetryContext): Promise<void> {
    const { mode, parent } = this.#spec;
    const state = this.#state;
    let fields: StorageField[];
    let fromCache = false;
    if (mode === 'default') {
      const name = `${parent}/streams/_default`;
      const cached = this.#ctx.defaultSchemas.get(parent);
      if (cached) {
        state.schema = cached;
        fromCache = true;
        fields = cached.fields as StorageField[];
      } else {
        fields = await this.#tableFields(attempt);
      }
      state.stream = name;
    } else {
      // The schema is known to be writable before a stream is created: a table with a column the
      // writer cannot describe is refused with no stream made and no row sent.
      // Best effort: if this read fails, the created stream's own schema is checked (the same error,
      // an empty stream left uncommitted).
      if (!this.#ctx.defaultSchemas.has(parent)) {
        const known = await this.#tableFields(attempt).catch((error: unknown) => {
          if (attempt.signal?.aborted) throw error;
          return [];
        });
        if (known.length) this.#ctx.defaultSchemas.set(parent, this.#compile(known));
      }
      const [stream] = (await this.#unary(attempt, 'CreateWriteStream', () =>
        this.#client.createWriteStream(
          { parent, writeStream: { type: mode === 'atomic' ? 'PENDING' : 'COMMITTED' } },
          this.#callOptions(),
        ),
      )) as unknown as [{ name?: string; tableSchema?: { fields?: StorageField[] } }];
      if (!stream?.name)
        throw this.#error('STREAM_NOT_FOUND', 'CreateWriteStream answered without a stream name', {
          transient: true,
        });
      state.stream = stream.name;
      fields = stream.tableSchema?.fields ?? [];
    }
    if (!state.schema || !fromCache) state.schema = this.#compile(fields);
    // Against a cached schema, unknown columns are refused even under ignoreUnknownValues: a column
    // added since the schema was read would otherwise have its values dropped without a word. The
    // refusal makes the schema read again; only then are truly unknown columns ignored.
    let encoded = this.#encode(state.schema, fromCache ? false : undefined);
    if ('failures' in encoded && fromCache) {
      // The cached schema may be stale (a column added since): fetch it once more before refusing rows.
      this.#ctx.defaultSchemas.delete(parent);
      state.schema = this.#compile(await this.#tableFields(attempt));
      encoded = this.#encode(state.schema);
      fromCache = false;
    }
    state.schemaFromCache = fromCache;
    if (mode === 'default') this.#ctx.defaultSchemas.set(parent, state.schema);
    if ('failures' in encoded) {
      // Nothing was sent: the stream (if any) is left empty and uncommitted.
      this.#restart();
      throw new RowError(
        `writeRows(${this.#spec.tableName}): ${encoded.failures.length} of ${this.#spec.rows.length} row(s) do not fit the table; nothing was written`,
        { table: this.#spec.tableName, writtenRows: 0, failures: encoded.failures },
      );
    }
    state.chunks = encoded.chunks;
    state.acked = 0;
    delete state.written;
  }

  /**
   * The table's schema as its `_default` stream reports it (GetWriteStream FULL). Atomic and committed
   * calls read it too, before their first stream, and compile it (cached per executor, as default-mode
   * calls cache it): a table the writer cannot describe is refused with no stream made.
   */
  async #tableFields(attempt: RetryContext): Promise<StorageField[]> {
    const [stream] = (await this.#unary(attempt, 'GetWriteStream', () =>
      this.#client.getWriteStream(
        { name: `${this.#spec.parent}/streams/_default`, view: 'FULL' },
        this.#callOptions(),
      ),
    )) as unknown as [{ tableSchema?: { fields?: StorageField[] } }];
    return stream?.tableSchema?.fields ?? [];
  }

  #compile(fields: StorageField[]): WriteSchema {
    if (fields.length === 0) {
      throw this.#error(
        'TABLE_NOT_FOUND',
        `The Storage Write API returned no schema for ${this.#spec.tableName}`,
        {},
      );
    }
    try {
      return compileSchema(this.#mod, fields);
    } catch (error) {
      if (error instanceof UnwritableSchemaError) {
        const n = this.#spec.rows.length;
        throw new UnsupportedSchemaError(
          `writeRows(${this.#spec.tableName}): ${error.message}; none of the ${n} row(s) was sent`,
          { kind: 'table' },
        );
      }
      throw error;
    }
  }

  #encode(
    schema: WriteSchema,
    ignoreUnknownValues = this.#spec.options.ignoreUnknownValues === true,
  ): { chunks: Chunk[] } | { failures: RowFailure[] } {
    const { rows, limits } = this.#spec;
    const bytes: Uint8Array[] = [];
    const failures: RowFailure[] = [];
    // An index loop, not forEach: a hole in the caller's array is a row to refuse, not one to skip
    // (skipped, the call reported it written).
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index];
      const out = encodeRow(schema, row, ignoreUnknownValues);
      if ('problems' in out) failures.push({ index, row, reasons: out.problems });
      else if (out.bytes.length > MAX_REQUEST_BYTES) {
        // No request can carry it: sent alone it would fail the whole call with a bare APPEND_FAILED.
        failures.push({
          index,
          row,
          reasons: [
            {
              reason: 'invalid',
              message: `The row is ${out.bytes.length} bytes encoded; a Storage Write request holds at most 10 MB`,
              location: '',
            },
          ],
        });
      } else bytes.push(out.bytes);
    }
    if (failures.length > 0) return { failures };
    const batches = planBatches(
      bytes.map((b) => b.length + 4),
      { maxRows: limits.batchRows, maxBytes: limits.batchBytes },
    );
    let offset = 0;
    const chunks = batches.map((indexes) => {
      const chunk: Chunk = { rows: indexes, bytes: indexes.map((i) => bytes[i]!), offset };
      offset += indexes.length;
      return chunk;
    });
    return { chunks };
  }

  /** Pipelines the unacknowledged chunks on a fresh connection and reads the answers in order. */
  async #appendAll(attempt: RetryContext): Promise<void> {
    const state = this.#state;
    const { mode, limits, tableName } = this.#spec;
    const chunks = state.chunks!;
    const withOffsets = mode !== 'default';
    const conn = new AppendConnection(this.#client, state.stream!, state.schema!.descriptor, {
      maxInflightRequests: limits.maxInflightRequests,
      maxInflightBytes: limits.maxInflightBytes,
      timeoutMs: this.#scope.requestTimeoutMs,
      clock: this.#scope.clock,
      table: tableName,
    });
    const unsubscribe = attempt.signal
      ? onAbort(attempt.signal, () => conn.close(attempt.signal!.reason))
      : undefined;
    const answers: Array<Promise<{ answer: AppendAnswer } | { error: unknown }>> = [];
    // The chunks to send, in order: answers[k] is the answer of chunks[toSend[k]].
    const toSend: number[] = [];
    for (let i = state.acked; i < chunks.length; i++) if (!state.written?.[i]) toSend.push(i);
    let wake: (() => void) | undefined;
    let sendingDone = false;
    let stopSending = false;
    const sending = (async () => {
      for (const i of toSend) {
        const chunk = chunks[i]!;
        await conn.ready(chunk.bytes.reduce((n, b) => n + b.length, 0));
        if (!conn.open || stopSending) break;
        state.appendSent = true;
        answers.push(
          conn.send(chunk.bytes, withOffsets ? chunk.offset : undefined).then(
            (answer) => ({ answer }),
            (error: unknown) => ({ error }),
          ),
        );
        wake?.();
      }
    })().finally(() => {
      sendingDone = true;
      wake?.();
    });
    try {
      let read = 0;
      // Answers are read in order as they arrive, while later chunks are still being sent.
      while (read < toSend.length) {
        if (read >= answers.length) {
          if (sendingDone)
            throw this.#error('CONNECTION_LOST', `The AppendRows connection to ${conn.stream} ended`, {
              transient: true,
            });
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        const index = toSend[read]!;
        const outcome = await answers[read]!;
        read++;
        if ('error' in outcome) throw outcome.error;
        if (mode === 'default' && outcome.answer.error) {
          // Without offsets, the appends sent after this one are applied whatever it was answered:
          // wait for their answers, so that the error says exactly which rows are written and a
          // retry does not send the written ones again.
          stopSending = true;
          await sending.catch(() => undefined);
          const later = new Map<number, { answer: AppendAnswer } | { error: unknown }>();
          const settled = await Promise.all(answers.slice(read));
          settled.forEach((o, k) => {
            const chunk = toSend[read + k]!;
            later.set(chunk, o);
            if ('answer' in o && !o.answer.error) this.#markWritten(chunk);
          });
          if (
            state.schemaFromCache &&
            (outcome.answer.rowErrors?.length || outcome.answer.error.code === 3) &&
            (await this.#refreshStaleSchema(attempt))
          ) {
            throw this.#error(
              'SCHEMA_MISMATCH_EXTRA_FIELDS',
              `AppendRows to ${conn.stream} was refused against the schema cached for ${tableName}, which the table no longer has; resending the rows not written on its current schema`,
              { transient: true },
            );
          }
          if (outcome.answer.rowErrors?.length) throw this.#defaultRowError(index, outcome.answer, later);
        }
        this.#check(outcome.answer, chunks[index]!, index);
        if (index === state.acked) {
          state.acked++;
          while (state.written?.[state.acked]) state.acked++;
        } else this.#markWritten(index);
      }
    } finally {
      unsubscribe?.();
      // Rejects whatever is still in flight; those results are not read.
      conn.close();
      await sending.catch(() => undefined);
    }
  }

  /**
   * Default mode: BigQuery refused an append encoded with the executor's cached schema, which may be
   * stale (a column dropped since it was read: its values are refused even under
   * ignoreUnknownValues, by every later call too). Reads the schema again and caches it; when it
   * differs and every row not yet written fits it, re-encodes those chunks and returns true (resend
   * them). Otherwise false: BigQuery's refusal stands, and the next call encodes on the fresh schema.
   */
  async #refreshStaleSchema(attempt: RetryContext): Promise<boolean> {
    const state = this.#state;
    const { parent, rows } = this.#spec;
    state.schemaFromCache = false;
    const stale = state.schema!;
    if (this.#ctx.defaultSchemas.get(parent) === stale) this.#ctx.defaultSchemas.delete(parent);
    let fresh: WriteSchema;
    try {
      fresh = this.#compile(await this.#tableFields(attempt));
    } catch (error) {
      if (attempt.signal?.aborted) throw error;
      return false;
    }
    this.#ctx.defaultSchemas.set(parent, fresh);
    if (JSON.stringify(fresh.fields) === JSON.stringify(stale.fields)) return false;
    const ignoreUnknownValues = this.#spec.options.ignoreUnknownValues === true;
    const chunks = state.chunks!;
    const reencoded = new Map<number, Uint8Array[]>();
    for (let c = state.acked; c < chunks.length; c++) {
      if (state.written?.[c]) continue;
      const bytes: Uint8Array[] = [];
      for (const index of chunks[c]!.rows) {
        const out = encodeRow(fresh, rows[index], ignoreUnknownValues);
        if ('problems' in out) return false;
        bytes.push(out.bytes);
      }
      reencoded.set(c, bytes);
    }
    for (const [c, bytes] of reencoded) chunks[c]!.bytes = bytes;
    state.schema = fresh;
    return true;
  }

  /** Interprets one answer; throws for anything but "these rows are written". */
  #check(answer: AppendAnswer, chunk: Chunk, chunkIndex: number): void {
    const { mode, tableName } = this.#spec;
    if (!answer.error) {
      if (mode !== 'default' && answer.offset !== undefined && answer.offset !== chunk.offset) {
        throw this.#error(
          'OFFSET_OUT_OF_RANGE',
          `AppendRows wrote chunk ${chunkIndex} at offset ${answer.offset}, expected ${chunk.offset}`,
          {},
        );
      }
      return;
    }
    const { code, message } = answer.error;
    // The offset already holds rows: this chunk was written by an earlier attempt whose answer was lost.
    if (code === 6 && mode !== 'default') return;
    if (answer.rowErrors?.length) {
      const written = this.#writtenBefore(chunkIndex);
      const failures: RowFailure[] = [];
      const bad = new Map(answer.rowErrors.map((r) => [r.index, r.message]));
      const chunks = this.#state.chunks!;
      // Atomic: the chunks before this one are in a stream that will never be committed, so they
      // are not written either and are listed too. Other modes: they are written.
      for (let c = mode === 'atomic' ? 0 : chunkIndex; c < chunks.length; c++) {
        chunks[c]!.rows.forEach((rowIndex, i) => {
          const reason: ErrorDetail =
            c === chunkIndex && bad.has(i)
              ? { reason: 'invalid', message: bad.get(i) ?? 'row error' }
              : { reason: 'stopped', message: 'not written because other rows were refused' };
          failures.push({ index: rowIndex, row: this.#spec.rows[rowIndex], reasons: [reason] });
        });
      }
      if (mode === 'atomic') this.#restart();
      throw new RowError(
        `writeRows(${tableName}): BigQuery refused ${answer.rowErrors.length} row(s)${mode === 'atomic' ? '; nothing was written' : `; ${written} row(s) before them were written`}`,
        { table: tableName, writtenRows: mode === 'atomic' ? 0 : written, failures },
      );
    }
    const transient = RETRYABLE_CONNECTION_CODES.has(code);
    throw this.#error(
      STORAGE_CODE_NAMES[code] ?? 'APPEND_FAILED',
      `AppendRows to ${this.#state.stream} failed with gRPC ${code}: ${message}${code === 11 ? ' (an offset the writer planned is beyond the end of the stream: a bug in offsets)' : ''}`,
      { transient, grpcCode: code },
    );
  }

  /**
   * The RowError of a default-stream call whose chunk `first` had rows refused (`answer`), from what
   * is known of the chunks after it (`later`: the outcomes of those sent on this connection): a chunk
   * answered without error is written; one with row errors or an in-band error is not; one whose
   * answer was lost may be (reason `unknown`); one never sent is not (`stopped`).
   */
  #defaultRowError(
    first: number,
    answer: AppendAnswer,
    later: ReadonlyMap<number, { answer: AppendAnswer } | { error: unknown }>,
  ): RowError {
    const chunks = this.#state.chunks!;
    const failures: RowFailure[] = [];
    let refused = 0;
    for (let c = first; c < chunks.length; c++) {
      if (this.#state.written?.[c]) continue;
      const outcome = c === first ? { answer } : later.get(c);
      const bad = new Map(
        outcome !== undefined && 'answer' in outcome
          ? (outcome.answer.rowErrors ?? []).map((r) => [r.index, r.message] as const)
          : [],
      );
      refused += bad.size;
      chunks[c]!.rows.forEach((rowIndex, i) => {
        const reason: ErrorDetail = bad.has(i)
          ? { reason: 'invalid', message: bad.get(i) || 'row error' }
          : outcome !== undefined && 'error' in outcome
            ? {
                reason: 'unknown',
                message:
                  'the connection ended before BigQuery answered: these rows may or may not be written',
              }
            : { reason: 'stopped', message: 'not written because other rows were refused' };
        failures.push({ index: rowIndex, row: this.#spec.rows[rowIndex], reasons: [reason] });
      });
    }
    const written = this.#writtenCount();
    return new RowError(
      `writeRows(${this.#spec.tableName}): BigQuery refused ${refused} row(s); ${written} other row(s) were written`,
      { table: this.#spec.tableName, writtenRows: written, failures },
    );
  }

  #markWritten(chunk: number): void {
    const state = this.#state;
    state.written ??= [];
    state.written[chunk] = true;
  }

  /** Rows known to be written: the acknowledged prefix and, in default mode, chunks written past it. */
  #writtenCount(): number {
    const state = this.#state;
    if (!state.chunks) return 0;
    let n = this.#writtenBefore(state.acked);
    state.written?.forEach((done, c) => {
      if (done && c >= state.acked) n += state.chunks![c]!.rows.length;
    });
    return n;
  }

  #writtenBefore(chunkIndex: number): number {
    const chunks = this.#state.chunks!;
    let n = 0;
    for (let c = 0; c < chunkIndex; c++) n += chunks[c]!.rows.length;
    return n;
  }

  /**
   * Sends the commit; once one was sent, reads the stream's state before sending another (a stream
   * commits at most once, so a resent commit cannot write twice, but its answer would be
   * STREAM_ALREADY_COMMITTED, not a commit time).
   */
  async #commit(attempt: RetryContext): Promise<WriteResult> {
    const state = this.#state;
    if (state.commitSent && (await this.#readCommitted(attempt))) return this.#result();
    state.commitSent = true;
    state.commitOutcome = 'unknown';
    let answer: {
      commitTime?: unknown;
      streamErrors?: Array<{ code?: unknown; entity?: string; errorMessage?: string }>;
    };
    try {
      [answer] = (await this.#unary(attempt, 'BatchCommitWriteStreams', () =>
        this.#client.batchCommitWriteStreams(
          { parent: this.#spec.parent, writeStreams: [state.stream!] },
          this.#callOptions(),
        ),
      )) as unknown as [typeof answer];
    } catch (error) {
      // The commit may have been applied and its answer lost: read the stream before anything else.
      if (attempt.signal?.aborted) throw error;
      if (await this.#readCommitted(attempt)) return this.#result();
      throw error;
    }
    const commitTime = dateOf(answer?.commitTime);
    if (commitTime) {
      state.commitTime = commitTime;
      state.commitOutcome = 'committed';
      return this.#result();
    }
    // A failed commit is a successful answer without commit_time.
    const first = answer?.streamErrors?.[0];
    const code = String(first?.code ?? 'STORAGE_ERROR_CODE_UNSPECIFIED') as StorageErrorCode;
    // STREAM_ALREADY_COMMITTED on our own stream: an earlier commit whose answer was lost.
    if (code === 'STREAM_ALREADY_COMMITTED' && (await this.#readCommitted(attempt))) return this.#result();
    state.commitOutcome = 'refused';
    throw this.#error(
      code,
      `BatchCommitWriteStreams did not commit ${state.stream}: ${code}${first?.errorMessage ? ` (${first.errorMessage})` : ''}; none of its rows are visible`,
      { transient: false, ...(first?.entity ? { entity: first.entity } : {}) },
    );
  }

  /**
   * Whether the stream is committed (GetWriteStream `commit_time`), read with its own short retries
   * so that a flaky read does not end the call with the commit's outcome unknown.
   */
  async #readCommitted(attempt: RetryContext): Promise<boolean> {
    const state = this.#state;
    let delayMs = COMMIT_READ_FIRST_DELAY_MS;
    for (let read = 1; ; read++) {
      try {
        const [stream] = (await this.#unary(attempt, 'GetWriteStream', () =>
          this.#client.getWriteStream({ name: state.stream, view: 'BASIC' }, this.#callOptions()),
        )) as unknown as [{ commitTime?: unknown }];
        const committed = dateOf(stream?.commitTime);
        if (committed) {
          state.commitTime = committed;
          state.commitOutcome = 'committed';
          return true;
        }
        state.commitOutcome = 'uncommitted';
        return false;
      } catch (error) {
        if (attempt.signal?.aborted || read >= COMMIT_READS || !isTransientError(error)) throw error;
        await this.#scope.clock.sleep(delayMs, attempt.signal);
        delayMs = Math.min(delayMs * 2, 2000);
      }
    }
  }

  /** One unary RPC, bounded by the attempt timeout and the attempt's signal. */
  #unary<T>(attempt: RetryContext, what: string, work: () => Promise<T>): Promise<T> {
    return this.#scope.request(attempt, `Storage Write ${what}`, () => work());
  }

  #callOptions(): Record<string, unknown> {
    return unaryCallOptions(this.#scope.requestTimeoutMs);
  }

  /** Abandons the stream (never committed): the next attempt starts over on a new one. */
  #restart(): void {
    const state = this.#state;
    if (state.commitSent) return;
    delete state.stream;
    delete state.schema;
    delete state.chunks;
    delete state.written;
    delete state.appendSent;
    state.acked = 0;
    state.finalized = false;
  }

  #error(
    storageCode: StorageErrorCode,
    message: string,
    extra: { transient?: boolean; grpcCode?: number; entity?: string },
  ): StorageError {
    const state = this.#state;
    const written = this.#spec.mode === 'atomic' ? 0 : this.#writtenCount();
    return new StorageError(message, {
      storageCode,
      table: this.#spec.tableName,
      ...(state.stream ? { stream: state.stream } : {}),
      writtenRows: written,
      ...extra,
    });
  }
}
