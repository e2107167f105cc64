import type { Logger } from '../logging/index.js';

/**
 * A logger that never throws into the code that logs. A write to a closed stdout (EPIPE) or a
 * broken transport must not turn a successful flush, retry or delivery into a failure, nor leave
 * half-updated state behind; what the logger could not write is lost, the work goes on. Internal:
 * not exported from the package.
 */
export function safeLogger(logger: Logger): Logger {
  const call =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        logger[level](message, fields);
      } catch {
        // The logger's own failure has nowhere safer to go.
      }
    };
  return { debug: call('debug'), info: call('info'), warn: call('warn'), error: call('error') };
}
