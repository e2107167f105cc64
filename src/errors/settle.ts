import { toPipelineError } from './classify.js';
import type { PipelineError } from './pipeline-error.js';

/**
 * The outcome of {@link settle}: the value, or the typed error.
 *
 * @example
 * ```ts
 * const result: Result<number> = { ok: true, value: 42 };
 * if (!result.ok) console.error(result.error.code);
 * ```
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: PipelineError };

/**
 * Runs work and returns a {@link Result} instead of throwing, for callers that prefer results to
 * exceptions (the original system's "v2 Result pattern"). Failures, including a synchronous throw from
 * `work`, come back as `toPipelineError(err)`. Never rejects.
 *
 * @example
 * ```ts
 * import { settle } from 'gcp-pipeline-resilience';
 * const executor = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 *
 * const result = await settle(() => executor.query('SELECT 1 AS x'));
 * if (result.ok) console.log(result.value);
 * else if (result.error.transient) requeue();
 * ```
 */
export async function settle<T>(work: PromiseLike<T> | (() => PromiseLike<T> | T)): Promise<Result<T>> {
  try {
    const value = await (typeof work === 'function' ? work() : work);
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toPipelineError(err) };
  }
}
