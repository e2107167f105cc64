import type { RowFailure } from '../../../src/errors/index.js';
import type {
  RegistryExecutor,
  RegistryInsertOptions,
  RegistryQueryOptions,
} from '../../../src/registry/index.js';

/** A row of the players registry as the reader reads it. */
export interface RegistryRow {
  player_lookup: string;
  universal_player_id: string | null;
  player_type: string;
  processed_at: number;
}

/** What one insertRows call does. */
export type InsertBehavior =
  | { kind: 'ok' }
  | { kind: 'throw'; error: unknown; applied?: boolean }
  | { kind: 'reject-rows'; indexes: number[]; reason?: string };

export interface QueryCall {
  sql: string;
  params: Record<string, unknown>;
}

export interface InsertCall {
  table: string;
  rows: Array<Record<string, unknown>>;
  ids: string[];
  options: { skipInvalidRows?: boolean; throwOnFailure?: boolean };
}

/**
 * An in-memory implementation of the registry's own `RegistryExecutor` interface (not a mock of a
 * Google client): it answers the reader's two query shapes from `registry`, and stores inserted rows
 * de-duplicated by insert id as BigQuery does.
 */
export class MemoryExecutor implements RegistryExecutor {
  readonly registry: RegistryRow[] = [];
  readonly queries: QueryCall[] = [];
  readonly inserts: InsertCall[] = [];
  /** Rows in the "table", keyed by insert id: a re-sent id is dropped, as BigQuery does. */
  readonly stored = new Map<string, Record<string, unknown>>();
  readonly queryFailures: unknown[] = [];
  readonly insertPlan: InsertBehavior[] = [];
  /** Called inside insertRows before it answers (to act "while the insert is in flight"). */
  duringInsert: (() => void) | undefined;

  async query<T = Record<string, unknown>>(sql: string, options?: RegistryQueryOptions): Promise<T[]> {
    const params = options?.params ?? {};
    this.queries.push({ sql, params });
    await Promise.resolve();
    if (this.queryFailures.length > 0) throw this.queryFailures.shift();
    const type = params.player_type as string | undefined;
    const matches = (row: RegistryRow, lookups: unknown[]) =>
      lookups.includes(row.player_lookup) &&
      (type === undefined || row.player_type === type) &&
      row.universal_player_id !== null;
    if ('player_lookup' in params) {
      const rows = this.registry
        .filter((row) => matches(row, [params.player_lookup]))
        .sort((a, b) => b.processed_at - a.processed_at)
        .slice(0, 1)
        .map((row) => ({ universal_player_id: row.universal_player_id }));
      return rows as T[];
    }
    if ('player_lookups' in params) {
      const rows = this.registry
        .filter((row) => matches(row, params.player_lookups as unknown[]))
        .sort((a, b) => a.player_lookup.localeCompare(b.player_lookup) || b.processed_at - a.processed_at)
        .map((row) => ({ player_lookup: row.player_lookup, universal_player_id: row.universal_player_id }));
      return rows as T[];
    }
    throw new Error(`MemoryExecutor: unexpected query ${sql}`);
  }

  async insertRows<R>(
    table: string,
    rows: R[],
    options?: RegistryInsertOptions<R>,
  ): Promise<{ inserted: number; failed: RowFailure[] }> {
    const ids = rows.map((row, index) => options?.insertId?.(row, index) ?? `generated-${Math.random()}`);
    this.inserts.push({
      table,
      rows: rows.map((row) => ({ ...(row as Record<string, unknown>) })),
      ids,
      options: { skipInvalidRows: options?.skipInvalidRows, throwOnFailure: options?.throwOnFailure },
    });
    this.duringInsert?.();
    await Promise.resolve();
    const behavior = this.insertPlan.shift() ?? { kind: 'ok' };
    if (behavior.kind === 'throw') {
      if (behavior.applied) this.#store(rows, ids, []);
      throw behavior.error;
    }
    const rejected = behavior.kind === 'reject-rows' ? behavior.indexes : [];
    this.#store(rows, ids, rejected);
    const failed: RowFailure[] = rejected.map((index) => ({
      index,
      row: rows[index],
      insertId: ids[index] as string,
      reasons: [
        {
          reason: behavior.kind === 'reject-rows' ? (behavior.reason ?? 'invalid') : 'invalid',
          message: 'rejected',
        },
      ],
    }));
    return { inserted: rows.length - rejected.length, failed };
  }

  /** Stored rows as a plain list. */
  rowsInTable(): Array<Record<string, unknown>> {
    return [...this.stored.values()];
  }

  #store<R>(rows: R[], ids: string[], rejected: number[]): void {
    rows.forEach((row, index) => {
      const id = ids[index] as string;
      if (rejected.includes(index) || this.stored.has(id)) return;
      this.stored.set(id, { ...(row as Record<string, unknown>) });
    });
  }
}

/** A minimal clock for the registry: time only moves when told to. */
export function fakeClock(startMs = Date.UTC(2026, 0, 20, 17, 0, 0)) {
  let now = startMs;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

export { recordingLogger } from '../../helpers/recording-logger.js';

/** A raw error shaped like the ones @google-cloud/bigquery throws for a 503. */
export function googleServiceUnavailable(): Error {
  return Object.assign(new Error('Service temporarily unavailable'), {
    code: 503,
    errors: [{ reason: 'backendError', message: 'Service temporarily unavailable' }],
  });
}

/** A raw error shaped like a permanent 403 access denied. */
export function googleAccessDenied(): Error {
  return Object.assign(new Error('Access Denied: Table x: User does not have permission'), {
    code: 403,
    errors: [{ reason: 'accessDenied', message: 'Access Denied' }],
  });
}
