/**
 * Structured fields attached to a log entry. Values that are `Error`s are serialized by the logger.
 *
 * @example
 * ```ts
 * import { retry, type LogFields, type Logger } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * // A logger of your own: every layer calls these four methods with a message and fields.
 * const line = (severity: string) => (message: string, fields: LogFields) =>
 *   console.log(JSON.stringify({ severity, message, ...fields }));
 * const logger: Logger = { debug: line('DEBUG'), info: line('INFO'), warn: line('WARNING'), error: line('ERROR') };
 * await retry(getGames, { logger });
 * ```
 */
export type LogFields = Record<string, unknown>;

/**
 * The logger every layer of the library writes to. Silent by default ({@link silentLogger});
 * pass {@link cloudLoggingLogger} (or any object with these four methods, e.g. a pino or winston
 * adapter) to see what the library does.
 *
 * @example
 * ```ts
 * import { type Logger, retry } from 'gcp-pipeline-resilience';
 * declare function fetchRows(): Promise<object[]>;
 * const logger: Logger = {
 *   debug: (m, f) => console.debug(m, f),
 *   info: (m, f) => console.info(m, f),
 *   warn: (m, f) => console.warn(m, f),
 *   error: (m, f) => console.error(m, f),
 * };
 * await retry(() => fetchRows(), { logger });
 * ```
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const noop = (): void => {};

/**
 * A logger that drops everything: the default of every layer, so the library never writes to
 * stdout unless asked to.
 *
 * @example
 * ```ts
 * import { retry, silentLogger } from 'gcp-pipeline-resilience';
 * declare function fetchRows(): Promise<object[]>;
 * await retry(() => fetchRows(), { logger: silentLogger }); // same as omitting `logger`
 * ```
 */
export const silentLogger: Logger = /* @__PURE__ */ Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
});
