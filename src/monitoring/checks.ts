import type { AlertSeverity } from '../alerting/index.js';
import { type ConfigEnv, getSportConfig, type SportConfig, UnknownSportError } from '../config/index.js';
import { isProjectId, PROJECT_ID_RULE } from '../config/table-name.js';
import { quoteValue } from '../errors/redact.js';
import { messageOf } from '../shared/message-of.js';
import { MonitorConfigError } from './errors.js';

/** Pub/Sub's resource-id rule: 3-255 characters, starting with a letter, not with `goog`. */
const RESOURCE_ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
const SEVERITIES: readonly AlertSeverity[] = ['critical', 'error', 'warning', 'info'];

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${quoteValue(value, 80)}`;
  if (Array.isArray(value)) return 'an array';
  return value === null
    ? 'null'
    : typeof value === 'object'
      ? 'an object'
      : `${typeof value} ${String(value)}`;
}

/** Refuses keys `options` should not have, naming the closest allowed one. */
export function refuseUnknownKeys(options: object, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const hint = allowed.find((name) => name.toLowerCase().includes(key.toLowerCase().replace(/[_-]/g, '')));
    throw new MonitorConfigError(
      field ? `${field}.${key}` : key,
      `unknown option${hint ? ` (did you mean '${hint}'?)` : ''}; known options are ${allowed.join(', ')}`,
    );
  }
}

/** An object (not an array), or the error naming the field. */
export function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MonitorConfigError(field, `expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** An integer >= `min`, or `fallback` when absent. */
export function integerAt(value: unknown, field: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new MonitorConfigError(field, `expected an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

/** `value`, or a `MonitorConfigError` on `field` when it is over `max`. */
export function atMost(value: number, max: number, field: string): number {
  if (value > max) throw new MonitorConfigError(field, `at most ${max}, got ${value}`);
  return value;
}

/**
 * A `lookbackMinutes`: 1 to 10 years (Cloud Logging's longest retention), default 15. Past it the
 * window's start was no date, and the check failed when it ran (`RangeError: Invalid time value`,
 * `gpr` exit 3) instead of being refused when the monitor is made.
 */
export const lookbackAt = (value: unknown, field: string): number =>
  atMost(integerAt(value, field, 1, 15), 5_256_000, field);

/** A non-empty string, or `fallback` when absent (`undefined` fallback: required). */
export function stringAt(value: unknown, field: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new MonitorConfigError(field, `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** A boolean, or `fallback` when absent. */
export function booleanAt(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new MonitorConfigError(field, `expected true or false, got ${describe(value)}`);
  return value;
}

/** One of the alert severities. */
export function severityAt(value: unknown, field: string, fallback?: AlertSeverity): AlertSeverity {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!SEVERITIES.includes(value as AlertSeverity)) {
    throw new MonitorConfigError(field, `expected one of ${SEVERITIES.join(', ')}, got ${describe(value)}`);
  }
  return value as AlertSeverity;
}

/** A Pub/Sub resource id (`nba-phase2-raw-complete-dlq-sub`), not a full path. */
export function resourceIdAt(value: unknown, field: string, kind: 'subscription' | 'topic'): string {
  const id = stringAt(value, field);
  if (!RESOURCE_ID.test(id) || id.toLowerCase().startsWith('goog')) {
    throw new MonitorConfigError(
      field,
      `${quoteValue(id, 80)} is not a valid Pub/Sub ${kind} id (3-255 letters, digits and - _ . ~ + %, starting with a letter, not with "goog")`,
    );
  }
  return id;
}

/** A short id, or the id of a full `projects/{p}/{kind}s/{id}` name in `projectId`. */
export function resourceIdOrPathAt(
  value: unknown,
  field: string,
  kind: 'subscription' | 'topic',
  projectId: string,
): string {
  const text = stringAt(value, field);
  const match = /^projects\/([^/]+)\/(subscriptions|topics)\/([^/]+)$/.exec(text);
  if (!match) return resourceIdAt(text, field, kind);
  if (match[2] !== `${kind}s`)
    throw new MonitorConfigError(field, `expected a ${kind}, got ${describe(text)}`);
  if (match[1] !== projectId) {
    throw new MonitorConfigError(field, `${describe(text)} is in project ${match[1]}, not in ${projectId}`);
  }
  return resourceIdAt(match[3], field, kind);
}

/**
 * The sport config of the options' `sport` and `env`; what it refuses is a `MonitorConfigError` on the
 * option at fault: `sport` for an unknown sport, `env` for an environment that is not one or a
 * variable it holds (a `GCP_PROJECT_ID` that is not a project id), never `sport` for those.
 */
export function sportConfigAt(sport: unknown, env: unknown, at: (key: string) => string): SportConfig {
  try {
    return getSportConfig(sport as string | undefined, env as ConfigEnv | undefined);
  } catch (error) {
    throw new MonitorConfigError(at(error instanceof UnknownSportError ? 'sport' : 'env'), messageOf(error), {
      cause: error,
    });
  }
}

/**
 * A GCP project id by the one rule of the package (`parseTableName`, the executor, the registry, the
 * sport config): it goes into filters, resource names and printed gcloud commands.
 */
export function resourceProject(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isProjectId(value)) {
    const shown = typeof value === 'string' ? quoteValue(value) : describe(value);
    throw new MonitorConfigError(field, `expected a project id, got ${shown}: ${PROJECT_ID_RULE}`);
  }
  return value;
}
