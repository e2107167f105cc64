import { brandClass } from './brand.js';
import { causeOf, PipelineError } from './pipeline-error.js';

/**
 * Options of {@link NetworkError}.
 *
 * @example
 * ```ts
 * import { NetworkError, type NetworkErrorOptions } from 'gcp-pipeline-resilience';
 * // A fake client in a test drops the connection as a real reset would.
 * const reset = (cause?: unknown): NetworkErrorOptions => ({ systemCode: 'ECONNRESET', cause });
 * const flaky = async (): Promise<never> => {
 *   throw new NetworkError('socket hang up', reset());
 * };
 * ```
 */
export interface NetworkErrorOptions {
  /** The code the transport reported: a Node system code (`'ECONNRESET'`), an undici code, `'TimeoutError'`. */
  systemCode?: string;
  /** The value that was thrown, kept as `cause`. */
  cause?: unknown;
  /** Defaults to `true`; `ENOTFOUND` (the host does not exist) is classified as not transient. */
  transient?: boolean;
}

/**
 * The request never got an HTTP or gRPC answer: the connection was reset, refused or timed out, DNS
 * failed, the socket hung up, `fetch failed`. Code `'NETWORK_ERROR'`, transient by default.
 *
 * @example
 * ```ts
 * import { NetworkError } from 'gcp-pipeline-resilience';
 *
 * const err = new NetworkError('Network request failed (ECONNRESET): socket hang up', { systemCode: 'ECONNRESET' });
 * err.transient; // true
 * ```
 */
export class NetworkError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(NetworkError, 'NetworkError');

  /** The code the transport reported, e.g. `'ECONNRESET'`, `'EAI_AGAIN'`, `'UND_ERR_SOCKET'`. */
  declare readonly systemCode?: string;

  constructor(message: string, options: NetworkErrorOptions = {}) {
    super(message, {
      code: 'NETWORK_ERROR',
      transient: options.transient ?? true,
      ...causeOf(options),
    });
    this.systemCode = options.systemCode;
  }
}
