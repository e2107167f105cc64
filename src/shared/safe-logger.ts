import type { Logger } from '../logging/index.js';

/**
 * A logger that never throws into the code that logs. A write to a closed stdout (EPIPE) or a
 * broken transport must not turn a successful flush, retry or delivery into a failure, nor leave
 * half-updated state behind; what the logger could not write is lost, the work goes on. A logger
 * whose methods are async (a `Logger` method may return a promise) and reject must not become an
 * unhandled rejection either, which ends a Node process. Internal: not exported from the package.
 */
export function safeLogger(logger: Logger): Logger {
  const call =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        const written: unknown = logger[level](message, fields);
        if (typeof (written as PromiseLike<unknown> | undefined)?.then === 'function') {
          Promise.resolve(written).catch(() => {});
        }
      } catch {
        // The logger's own failure has nowhere safer to go.
      }
    };
  return { debug: call('debug'), info: call('info'), warn: call('warn'), error: call('error') };
}
