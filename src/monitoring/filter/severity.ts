/**
 * Cloud Logging's `LogSeverity` levels (`google/logging/type/log_severity.proto`), by name. Filters
 * compare severities by these numbers: `severity>=ERROR` matches ERROR, CRITICAL, ALERT, EMERGENCY.
 */
export const LOG_SEVERITY_LEVELS = {
  DEFAULT: 0,
  DEBUG: 100,
  INFO: 200,
  NOTICE: 300,
  WARNING: 400,
  ERROR: 500,
  CRITICAL: 600,
  ALERT: 700,
  EMERGENCY: 800,
} as const;

/** A `LogSeverity` name. */
export type LogSeverityName = keyof typeof LOG_SEVERITY_LEVELS;

/**
 * The level of a severity given as a name (any case) or a number, or `undefined` when it is neither.
 * Numbers between the named levels are valid, as in the API (`severity>=450`).
 */
export function severityLevel(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const key = value.trim().toUpperCase();
  if (Object.hasOwn(LOG_SEVERITY_LEVELS, key)) return LOG_SEVERITY_LEVELS[key as LogSeverityName];
  if (/^\d+$/.test(key)) return Number(key);
  return undefined;
}
