import { brandClass } from './brand.js';
import { causeOf, PipelineError } from './pipeline-error.js';

/**
 * Options of {@link OperationTimeoutError}.
 *
 * @example
 * ```ts
 * import { OperationTimeoutError, type OperationTimeoutErrorOptions } from 'gcp-pipeline-resilience';
 * const after = (timeoutMs: number): OperationTimeoutErrorOptions => ({ timeoutMs });
 * async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
 *   let timer: NodeJS.Timeout | undefined;
 *   const timeout = new Promise<never>((_, reject) => {
 *     timer = setTimeout(() => reject(new OperationTimeoutError(`no answer in ${ms} ms`, after(ms))), ms);
 *   });
 *   try {
 *     return await Promise.race([work, timeout]);
 *   } finally {
 *     clearTimeout(timer);
 *   }
 * }
 * ```
 */
export interface OperationTimeoutErrorOptions {
  /** The time limit that was exceeded, in milliseconds. */
  timeoutMs: number;
  /** The value that was thrown, if any, kept as `cause`. */
  cause?: unknown;
}

/**
 * An attempt took longer than the time it was given (`attemptTimeoutMs` of `retry`); its signal was
 * aborted. Code `'OPERATION_TIMEOUT'`, transient: the next attempt may be faster.
 *
 * @example
 * ```ts
 * import { OperationTimeoutError } from 'gcp-pipeline-resilience';
 *
 * const err = new OperationTimeoutError('BigQuery query attempt exceeded 30000 ms', { timeoutMs: 30_000 });
 * err.transient; // true
 * ```
 */
export class OperationTimeoutError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    OperationTimeoutError,
    'OperationTimeoutError',
  );

  /** The time limit that was exceeded, in milliseconds. */
  declare readonly timeoutMs: number;

  constructor(message: string, options: OperationTimeoutErrorOptions) {
    super(message, {
      code: 'OPERATION_TIMEOUT',
      transient: true,
      ...causeOf(options),
    });
    this.timeoutMs = options.timeoutMs;
  }
}
