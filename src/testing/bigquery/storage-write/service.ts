/**
 * The `google.cloud.bigquery.storage.v1.BigQueryWrite` handlers of the Storage Write stand-in:
 * unary RPCs with faults (status, lost answer, latency, hang) and the AppendRows bidi stream, which
 * answers in order, one response per request, with offsets, in-band errors and row errors.
 * @module
 */
import type * as Grpc from '@grpc/grpc-js';
import type { Msg } from '../../shared/grpc-server.js';
import { toStatus } from '../../shared/grpc-server.js';
import { GRPC_STATUS_CODES } from '../../shared/grpc-status.js';
import { checkRow } from '../values.js';
import type { StorageWriteFault, StorageWriteMethod } from './faults.js';
import type { StorageWritePeers } from './proto.js';
import { type RowDecoder, rowDecoder, toInsertJson } from './rows.js';
import type { WriteStreams } from './streams.js';

/**
 * One RPC the Storage Write stand-in received; for AppendRows, every request on a connection.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn({ storageWrite: true });
 * const appends = standIn.storageWrite.requests.filter((r) => r.method === 'AppendRows');
 * const lost = appends.filter((r) => r.fault?.served).length;
 * ```
 */
export interface StorageWriteRequestLogEntry {
  method: StorageWriteMethod;
  /** The decoded request (proto-loader objects: camelCase, int64 as strings, bytes as Buffer). */
  request: Readonly<Record<string, unknown>>;
  /** The fault that acted on it, if any. */
  fault?: StorageWriteFault;
}

/** What the handlers share. */
export interface StorageWriteContext {
  peers: StorageWritePeers;
  streams: WriteStreams;
  faults: { take(method: StorageWriteMethod): StorageWriteFault | undefined };
  requests: StorageWriteRequestLogEntry[];
  /** Schedules `fn` after `ms` (cleared on close). */
  later(ms: number, fn: () => void): void;
  closed(): boolean;
}

const STAND_IN = 'BigQuery Storage Write';
/** The Storage Write API's request limit. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

function record(
  ctx: StorageWriteContext,
  method: StorageWriteMethod,
  request: Msg,
): StorageWriteFault | undefined {
  const entry: StorageWriteRequestLogEntry = { method, request };
  ctx.requests.push(entry);
  const fault = ctx.faults.take(method);
  if (fault) entry.fault = fault;
  return fault;
}

function int64(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(typeof value === 'object' ? (value as { value?: unknown }).value : value);
  return Number.isFinite(n) ? n : undefined;
}

type UnaryImpl = (request: Msg) => Msg | Promise<Msg>;

function unary(
  ctx: StorageWriteContext,
  method: StorageWriteMethod,
  impl: UnaryImpl,
): Grpc.handleUnaryCall<Msg, Msg> {
  return (call, callback) => {
    const fault = record(ctx, method, call.request);
    if (fault?.hang) return;
    const answer = (error: Partial<Grpc.StatusObject> | null, value?: Msg) => {
      if (ctx.closed()) return;
      if (fault?.delayMs) ctx.later(fault.delayMs, () => callback(error, value));
      else callback(error, value);
    };
    if (fault?.code !== undefined && !fault.served)
      return answer({ code: fault.code, details: fault.message ?? '' });
    Promise.resolve()
      .then(() => impl(call.request))
      .then(
        (value) => {
          if (fault?.code !== undefined) answer({ code: fault.code, details: fault.message ?? '' });
          else answer(null, value);
        },
        (error: unknown) => {
          // A lost answer loses the call's own error too.
          if (fault?.code !== undefined) answer({ code: fault.code, details: fault.message ?? '' });
          else answer(toStatus(error, STAND_IN));
        },
      );
  };
}

function unaryHandlers(ctx: StorageWriteContext): Record<string, Grpc.handleUnaryCall<Msg, Msg>> {
  const { streams } = ctx;
  const existing = (name: string) => {
    const state = streams.get(name);
    if (state instanceof Error) throw state;
    return state;
  };
  return {
    CreateWriteStream: unary(ctx, 'CreateWriteStream', (req) =>
      streams.resource(streams.create(req.parent, req.writeStream?.type), true),
    ),
    GetWriteStream: unary(ctx, 'GetWriteStream', (req) =>
      streams.resource(existing(req.name), req.view === 'FULL'),
    ),
    FinalizeWriteStream: unary(ctx, 'FinalizeWriteStream', async (req) => ({
      rowCount: String(await streams.finalize(req.name)),
    })),
    BatchCommitWriteStreams: unary(ctx, 'BatchCommitWriteStreams', (req) =>
      streams.commit(req.parent, req.writeStreams ?? []),
    ),
    FlushRows: unary(ctx, 'FlushRows', async (req) => ({
      offset: String(await streams.flush(req.writeStream, int64(req.offset))),
    })),
  };
}

/** Per-connection state of an AppendRows call. */
interface Connection {
  stream?: string;
  decoder?: RowDecoder;
  /** Set once the connection ended (by us or the client): later requests are dropped. */
  done: boolean;
  /**
   * Set by a `hang` fault: the service answers a connection's requests in order, so nothing after
   * a request that is never answered is applied or answered either (the connection is stuck).
   */
  stuck?: boolean;
  /** Requests are checked and applied one after another, in arrival order. */
  work: Promise<void>;
  /** Responses are written one after another, each not before its due time. */
  replies: Promise<void>;
}

function appendRowsHandler(ctx: StorageWriteContext): Grpc.handleBidiStreamingCall<Msg, Msg> {
  return (call) => {
    const conn: Connection = { done: false, work: Promise.resolve(), replies: Promise.resolve() };
    const fail = (code: number, details: string) => {
      if (conn.done) return;
      conn.done = true;
      // emit('error') sends the status; destroy(err) reached no client in our runs.
      call.emit('error', Object.assign(new Error(details), { code, details }));
    };
    const reply = (response: Msg, dueAt: number) => {
      conn.replies = conn.replies.then(
        () =>
          new Promise<void>((resolve) => {
            const send = () => {
              if (!conn.done && !ctx.closed()) call.write(response);
              resolve();
            };
            const wait = dueAt - Date.now();
            if (wait > 0) ctx.later(wait, send);
            else send();
          }),
      );
    };
    call.on('data', (request: Msg) => {
      const arrived = Date.now();
      const fault = record(ctx, 'AppendRows', request);
      conn.work = conn.work.then(() => handle(request, fault, arrived + (fault?.delayMs ?? 0)));
    });
    call.on('end', () => {
      conn.work
        .then(() => conn.replies)
        .then(() => {
          if (!conn.done) {
            conn.done = true;
            call.end();
          }
        });
    });
    call.on('cancelled', () => {
      conn.done = true;
    });
    call.on('error', () => {
      conn.done = true;
    });

    const handle = async (
      request: Msg,
      fault: StorageWriteFault | undefined,
      dueAt: number,
    ): Promise<void> => {
      if (conn.done || conn.stuck || ctx.closed()) return;
      if (fault?.hang) {
        conn.stuck = true;
        return;
      }
      if (fault?.code !== undefined && !fault.served && !fault.inBand && !fault.storeFails) {
        await conn.replies;
        return fail(fault.code, fault.message ?? '');
      }
      if (typeof request.writeStream === 'string' && request.writeStream !== '') {
        if (conn.stream !== undefined && conn.stream !== request.writeStream) conn.decoder = undefined;
        conn.stream = request.writeStream;
      }
      if (conn.stream === undefined) {
        return fail(
          GRPC_STATUS_CODES.INVALID_ARGUMENT,
          'The first AppendRows request must name write_stream',
        );
      }
      const state = ctx.streams.get(conn.stream);
      if (state instanceof Error) return fail(state.code, state.details);
      const respond = (body: Msg) => reply({ ...body, writeStream: state.name }, dueAt);
      if (fault?.inBand) {
        return respond({ error: { code: fault.code, message: fault.message, details: [] } });
      }
      const descriptor = request.protoRows?.writerSchema?.protoDescriptor;
      if (conn.decoder === undefined) {
        if (!descriptor) {
          return respond({
            error: {
              code: 3,
              message: 'writer_schema is required on the first request of a connection',
              details: [],
            },
          });
        }
        try {
          conn.decoder = rowDecoder(ctx.peers, descriptor);
        } catch (error) {
          return respond({
            error: { code: 3, message: `Invalid proto descriptor: ${(error as Error).message}`, details: [] },
          });
        }
      }
      const serialized: Buffer[] = request.protoRows?.rows?.serializedRows ?? [];
      const size = serialized.reduce((n, b) => n + b.length, 0);
      if (size > MAX_REQUEST_BYTES) {
        return respond({
          error: { code: 3, message: `AppendRows request too large: ${size} bytes`, details: [] },
        });
      }
      const values: unknown[][] = [];
      const rowErrors: Msg[] = [];
      serialized.forEach((bytes, index) => {
        const decoded = conn.decoder!.decode(bytes);
        if ('problem' in decoded) {
          rowErrors.push({ index: String(index), code: 'FIELDS_ERROR', message: decoded.problem });
          return;
        }
        const checked = checkRow(toInsertJson(decoded.row, state.table.schema), state.table.schema, false);
        if (checked.problems.length > 0) {
          rowErrors.push({
            index: String(index),
            code: 'FIELDS_ERROR',
            message: checked.problems.map((p) => p.message).join('; '),
          });
        } else values.push(checked.values);
      });
      if (rowErrors.length > 0) {
        return respond({
          error: {
            code: 3,
            message: `${rowErrors.length} row(s) do not fit the schema of ${state.table.tableId}`,
            details: [],
          },
          rowErrors,
        });
      }
      const storeError = fault?.storeFails
        ? new Error(fault.message ?? 'stand-in fault: store failed')
        : undefined;
      const result = ctx.streams.append(state, int64(request.offset), values, storeError);
      if ('code' in result) return respond({ error: { ...result, details: [] } });
      try {
        await result.stored;
      } catch (error) {
        const code = error === storeError ? (fault?.code ?? 13) : 13;
        return respond({ error: { code, message: String((error as Error).message), details: [] } });
      }
      if (fault?.served && fault.code !== undefined) {
        await conn.replies;
        return fail(fault.code, fault.message ?? '');
      }
      respond({
        appendResult: result.offset === undefined ? {} : { offset: { value: String(result.offset) } },
      });
    };
  };
}

/** Every handler of the service, wrapped with the request log and the fault plan. */
export function storageWriteImplementation(ctx: StorageWriteContext): Grpc.UntypedServiceImplementation {
  return { ...unaryHandlers(ctx), AppendRows: appendRowsHandler(ctx) };
}
