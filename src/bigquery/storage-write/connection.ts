/**
 * One AppendRows connection (a gRPC bidi stream) driven directly: requests are pipelined within
 * flow-control limits (requests and bytes in flight), each response settles the oldest request
 * (the service answers in order), every request has a timeout, and when the connection ends for
 * any reason every request still in flight is rejected: nothing is left hanging.
 * @module
 */
import { OperationTimeoutError, StorageError } from '../../errors/index.js';
import type { Clock } from '../../retry/index.js';
import { scheduleOn } from '../../retry/schedule.js';
import type { BigQueryWriteClient } from './client.js';

/** What one append was answered with. */
export interface AppendAnswer {
  /** The offset the rows were written at (absent on the default stream). */
  offset?: number;
  /** An in-band error: the rows of this request were not written. */
  error?: { code: number; message: string };
  /** Rows of the request that do not fit the schema, by their index in the request. */
  rowErrors?: Array<{ index: number; message: string }>;
}

/** Limits and timing of a connection. */
export interface ConnectionOptions {
  maxInflightRequests: number;
  maxInflightBytes: number;
  /** A request unanswered after this long ends the connection (transient). */
  timeoutMs: number;
  clock: Clock;
  /** The table, for error messages. */
  table: string;
}

/**
 * gRPC codes worth resending after: the ones the Storage Write docs say to reconnect on (CANCELLED,
 * DEADLINE_EXCEEDED, ABORTED, INTERNAL, UNAVAILABLE) and RESOURCE_EXHAUSTED, a quota, in-band or as
 * the connection's status (transient on every unary call too: a quota must not dead-letter a batch).
 */
export const RETRYABLE_CONNECTION_CODES: ReadonlySet<number> = new Set([1, 4, 8, 10, 13, 14]);

interface Pending {
  resolve(answer: AppendAnswer): void;
  reject(error: unknown): void;
  bytes: number;
  cancelTimer: () => void;
}

interface DuplexCall {
  write(request: unknown): boolean;
  end(): void;
  cancel?(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeAllListeners?(): unknown;
}

function numberOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = typeof value === 'object' ? (value as { value?: unknown }).value : value;
  if (raw === undefined || raw === null) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/** No timer for an unbounded wait; otherwise `scheduleOn`, whose cancel never throws. */
function schedule(clock: Clock, ms: number, fn: () => void): () => void {
  if (!Number.isFinite(ms)) return () => undefined;
  return scheduleOn(clock, ms, fn);
}

/** An AppendRows connection to one write stream. */
export class AppendConnection {
  readonly stream: string;
  readonly #options: ConnectionOptions;
  readonly #descriptor: Record<string, unknown>;
  readonly #call: DuplexCall;
  readonly #inflight: Pending[] = [];
  #bytes = 0;
  #first = true;
  #failure: unknown;
  readonly #waiters: Array<() => void> = [];

  constructor(
    client: BigQueryWriteClient,
    stream: string,
    descriptor: Record<string, unknown>,
    options: ConnectionOptions,
  ) {
    this.stream = stream;
    this.#descriptor = descriptor;
    this.#options = options;
    // The low-level call adds no routing header; the service routes by it.
    this.#call = client.appendRows({
      otherArgs: { headers: { 'x-goog-request-params': `write_stream=${stream}` } },
    }) as unknown as DuplexCall;
    this.#call.on('data', (response: Record<string, unknown>) => this.#onData(response));
    this.#call.on('error', (error: unknown) => this.#fail(this.#lost(error)));
    // A server that ends the call with OK leaves `end` only: the requests in flight will never be answered.
    this.#call.on('end', () => this.#fail(this.#lost(undefined)));
    this.#call.on('close', () => this.#fail(this.#lost(undefined)));
  }

  /** Whether the connection can still take requests. */
  get open(): boolean {
    return this.#failure === undefined;
  }

  /**
   * Resolves once a request of `bytes` fits the flow-control window (or the connection failed:
   * check `open`). Call it, then `send`, one request after the other, so that requests go out in
   * the order their offsets were planned.
   */
  async ready(bytes: number): Promise<void> {
    while (
      this.#failure === undefined &&
      this.#inflight.length > 0 &&
      (this.#inflight.length >= this.#options.maxInflightRequests ||
        this.#bytes + bytes > this.#options.maxInflightBytes)
    ) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Writes one request now and resolves with its answer; rejects when the connection ends first. */
  send(rows: readonly Uint8Array[], offset: number | undefined): Promise<AppendAnswer> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const bytes = rows.reduce((n, r) => n + r.length, 0);
    const request: Record<string, unknown> = {
      writeStream: this.stream,
      protoRows: {
        ...(this.#first ? { writerSchema: { protoDescriptor: this.#descriptor } } : {}),
        rows: { serializedRows: rows },
      },
    };
    if (offset !== undefined) request.offset = { value: offset };
    this.#first = false;
    return new Promise<AppendAnswer>((resolve, reject) => {
      const pending: Pending = {
        resolve,
        reject,
        bytes,
        cancelTimer: schedule(this.#options.clock, this.#options.timeoutMs, () =>
          this.#fail(
            new OperationTimeoutError(
              `BigQuery AppendRows to ${this.#options.table} did not answer within ${this.#options.timeoutMs} ms; the connection was abandoned`,
              { timeoutMs: this.#options.timeoutMs },
            ),
          ),
        ),
      };
      this.#inflight.push(pending);
      this.#bytes += bytes;
      try {
        this.#call.write(request);
      } catch (error) {
        this.#fail(this.#lost(error));
      }
    });
  }

  /** Ends the connection; requests still in flight are rejected (transient: they may be resent). */
  close(reason?: unknown): void {
    this.#fail(reason ?? this.#lost(undefined));
  }

  #onData(response: Record<string, unknown>): void {
    const pending = this.#inflight.shift();
    if (!pending) return;
    this.#settle(pending);
    const error = response.error as { code?: number; message?: string } | null | undefined;
    const rowErrors = (response.rowErrors as Array<{ index?: unknown; message?: string }> | undefined) ?? [];
    if (response.response === 'error' || (error && typeof error.code === 'number' && error.code !== 0)) {
      const answer: AppendAnswer = { error: { code: error?.code ?? 2, message: error?.message ?? '' } };
      if (rowErrors.length > 0) {
        answer.rowErrors = rowErrors.map((r) => ({
          index: numberOf(r.index) ?? -1,
          message: r.message ?? '',
        }));
      }
      pending.resolve(answer);
      return;
    }
    const result = response.appendResult as { offset?: unknown } | undefined;
    const offset = numberOf(result?.offset);
    pending.resolve(offset === undefined ? {} : { offset });
  }

  #settle(pending: Pending): void {
    pending.cancelTimer();
    this.#bytes -= pending.bytes;
    const waiter = this.#waiters.shift();
    waiter?.();
  }

  #lost(error: unknown): StorageError {
    const code = (error as { code?: unknown } | undefined)?.code;
    const grpcCode = typeof code === 'number' ? code : undefined;
    const details = (error as { details?: unknown } | undefined)?.details;
    const unanswered = this.#inflight.length;
    return new StorageError(
      grpcCode === undefined
        ? `The AppendRows connection to ${this.stream} ended with ${unanswered} append(s) unanswered`
        : `The AppendRows connection to ${this.stream} failed with gRPC ${grpcCode}${details ? `: ${String(details)}` : ''} (${unanswered} append(s) unanswered)`,
      {
        storageCode: 'CONNECTION_LOST',
        table: this.#options.table,
        stream: this.stream,
        ...(grpcCode === undefined ? {} : { grpcCode }),
        // A close without a status (server OK end, client end) and the codes above are retryable.
        transient: grpcCode === undefined || RETRYABLE_CONNECTION_CODES.has(grpcCode),
        ...(error === undefined ? {} : { cause: error }),
      },
    );
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const pending = this.#inflight.splice(0);
    this.#bytes = 0;
    for (const p of pending) {
      p.cancelTimer();
      p.reject(error);
    }
    for (const waiter of this.#waiters.splice(0)) waiter();
    try {
      this.#call.end();
    } catch {
      // The call may already be gone.
    }
    try {
      this.#call.cancel?.();
    } catch {
      // Cancelling a finished call is a no-op in gax; anything else is not ours to report.
    }
  }
}
