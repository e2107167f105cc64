/**
 * The write streams of the Storage Write stand-in over the BigQuery stand-in's catalog: `_default`
 * and COMMITTED streams make rows visible as they are appended, PENDING streams hold them until
 * `BatchCommitWriteStreams`, BUFFERED streams until `FlushRows`. Offsets are checked as the service
 * documents them (ALREADY_EXISTS below the end, OUT_OF_RANGE beyond it).
 * @module
 */

import { type RpcStatusError, rpcError } from '../../shared/grpc-status.js';
import { toWireTimestamp } from '../../shared/timestamp.js';
import type { Engine, TableMeta } from '../engine.js';
import { storageTableSchema } from './rows.js';

/** A stream type as the Storage API names it. */
export type WriteStreamType = 'COMMITTED' | 'PENDING' | 'BUFFERED';

/** One write stream's state. */
export interface WriteStreamState {
  readonly name: string;
  readonly table: TableMeta;
  readonly type: WriteStreamType;
  readonly createTime: Date;
  commitTime?: Date;
  finalized: boolean;
  /**
   * Rows appended so far: the next offset. It moves when an append is checked (so pipelined appends
   * take their offsets in order) and moves back if storing the rows fails.
   */
  end: number;
  /** The stores of this stream's visible appends, chained so they apply in offset order. */
  stores: Promise<void>;
  /** Bumped when a store fails: the appends checked before that against later offsets fail too. */
  generation: number;
  /** Rows appended but not visible yet (PENDING until commit, BUFFERED until flushed). */
  held: unknown[][];
  /** BUFFERED: rows made visible by FlushRows. */
  flushed: number;
}

/** An in-band error of an AppendRows response (`google.rpc.Status`). */
export interface InBandError {
  code: number;
  message: string;
}

const STREAM_NAME = /^projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)\/streams\/([^/]+)$/;
const TABLE_NAME = /^projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/;
const DEFAULT_STREAM = '_default';

/** The write streams of one stand-in. */
export class WriteStreams {
  readonly #engine: Engine;
  readonly #streams = new Map<string, WriteStreamState>();
  #counter = 0;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  /** The table a `projects/p/datasets/d/tables/t` parent names; NOT_FOUND when it does not exist. */
  table(parent: string): TableMeta {
    const m = TABLE_NAME.exec(parent ?? '');
    if (!m) throw rpcError('INVALID_ARGUMENT', `Invalid table name: ${JSON.stringify(parent)}`);
    const meta = this.#engine.catalog.findTable({ projectId: m[1]!, datasetId: m[2]!, tableId: m[3]! });
    if (!meta) throw rpcError('NOT_FOUND', `Table not found: ${parent}`);
    if (meta.resource.type === 'VIEW' || meta.resource.type === 'MATERIALIZED_VIEW') {
      throw rpcError('INVALID_ARGUMENT', `Cannot write to ${parent}: it is a view`);
    }
    return meta;
  }

  create(parent: string, type: string | undefined): WriteStreamState {
    const table = this.table(parent);
    if (type !== 'COMMITTED' && type !== 'PENDING' && type !== 'BUFFERED') {
      throw rpcError(
        'INVALID_ARGUMENT',
        `WriteStream type must be COMMITTED, PENDING or BUFFERED, got ${type}`,
      );
    }
    this.#counter++;
    const now = new Date();
    const state: WriteStreamState = {
      name: `${parent}/streams/s${this.#counter.toString(36)}_${Math.random().toString(36).slice(2, 10)}`,
      table,
      type,
      createTime: now,
      finalized: false,
      end: 0,
      held: [],
      flushed: 0,
      stores: Promise.resolve(),
      generation: 0,
      ...(type === 'COMMITTED' ? { commitTime: now } : {}),
    };
    this.#streams.set(state.name, state);
    return state;
  }

  /** The stream a name refers to (`_default` is implicit per table), or a status error. */
  get(name: string): WriteStreamState | RpcStatusError {
    const existing = this.#streams.get(name);
    if (existing) return existing;
    const m = STREAM_NAME.exec(name ?? '');
    if (!m) return rpcError('INVALID_ARGUMENT', `Invalid stream name: ${JSON.stringify(name)}`);
    if (m[4] !== DEFAULT_STREAM) return rpcError('NOT_FOUND', `Stream not found: ${name}`);
    let table: TableMeta;
    try {
      table = this.table(`projects/${m[1]}/datasets/${m[2]}/tables/${m[3]}`);
    } catch (error) {
      return error as RpcStatusError;
    }
    const state: WriteStreamState = {
      name,
      table,
      type: 'COMMITTED',
      createTime: new Date(table.creationTime),
      commitTime: new Date(table.creationTime),
      finalized: false,
      end: 0,
      held: [],
      flushed: 0,
      stores: Promise.resolve(),
      generation: 0,
    };
    this.#streams.set(name, state);
    return state;
  }

  /** The `WriteStream` message (FULL view with the table schema). */
  resource(state: WriteStreamState, full: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: state.name,
      type: state.type,
      createTime: toWireTimestamp(state.createTime),
      writeMode: 'INSERT',
      location: this.#engine.location,
    };
    if (state.commitTime) out.commitTime = toWireTimestamp(state.commitTime);
    if (full) out.tableSchema = storageTableSchema(state.table.schema);
    return out;
  }

  /**
   * Checks an append's offset and stream state; on success reserves the rows and returns a promise
   * that settles once they are stored (visible for `_default` and COMMITTED streams). The check and
   * the reservation happen synchronously, so appends are applied in the order they are checked.
   * The append is atomic: when the store fails (`storeError` injects such a failure), the stream's
   * end moves back to the append's offset, and the appends already checked against later offsets
   * fail as well, so no offset is ever counted as written without its rows.
   */
  append(
    state: WriteStreamState,
    offset: number | undefined,
    rows: unknown[][],
    storeError?: Error,
  ): { offset: number | undefined; stored: Promise<void> } | InBandError {
    const isDefault = state.name.endsWith(`/streams/${DEFAULT_STREAM}`);
    if (isDefault && offset !== undefined) {
      return { code: 3, message: `Offset is not allowed on the default stream: ${state.name}` };
    }
    if (state.finalized || (state.type === 'PENDING' && state.commitTime)) {
      return { code: 3, message: `Stream is finalized: ${state.name} (STREAM_FINALIZED)` };
    }
    if (offset !== undefined && offset < state.end) {
      return {
        code: 6,
        message: `Offset ${offset} already exists in ${state.name}; the end is ${state.end} (OFFSET_ALREADY_EXISTS)`,
      };
    }
    if (offset !== undefined && offset > state.end) {
      return {
        code: 11,
        message: `Offset ${offset} is beyond the end ${state.end} of ${state.name} (OFFSET_OUT_OF_RANGE)`,
      };
    }
    const first = state.end;
    state.end += rows.length;
    if (state.type === 'COMMITTED') {
      const generation = state.generation;
      const stored = state.stores
        .then(async () => {
          // An earlier append of this stream failed to store: this one's offset is past the end now.
          if (!isDefault && state.generation !== generation) {
            throw new Error(
              `Offset ${first} is beyond the end ${state.end} of ${state.name}: an earlier append failed`,
            );
          }
          if (storeError) throw storeError;
          await this.#engine.appendChecked([{ table: state.table, rows }]);
        })
        .catch((error: unknown) => {
          if (isDefault) state.end -= rows.length;
          else if (state.generation === generation) {
            state.generation++;
            state.end = first;
          }
          throw error;
        });
      state.stores = stored.catch(() => undefined);
      return { offset: isDefault ? undefined : first, stored };
    }
    if (storeError) {
      state.end = first;
      return { offset: first, stored: Promise.reject(storeError) };
    }
    state.held.push(...rows);
    return { offset: first, stored: Promise.resolve() };
  }

  /** Refuses further appends; the row count is read once the appends already checked are stored (or rolled back). */
  async finalize(name: string): Promise<number> {
    const state = this.#required(name);
    if (state.name.endsWith(`/streams/${DEFAULT_STREAM}`)) {
      throw rpcError('INVALID_ARGUMENT', `FinalizeWriteStream is not supported on the default stream`);
    }
    state.finalized = true;
    await state.stores;
    return state.end;
  }

  /**
   * Commits PENDING streams all or nothing. A failed commit is a successful answer with
   * `streamErrors` and no `commitTime`, as the service does it.
   */
  async commit(parent: string, names: readonly string[]): Promise<Record<string, unknown>> {
    this.table(parent);
    const streamErrors: Array<Record<string, unknown>> = [];
    const states: WriteStreamState[] = [];
    for (const name of names) {
      const state = this.#streams.get(name);
      const error = (code: string, message: string) =>
        streamErrors.push({ code, entity: name, errorMessage: message });
      if (!state) error('STREAM_NOT_FOUND', `Stream not found: ${name}`);
      else if (state.type !== 'PENDING') error('INVALID_STREAM_TYPE', `Stream is not PENDING: ${name}`);
      else if (state.commitTime) error('STREAM_ALREADY_COMMITTED', `Stream already committed: ${name}`);
      else if (!state.finalized) error('INVALID_STREAM_STATE', `Stream is not finalized: ${name}`);
      else states.push(state);
    }
    if (streamErrors.length > 0 || names.length === 0) {
      if (names.length === 0) throw rpcError('INVALID_ARGUMENT', 'No write streams to commit');
      return { streamErrors };
    }
    const now = new Date();
    // Marked committed before the rows are stored, so that a concurrent commit of the same stream
    // is refused rather than applied twice.
    const writes = states.map((state) => {
      state.commitTime = now;
      const rows = state.held;
      state.held = [];
      return { table: state.table, rows };
    });
    await this.#engine.appendChecked(writes);
    return { commitTime: toWireTimestamp(now), streamErrors: [] };
  }

  /** BUFFERED streams: makes the rows up to and including `offset` visible. */
  async flush(name: string, offset: number | undefined): Promise<number> {
    const state = this.#required(name);
    if (state.type !== 'BUFFERED') {
      throw rpcError('INVALID_ARGUMENT', `FlushRows is only supported on BUFFERED streams: ${name}`);
    }
    const upTo = offset ?? state.end - 1;
    if (upTo >= state.end) {
      throw rpcError('OUT_OF_RANGE', `Offset ${upTo} is beyond the end ${state.end} of ${name}`);
    }
    const count = upTo + 1 - state.flushed;
    if (count > 0) {
      const rows = state.held.splice(0, count);
      state.flushed += count;
      await this.#engine.appendChecked([{ table: state.table, rows }]);
    }
    return upTo;
  }

  #required(name: string): WriteStreamState {
    const state = this.get(name);
    if (state instanceof Error) throw state;
    return state;
  }
}
