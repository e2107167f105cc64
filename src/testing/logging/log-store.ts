import {
  evaluateFilter,
  FilterSyntaxError,
  type PatternCompiler,
  parseFilter,
} from '../../monitoring/filter/index.js';
import type { Msg } from '../shared/grpc-server.js';
import { RpcStatusError, rpcError } from '../shared/grpc-status.js';
import { toWireTimestamp } from '../shared/timestamp.js';
import { entryView, type LoggingStandInEntry } from './entry-view.js';

/** `projects/{p}/logs/{id}` (also organizations, folders, billingAccounts), the id URL-encoded, up to 512 chars. */
const LOG_NAME = /^(projects|organizations|folders|billingAccounts)\/([^/]+)\/logs\/([^/]{1,512})$/;
const RESOURCE_NAME = /^(projects|organizations|folders|billingAccounts)\/[^/]+$/;
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
/**
 * Cloud Logging's limit on one entry, 256 KiB ("an approximate limit based on internal data sizes"):
 * measured here as the UTF-8 size of the entry's plain JSON (payload as an object, not a Struct).
 */
const MAX_ENTRY_BYTES = 256 * 1024;

interface Stored {
  wire: Msg;
  view: LoggingStandInEntry;
  /** `projects/p`: the resource the entry belongs to, from its log name. */
  parent: string;
}

/**
 * The Logging stand-in's entries: WriteLogEntries and ListLogEntries as the service answers them,
 * gRPC-agnostic so that the services stay thin.
 */
export class LogStore {
  readonly #entries: Stored[] = [];
  /** `duplicateKey` of every stored entry. */
  readonly #keys = new Set<string>();
  #nextInsertId = 1;

  /** `compilePattern` runs the filters' `=~` patterns (RE2 in the stand-in). */
  constructor(private readonly compilePattern: PatternCompiler) {}

  /**
   * Checks every entry, then stores them: all or nothing, unless `partialSuccess` asks for the valid
   * ones to be written anyway (the answer is then the first refusal, naming every refused entry).
   * `dryRun` checks and answers, and stores nothing.
   */
  write(request: Msg): void {
    const entries: Msg[] = request.entries ?? [];
    if (entries.length === 0)
      throw rpcError('INVALID_ARGUMENT', 'entries: at least one log entry is required');
    const now = new Date();
    const prepared: Stored[] = [];
    const refused: RpcStatusError[] = [];
    entries.forEach((entry, index) => {
      try {
        prepared.push(this.#prepare(entry, request, index, now));
      } catch (error) {
        if (!(error instanceof RpcStatusError)) throw error;
        refused.push(error);
      }
    });
    const [first] = refused;
    if (first && request.partialSuccess !== true) throw first;
    if (request.dryRun !== true) {
      for (const entry of prepared) {
        // Cloud Logging treats entries of one project with the same insertId and timestamp as
        // duplicates and lists one: a retried write (same ids) must not show up twice.
        const key = duplicateKey(entry);
        if (this.#keys.has(key)) continue;
        this.#keys.add(key);
        this.#entries.push(entry);
      }
    }
    if (first) {
      const details = refused.map((r) => r.details);
      throw rpcError(
        'INVALID_ARGUMENT',
        `${refused.length} of ${entries.length} entries were not written (partial_success): ${details.join('; ')}`,
      );
    }
  }

  list(request: Msg): { entries: Msg[]; nextPageToken: string } {
    const resourceNames: string[] = request.resourceNames ?? [];
    if (resourceNames.length === 0) {
      throw rpcError('INVALID_ARGUMENT', 'resource_names: at least one resource name is required');
    }
    for (const name of resourceNames) {
      if (!RESOURCE_NAME.test(name)) throw rpcError('INVALID_ARGUMENT', `Invalid resource name: ${name}`);
    }
    const pageSize = Number(request.pageSize ?? 0) || DEFAULT_PAGE_SIZE;
    if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      throw rpcError('INVALID_ARGUMENT', `page_size must be between 0 and ${MAX_PAGE_SIZE}, got ${pageSize}`);
    }
    const descending = orderIsDescending(request.orderBy);
    const filter = parse(request.filter, this.compilePattern);
    const matching = this.#entries
      .filter((entry) => resourceNames.includes(entry.parent))
      .filter((entry) => !filter || evaluateFilter(filter, entry.view))
      .sort((a, b) => {
        // Entries of the same timestamp in insertId order, as the service orders them (the client
        // gives each entry an increasing insertId for that reason). Nanoseconds are compared too.
        const diff =
          compareTimestamps(a.wire.timestamp, b.wire.timestamp) ||
          byInsertId(a.view.insertId, b.view.insertId);
        return descending ? -diff : diff;
      });
    const offset = decodePageToken(request.pageToken);
    const page = matching.slice(offset, offset + pageSize);
    const next = offset + page.length;
    return {
      entries: page.map((entry) => entry.wire),
      nextPageToken: next < matching.length ? `o${next}` : '',
    };
  }

  /** Every entry written so far, in write order. */
  all(): LoggingStandInEntry[] {
    return this.#entries.map((entry) => entry.view);
  }

  clear(): void {
    this.#entries.length = 0;
    this.#keys.clear();
  }

  #prepare(entry: Msg, request: Msg, index: number, now: Date): Stored {
    const logName: string = entry.logName || request.logName || '';
    const match = LOG_NAME.exec(logName);
    if (!match) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `entries[${index}].log_name: invalid log name ${JSON.stringify(logName)}`,
      );
    }
    const resource = entry.resource?.type ? entry.resource : request.resource;
    if (!resource?.type) {
      throw rpcError('INVALID_ARGUMENT', `entries[${index}].resource: a monitored resource type is required`);
    }
    const wire: Msg = {
      ...entry,
      logName,
      resource: { type: resource.type, labels: { ...(resource.labels ?? {}) } },
      labels: { ...(request.labels ?? {}), ...(entry.labels ?? {}) },
      timestamp:
        entry.timestamp && Number(entry.timestamp.seconds) > 0 ? entry.timestamp : toWireTimestamp(now),
      receiveTimestamp: toWireTimestamp(now),
      // Zero-padded, so that the stand-in's own ids sort in the order they were given.
      insertId: entry.insertId || `standin-${String(this.#nextInsertId++).padStart(12, '0')}`,
    };
    const view = entryView(wire);
    const size = Buffer.byteLength(JSON.stringify(view));
    if (size > MAX_ENTRY_BYTES) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `entries[${index}]: Log entry with size ${(size / 1024).toFixed(1)}K exceeds maximum size of 256.0K`,
      );
    }
    return { wire, view, parent: `${match[1]}/${match[2]}` };
  }
}

/** What makes two entries one for Cloud Logging: the project, the insertId and the timestamp (to the nanosecond). */
function duplicateKey(entry: Stored): string {
  const { seconds, nanos } = entry.wire.timestamp as Msg;
  return JSON.stringify([
    entry.parent,
    entry.view.insertId,
    String(BigInt(seconds ?? 0)),
    Number(nanos ?? 0),
  ]);
}

/** Compares two wire timestamps (`{ seconds, nanos }`), to the nanosecond. */
function compareTimestamps(a: Msg | undefined, b: Msg | undefined): number {
  const seconds = BigInt(a?.seconds ?? 0) - BigInt(b?.seconds ?? 0);
  if (seconds !== 0n) return seconds < 0n ? -1 : 1;
  return Number(a?.nanos ?? 0) - Number(b?.nanos ?? 0);
}

function byInsertId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function orderIsDescending(orderBy: unknown): boolean {
  const text = typeof orderBy === 'string' ? orderBy.trim().toLowerCase() : '';
  if (text === '' || text === 'timestamp asc' || text === 'timestamp') return false;
  if (text === 'timestamp desc') return true;
  throw rpcError(
    'INVALID_ARGUMENT',
    `order_by: only "timestamp asc" and "timestamp desc" are supported, got ${JSON.stringify(orderBy)}`,
  );
}

function parse(filter: unknown, compilePattern: PatternCompiler): ReturnType<typeof parseFilter> | undefined {
  if (typeof filter !== 'string' || filter.trim() === '') return undefined;
  try {
    return parseFilter(filter, 'logging', { compilePattern });
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw rpcError('INVALID_ARGUMENT', `filter: ${error.message}`);
    throw error;
  }
}

function decodePageToken(token: unknown): number {
  if (typeof token !== 'string' || token === '') return 0;
  const match = /^o(\d+)$/.exec(token);
  if (!match) throw rpcError('INVALID_ARGUMENT', `page_token: invalid token ${JSON.stringify(token)}`);
  return Number(match[1]);
}
