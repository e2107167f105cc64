/**
 * Limits for one `insertAll` request. BigQuery allows 10 MB per request and recommends about 500 rows;
 * the defaults leave headroom for the request envelope.
 *
 * @internal
 */
export interface BatchLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
}

/**
 * 500 rows per request, BigQuery's recommendation for streaming inserts.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, DEFAULT_BATCH_ROWS } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * declare const rows: Array<Record<string, unknown>>;
 * await bq.insertRows('ds.t', rows, { batchRows: DEFAULT_BATCH_ROWS / 2 });
 * ```
 */
export const DEFAULT_BATCH_ROWS = 500;
/**
 * 9 MiB per request: under the 10 MB `insertAll` limit with room for the envelope.
 *
 * @example
 * ```ts
 * import { DEFAULT_BATCH_BYTES } from 'gcp-pipeline-resilience';
 * DEFAULT_BATCH_BYTES; // 9437184
 * ```
 */
export const DEFAULT_BATCH_BYTES = 9 * 1024 * 1024;

/**
 * Splits items into consecutive batches of at most `maxRows` items and at most `maxBytes` total size,
 * keeping the input order. An item larger than `maxBytes` on its own gets a batch of its own (BigQuery
 * will refuse it, and only it, rather than the rows packed with it). Returns the item indexes of each
 * batch; `sizes[i]` is the encoded size of item `i` in bytes.
 *
 * @internal
 */
export function planBatches(sizes: readonly number[], limits: BatchLimits): number[][] {
  const batches: number[][] = [];
  const batcher = new Batcher(limits);
  let current: number[] = [];
  for (let i = 0; i < sizes.length; i++) {
    if (batcher.startsNewBatch(sizes[i] as number)) {
      batches.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The batching rule of `planBatches`, one item at a time, for callers that make each item only
 * when its batch is about to be sent (so a million rows are never all encoded at once).
 */
export class Batcher {
  readonly #maxRows: number;
  readonly #maxBytes: number;
  #rows = 0;
  #bytes = 0;

  constructor(limits: BatchLimits) {
    const maxRows = Math.floor(limits.maxRows);
    if (!(maxRows >= 1)) throw new RangeError(`batchRows must be a positive integer, got ${limits.maxRows}`);
    if (!(limits.maxBytes > 0)) throw new RangeError(`batchBytes must be positive, got ${limits.maxBytes}`);
    this.#maxRows = maxRows;
    this.#maxBytes = limits.maxBytes;
  }

  /**
   * Places the next item, of `size` bytes: true when it does not fit in the current batch and so opens
   * the next one (the current batch is complete); false when it joins the current batch.
   */
  startsNewBatch(size: number): boolean {
    const full = this.#rows > 0 && (this.#rows >= this.#maxRows || this.#bytes + size > this.#maxBytes);
    if (full) {
      this.#rows = 0;
      this.#bytes = 0;
    }
    this.#rows++;
    this.#bytes += size;
    return full;
  }
}
