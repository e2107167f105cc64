import type { AlertSeverity } from '../alerting/index.js';
import { objectAt, refuseUnknownKeys, severityAt, stringAt } from './checks.js';
import { MonitorConfigError } from './errors.js';
import {
  compileRe2,
  FilterSyntaxError,
  parseFilter,
  quoteFilterString,
  Re2PatternError,
} from './filter/index.js';

/**
 * A kind of error the logging check counts. An entry belongs to the category when one of
 * `patterns` (RE2 regular expressions) matches its `textPayload` or its `jsonPayload.message`, or,
 * for a category defined by `filter`, when it matches that Logging filter clause. Give exactly one of
 * `patterns` and `filter`.
 *
 * @example
 * ```ts
 * import { checkLoggingErrors, DEFAULT_LOGGING_CATEGORIES, type LoggingErrorCategory } from 'gcp-pipeline-resilience';
 * const pubsub: LoggingErrorCategory = {
 *   name: 'pubsub_errors',
 *   description: 'Pub/Sub publish failures',
 *   severity: 'warning',
 *   patterns: ['Publish.*failed', 'DEADLINE_EXCEEDED'],
 *   recoveryCommand: 'gcloud pubsub topics list',
 * };
 * const result = await checkLoggingErrors({ categories: [...DEFAULT_LOGGING_CATEGORIES, pubsub] });
 * ```
 */
export interface LoggingErrorCategory {
  /** Letters, digits and `_` or `-`: the finding key is `logging:<name>`. */
  name: string;
  description: string;
  severity: AlertSeverity;
  /** RE2 patterns, matched anywhere in `textPayload` or `jsonPayload.message`. */
  patterns?: string[];
  /** A Logging query language clause (it is put in parentheses). */
  filter?: string;
  recoveryCommand: string;
}

const KEYS = ['name', 'description', 'severity', 'patterns', 'filter', 'recoveryCommand'] as const;
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

/**
 * The default categories: BigQuery, Firestore and Cloud Storage failures as the pipeline's own log lines
 * word them (regular expressions, severity `warning`, a recovery hint each), plus `library_errors`: this
 * library's own structured logs, entries whose `jsonPayload.error.code` is set (every error a layer logs
 * through `cloudLoggingLogger`).
 *
 * @example
 * ```ts
 * import { DEFAULT_LOGGING_CATEGORIES } from 'gcp-pipeline-resilience';
 * DEFAULT_LOGGING_CATEGORIES.map((c) => c.name);
 * // ['bigquery_errors', 'firestore_errors', 'gcs_errors', 'library_errors']
 * ```
 */
export const DEFAULT_LOGGING_CATEGORIES: readonly LoggingErrorCategory[] = /* @__PURE__ */ Object.freeze([
  {
    name: 'bigquery_errors',
    description: 'BigQuery Query/Insert Errors',
    severity: 'warning',
    patterns: ['BigQuery.*failed', 'Failed to insert', 'BigQuery query failed', 'bq_client.*error'],
    recoveryCommand: 'Check BigQuery quotas and query syntax',
  },
  {
    name: 'firestore_errors',
    description: 'Firestore Operation Errors',
    severity: 'warning',
    patterns: ['Firestore.*failed', 'Firestore.*error', 'document.*not found', 'transaction.*failed'],
    recoveryCommand: 'Check Firestore indexes and quotas',
  },
  {
    name: 'gcs_errors',
    description: 'Cloud Storage Errors',
    severity: 'warning',
    patterns: ['GCS.*failed', 'storage.*error', 'Failed to upload', 'bucket.*not found'],
    recoveryCommand: 'Check GCS bucket permissions and quotas',
  },
  {
    name: 'library_errors',
    description: 'Errors logged by gcp-pipeline-resilience (structured entries with error.code)',
    severity: 'warning',
    filter: 'jsonPayload.error.code:*',
    recoveryCommand:
      "gcloud logging read 'jsonPayload.error.code:* AND severity>=ERROR' --freshness=1h --limit=20",
  },
]);

/** Checks one category: its name, severity, and that every pattern or its filter is valid. */
export function resolveLoggingCategory(value: unknown, field: string): LoggingErrorCategory {
  const raw = objectAt(value, field);
  refuseUnknownKeys(raw, KEYS, field);
  const name = stringAt(raw.name, `${field}.name`);
  if (!NAME.test(name)) {
    throw new MonitorConfigError(
      `${field}.name`,
      `${JSON.stringify(name)} must be letters, digits, _ or - (up to 63)`,
    );
  }
  if ((raw.patterns === undefined) === (raw.filter === undefined)) {
    throw new MonitorConfigError(field, 'give exactly one of patterns and filter');
  }
  const category: LoggingErrorCategory = {
    name,
    description: stringAt(raw.description, `${field}.description`, name),
    severity: severityAt(raw.severity, `${field}.severity`, 'warning'),
    recoveryCommand: stringAt(raw.recoveryCommand, `${field}.recoveryCommand`),
  };
  if (raw.patterns !== undefined) {
    if (!Array.isArray(raw.patterns) || raw.patterns.length === 0) {
      throw new MonitorConfigError(`${field}.patterns`, 'expected a non-empty array of regular expressions');
    }
    category.patterns = raw.patterns.map((pattern, i) => {
      const at = `${field}.patterns[${i}]`;
      const text = stringAt(pattern, at);
      try {
        compileRe2(text);
      } catch (error) {
        if (error instanceof Re2PatternError) {
          throw new MonitorConfigError(
            at,
            `invalid regular expression ${JSON.stringify(text)}: ${error.message}`,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
      return text;
    });
  } else {
    const filter = stringAt(raw.filter, `${field}.filter`);
    checkFilter(filter, `${field}.filter`);
    category.filter = filter;
  }
  return category;
}

/** Parses a Logging filter, turning a syntax error into a {@link MonitorConfigError} for `field`. */
export function checkFilter(filter: string, field: string): void {
  try {
    parseFilter(filter, 'logging');
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      throw new MonitorConfigError(field, `invalid Logging filter: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** The window and scope every category's filter shares. */
export interface LoggingScope {
  start: Date;
  end: Date;
  /** Entries at or above this severity (a `LogSeverity` name). */
  minSeverity: string;
  /** Monitored resource types; empty means any. */
  resourceTypes: readonly string[];
}

/**
 * The full filter of one category, every group in explicit parentheses:
 * `severity>=ERROR AND timestamp>="…" AND timestamp<="…" AND (resource.type="cloud_run_revision" OR
 * resource.type="cloud_function") AND (textPayload=~"…" OR jsonPayload.message=~"…" OR …)`.
 */
export function categoryFilter(category: LoggingErrorCategory, scope: LoggingScope): string {
  const parts = [
    `severity>=${scope.minSeverity}`,
    `timestamp>=${quoteFilterString(scope.start.toISOString())}`,
    `timestamp<=${quoteFilterString(scope.end.toISOString())}`,
  ];
  if (scope.resourceTypes.length > 0) {
    parts.push(
      `(${scope.resourceTypes.map((type) => `resource.type=${quoteFilterString(type)}`).join(' OR ')})`,
    );
  }
  if (category.patterns) {
    const clauses = category.patterns.flatMap((pattern) => [
      `textPayload=~${quoteFilterString(pattern)}`,
      `jsonPayload.message=~${quoteFilterString(pattern)}`,
    ]);
    parts.push(`(${clauses.join(' OR ')})`);
  } else {
    parts.push(`(${category.filter})`);
  }
  return parts.join(' AND ');
}
