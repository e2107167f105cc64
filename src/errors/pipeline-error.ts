import { brandClass } from './brand.js';
import { removeSecrets } from './redact.js';
import { scrubCause } from './scrub.js';

/**
 * Options shared by every error of the taxonomy.
 *
 * @example
 * ```ts
 * import { PipelineError, type PipelineErrorOptions } from 'gcp-pipeline-resilience';
 * // Your own failure, in the package's taxonomy: retry and the handler read `transient`.
 * const blocked = (cause: unknown): PipelineErrorOptions => ({ code: 'SCRAPE_BLOCKED', transient: true, cause });
 * declare function scrape(): Promise<string>;
 * const page = await scrape().catch((err: unknown) => {
 *   throw new PipelineError('the site blocked the scraper', blocked(err));
 * });
 * ```
 */
export interface PipelineErrorOptions {
  /** A stable, machine-readable code such as `'SERVICE_UNAVAILABLE'`; defaults to `'UNKNOWN'`. */
  code?: string;
  /** Whether trying the same operation again may succeed; defaults to `false`. */
  transient?: boolean;
  /**
   * The value that was thrown. Kept as is unless it holds credentials or the request a client made
   * (headers, body): then the error keeps a copy without them (see the class docs).
   */
  cause?: unknown;
}

/**
 * The root of every typed error in this package.
 *
 * `code` is stable across versions and safe to switch on; `transient` is the retry decision; `cause` is
 * the value that was thrown (a Google client error, a Node system error, ...). No credential
 * is kept at any depth: when the cause holds one (a client's `response.request.headers`, a gaxios
 * `config`, a token in a message), `cause` is a copy of it without the request and the credential, so
 * `util.inspect(err, { depth: 10 })` and deep serializers (Error Reporting, Sentry) cannot leak it.
 * The message loses its credentials too, as `redactSecrets` finds them but never cut, before the
 * stack is captured: an error made with the message `post failed: Authorization: Bearer <token>`
 * has `post failed: Authorization: [REDACTED]` as its `message` and in its `stack`.
 *
 * @example
 * ```ts
 * import { PipelineError } from 'gcp-pipeline-resilience';
 * declare function processBatch(): Promise<void>;
 * declare function scheduleRedelivery(): void;
 *
 * try {
 *   await processBatch();
 * } catch (err) {
 *   if (err instanceof PipelineError && err.transient) scheduleRedelivery();
 *   else throw err;
 * }
 * ```
 */
export class PipelineError extends Error {
  protected static readonly brand: symbol = /* @__PURE__ */ brandClass(PipelineError, 'PipelineError');

  // The subclasses' fields are declared, not defined: each constructor assigns every one, in the order
  // declared, so the own keys are the same. These two stay defined: a plain-JS subclass may have a
  // getter for one on its prototype, and an assignment through it would throw at construction.
  /** A stable, machine-readable code, e.g. `'SERVICE_UNAVAILABLE'`. */
  readonly code: string;
  /** Whether trying the same operation again may succeed. */
  readonly transient: boolean;
  declare readonly cause?: unknown;

  constructor(message: string, options: PipelineErrorOptions = {}) {
    // Credentials go before `Error` captures the stack, whose first line repeats the message: a
    // `console.error(err)` prints the stack. Whole otherwise (no length cap): the caller chose it. The
    // package's own messages are built from redacted parts, and stay as they are. A message that is
    // not a string (plain JS: `new PipelineError(err)`) is made text here, as `Error` would, first.
    super(
      message === undefined ? message : removeSecrets(`${message}`),
      'cause' in options ? { cause: scrubCause(options.cause) } : undefined,
    );
    this.code = options.code ?? 'UNKNOWN';
    this.transient = options.transient ?? false;
    // Branded classes carry their name on the prototype; a user subclass that is not branded gets its
    // own class name here so that `err.name` always names the class that was constructed.
    if (!Object.hasOwn(new.target.prototype, 'name')) {
      Object.defineProperty(this, 'name', {
        value: new.target.name,
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }

  /**
   * What `JSON.stringify` (and the loggers that call it: pino, winston, `console` JSON) write: the
   * name and message (which an `Error` keeps out of JSON by default) with the code, `transient` and
   * the other fields of the class, never the `cause` (it can hold a client's request) nor the stack.
   * Credentials are removed from the message and the fields (as `redactSecrets` finds them).
   *
   * @example
   * ```ts
   * import { PipelineError } from 'gcp-pipeline-resilience';
   * JSON.stringify(new PipelineError('flush failed', { code: 'FLUSH_FAILED' }));
   * // {"name":"PipelineError","message":"flush failed","code":"FLUSH_FAILED","transient":false}
   * ```
   */
  toJSON(): Record<string, unknown> {
    // The package's own messages are built from redacted parts; a message or a field that code
    // outside it wrote (a subclass, `new PipelineError(\`post to ${url} failed\`)`) may not be.
    const out: Record<string, unknown> = { name: this.name, message: removeSecrets(String(this.message)) };
    for (const key of Object.keys(this)) {
      if (key !== 'cause' && key !== 'stack')
        out[key] = scrubCause((this as unknown as Record<string, unknown>)[key]);
    }
    return out;
  }
}

/**
 * `{ cause }` when `options` has one (even `undefined`), else `{}`: what a subclass passes on, so that
 * an error made without a cause has no `cause` key, as `Error` does.
 */
export function causeOf(options: { cause?: unknown }): { cause?: unknown } {
  return 'cause' in options ? { cause: options.cause } : {};
}
