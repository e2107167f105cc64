import type { LogFields, Logger } from '../../src/logging/index.js';

/** One thing a {@link recordingLogger} was told. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** The fields passed, or `{}` when none were. */
  fields: LogFields;
}

/** A logger that records what it is told, in order: the one test logger of the suite. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (message: string, fields: LogFields = {}): void => {
      entries.push({ level, message, fields });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
