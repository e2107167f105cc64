import type { Entry, Logging } from '@google-cloud/logging';
import type { AlertSeverity, Finding } from '../alerting/index.js';
import type { ConfigEnv } from '../config/index.js';
import { PipelineError, toPipelineError } from '../errors/index.js';
import { quoteValue, redactedStart } from '../errors/redact.js';
import {
  integerAt,
  lookbackAt,
  objectAt,
  refuseUnknownKeys,
  resourceProject,
  sportConfigAt,
  stringAt,
} from './checks.js';
import type { ClientSet } from './clients.js';
import { MonitorConfigError } from './errors.js';
import { FilterSyntaxError, MAX_LOGGING_FILTER_CHARS, parseFilter, severityLevel } from './filter/index.js';
import { loggingFindings } from './findings.js';
import {
  categoryFilter,
  DEFAULT_LOGGING_CATEGORIES,
  type LoggingErrorCategory,
  resolveLoggingCategory,
} from './logging-categories.js';
import { mapLimit } from './map-limit.js';

/**
 * Options of {@link checkLoggingErrors} (and the `logging` part of {@link MonitorOptions}).
 *
 * @example
 * ```ts
 * import { checkLoggingErrors, createMonitor, type LoggingCheckOptions } from 'gcp-pipeline-resilience';
 * const cloudRun: LoggingCheckOptions = { lookbackMinutes: 15, threshold: 5, resourceTypes: ['cloud_run_revision'] };
 * const result = await checkLoggingErrors(cloudRun);
 * const monitor = createMonitor({ logging: cloudRun });
 * ```
 */
export interface LoggingCheckOptions {
  /** The project whose logs are read. Default: the sport config's (`GCP_PROJECT_ID`, ...). */
  projectId?: string;
  /** The categories to count. Default {@link DEFAULT_LOGGING_CATEGORIES}. */
  categories?: LoggingErrorCategory[];
  /** A category is reported when it counts more than this many entries. Default 5. */
  threshold?: number;
  /** How far back to look. Default 15 minutes. */
  lookbackMinutes?: number;
  /** The lowest severity counted (a `LogSeverity` name). Default `'ERROR'`. */
  minSeverity?: string;
  /** Monitored resource types to read (`[]`: any). Default `['cloud_run_revision', 'cloud_function']`. */
  resourceTypes?: string[];
  /** Entries kept as samples per category. Default 3. */
  sampleSize?: number;
  /** Most entries counted per category (paging 1000 at a time); past it the count is a lower bound. Default 10 000. */
  maxEntries?: number;
  /** Bounds each `ListLogEntries` call, retries included (the client's own default is 60 s). Default 20 000 ms. */
  callTimeoutMs?: number;
  /** The environment the sport config reads for the default project. Default `process.env`. */
  env?: ConfigEnv;
}

export const LOGGING_OPTION_KEYS = [
  'projectId',
  'categories',
  'threshold',
  'lookbackMinutes',
  'minSeverity',
  'resourceTypes',
  'sampleSize',
  'maxEntries',
  'callTimeoutMs',
  'env',
] as const;

/** The checked configuration of a logging check. */
export interface ResolvedLoggingOptions {
  projectId: string;
  categories: LoggingErrorCategory[];
  threshold: number;
  lookbackMinutes: number;
  minSeverity: string;
  resourceTypes: string[];
  sampleSize: number;
  maxEntries: number;
  callTimeoutMs: number;
}

/** Checks the options (throws {@link MonitorConfigError}) and fills in the defaults. */
export function resolveLoggingOptions(
  value: unknown,
  field: string,
  projectIdFallback?: string,
): ResolvedLoggingOptions {
  const raw = objectAt(value ?? {}, field || 'options');
  refuseUnknownKeys(raw, [...LOGGING_OPTION_KEYS], field);
  const at = (key: string) => (field ? `${field}.${key}` : key);
  const projectId =
    raw.projectId === undefined
      ? (projectIdFallback ?? sportConfigAt(undefined, raw.env, at).projectId)
      : resourceProject(raw.projectId, at('projectId'));
  const listed = raw.categories ?? DEFAULT_LOGGING_CATEGORIES;
  if (!Array.isArray(listed) || listed.length === 0) {
    throw new MonitorConfigError(at('categories'), 'expected a non-empty array of categories');
  }
  const categories = listed.map((c, i) => resolveLoggingCategory(c, `${at('categories')}[${i}]`));
  const names = new Set<string>();
  categories.forEach((c, i) => {
    if (names.has(c.name))
      throw new MonitorConfigError(`${at('categories')}[${i}].name`, `${c.name} is listed twice`);
    names.add(c.name);
  });
  const minSeverity = stringAt(raw.minSeverity, at('minSeverity'), 'ERROR').toUpperCase();
  if (severityLevel(minSeverity) === undefined || /^\d+$/.test(minSeverity)) {
    throw new MonitorConfigError(
      at('minSeverity'),
      `expected a LogSeverity name such as ERROR, got ${JSON.stringify(raw.minSeverity)}`,
    );
  }
  const resourceTypes = raw.resourceTypes ?? ['cloud_run_revision', 'cloud_function'];
  if (!Array.isArray(resourceTypes))
    throw new MonitorConfigError(at('resourceTypes'), 'expected an array of resource types');
  resourceTypes.forEach((type, i) => {
    if (typeof type !== 'string' || !/^[a-z][a-z0-9_]*$/.test(type)) {
      throw new MonitorConfigError(
        `${at('resourceTypes')}[${i}]`,
        `expected a monitored resource type, got ${JSON.stringify(type)}`,
      );
    }
  });
  categories.forEach((category, i) => {
    checkCategoryFilter(category, minSeverity, resourceTypes as string[], `${at('categories')}[${i}]`);
  });
  return {
    projectId,
    categories,
    threshold: integerAt(raw.threshold, at('threshold'), 0, 5),
    lookbackMinutes: lookbackAt(raw.lookbackMinutes, at('lookbackMinutes')),
    minSeverity,
    resourceTypes: resourceTypes as string[],
    sampleSize: integerAt(raw.sampleSize, at('sampleSize'), 0, 3),
    maxEntries: integerAt(raw.maxEntries, at('maxEntries'), 1, 10_000),
    callTimeoutMs: integerAt(raw.callTimeoutMs, at('callTimeoutMs'), 1000, 20_000),
  };
}

/**
 * Checks the whole filter a category will send (window, severity, resource types and its own
 * clause): each part may be valid alone and the whole still too long or too deep for Cloud Logging.
 */
function checkCategoryFilter(
  category: LoggingErrorCategory,
  minSeverity: string,
  resourceTypes: string[],
  field: string,
): void {
  // Any instant: every ISO 8601 timestamp of these years has the same length.
  const instant = new Date(0);
  const filter = categoryFilter(category, { start: instant, end: instant, minSeverity, resourceTypes });
  if (filter.length > MAX_LOGGING_FILTER_CHARS) {
    throw new MonitorConfigError(
      field,
      `its filter would be ${filter.length} characters long; Cloud Logging accepts at most ${MAX_LOGGING_FILTER_CHARS}: use fewer patterns or split the category`,
    );
  }
  try {
    parseFilter(filter, 'logging');
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      throw new MonitorConfigError(field, `its full filter is invalid: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * One log entry of a category, as the report shows it.
 *
 * @example
 * ```ts
 * import { checkLoggingErrors, type LoggingSample } from 'gcp-pipeline-resilience';
 * const line = (s: LoggingSample) => `${s.timestamp} ${s.severity} ${s.errorCode ?? ''} ${s.payload.slice(0, 120)}`;
 * const result = await checkLoggingErrors({ lookbackMinutes: 60 });
 * for (const c of result.categories) for (const s of c.samples) console.log(c.category, line(s));
 * ```
 */
export interface LoggingSample {
  timestamp?: string;
  severity?: string;
  resourceType?: string;
  logName?: string;
  /** The text payload, or the JSON payload's `message` (else its JSON), cut to 200 characters. */
  payload: string;
  /** `jsonPayload.error.code`, when set. */
  errorCode?: string;
}

/**
 * What the logging check found for one category: `ok`, `errors_found` (more than the threshold) or
 * `failed` (the query failed; `error` says why).
 *
 * @example
 * ```ts
 * import { checkLoggingErrors } from 'gcp-pipeline-resilience';
 * const { categories } = await checkLoggingErrors({ lookbackMinutes: 60 });
 * for (const c of categories) console.log(c.category, c.status, c.count);
 * ```
 */
export interface LoggingCategoryResult {
  category: string;
  description: string;
  severity: AlertSeverity;
  recoveryCommand: string;
  status: 'ok' | 'errors_found' | 'failed';
  /** Matching entries in the window (unknown when failed). */
  count?: number;
  /** The count stopped at `maxEntries`: there are more. */
  countIsLowerBound: boolean;
  samples: LoggingSample[];
  /** The exact filter sent to Cloud Logging. */
  filter: string;
  error?: PipelineError;
}

/**
 * What {@link checkLoggingErrors} resolves to.
 *
 * @example
 * ```ts
 * import { checkLoggingErrors } from 'gcp-pipeline-resilience';
 * const result = await checkLoggingErrors();
 * console.log(result.totalErrors, result.categories.filter((c) => c.status === 'errors_found').length);
 * ```
 */
export interface LoggingCheckResult {
  projectId: string;
  checkedAt: string;
  lookbackMinutes: number;
  threshold: number;
  categories: LoggingCategoryResult[];
  /** Sum of the categories' counts (an entry matching two categories counts in both). */
  totalErrors: number;
  /** What needs attention: one finding per category above the threshold or unreadable. */
  findings: Finding[];
}

const PAGE_SIZE = 1000;
/**
 * Cloud Logging may answer a page with no entry and a next-page token (its search of that page ran
 * out of time); so many in a row mean the search is not getting anywhere.
 */
const MAX_EMPTY_PAGES = 100;
/**
 * Most pages read for one category. The empty-page limit alone reset at every entry, so a search
 * that trickled (one entry a page, or 99 empty pages then one) went on for 10 000 calls or about a
 * million. Cloud Logging allows 60 list calls a minute per project: a count needing more pages than
 * this fails on that quota anyway.
 */
const MAX_PAGES = 2 * MAX_EMPTY_PAGES;
/** gRPC codes ListLogEntries is sent again on: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE. */
const RETRY_CODES = [4, 8, 13, 14];
/** The code of the error a category fails with when Cloud Logging's paging goes wrong. */
const PAGING_ERROR = 'LOGGING_PAGING';
const SAMPLE_CHARS = 200;

function toLoggingSample(entry: Entry): LoggingSample {
  const metadata = entry.metadata as {
    timestamp?: unknown;
    severity?: unknown;
    resource?: { type?: string | null } | null;
    logName?: string | null;
  };
  const data = entry.data as unknown;
  let payload: string;
  let errorCode: string | undefined;
  if (typeof data === 'string') payload = data;
  else if (data !== null && typeof data === 'object') {
    const json = data as { message?: unknown; error?: { code?: unknown } };
    payload = typeof json.message === 'string' ? json.message : JSON.stringify(data);
    if (typeof json.error?.code === 'string' || typeof json.error?.code === 'number')
      errorCode = String(json.error.code);
  } else payload = '';
  // A pipeline's error line can hold a credential (a URL's token, a header): the sample goes on to
  // the report, Slack and email, so the credential patterns are removed before the text is cut.
  const sample: LoggingSample = { payload: redactedStart(payload, SAMPLE_CHARS) };
  const time = metadata.timestamp;
  const date = time instanceof Date ? time : typeof time === 'string' ? new Date(time) : undefined;
  if (date && !Number.isNaN(date.getTime())) sample.timestamp = date.toISOString();
  if (typeof metadata.severity === 'string') sample.severity = metadata.severity;
  if (metadata.resource?.type) sample.resourceType = metadata.resource.type;
  if (metadata.logName) sample.logName = metadata.logName;
  if (errorCode) sample.errorCode = redactedStart(errorCode, SAMPLE_CHARS);
  return sample;
}

function pendingResult(category: LoggingErrorCategory, filter: string): LoggingCategoryResult {
  return {
    category: category.name,
    description: category.description,
    severity: category.severity,
    recoveryCommand: category.recoveryCommand,
    status: 'failed',
    countIsLowerBound: false,
    samples: [],
    filter,
  };
}

async function countCategory(
  logging: Logging,
  options: ResolvedLoggingOptions,
  category: LoggingErrorCategory,
  filter: string,
  signal: AbortSignal | undefined,
): Promise<LoggingCategoryResult> {
  const result = pendingResult(category, filter);
  try {
    let count = 0;
    let pageToken: string | undefined;
    const followed = new Set<string>();
    let emptyPages = 0;
    let pages = 0;
    do {
      if (pages >= MAX_PAGES) {
        // Past the threshold already: a finding, with a count that is at least this. Otherwise the
        // entries not read may be what takes it over: the count is unknown.
        if (count > options.threshold) break;
        throw new PipelineError(
          `Cloud Logging still had a next-page token after ${MAX_PAGES} pages (${count} entries so far): the count is unknown`,
          { code: PAGING_ERROR },
        );
      }
      pages += 1;
      signal?.throwIfAborted();
      if (pageToken !== undefined) {
        if (followed.has(pageToken)) {
          throw new PipelineError(
            `Cloud Logging returned the page token ${quoteValue(pageToken, 40)} again: the count would repeat pages, so it is not given`,
            { code: PAGING_ERROR },
          );
        }
        followed.add(pageToken);
      }
      const [entries, next] = await logging.getEntries({
        resourceNames: [`projects/${options.projectId}`],
        filter,
        orderBy: 'timestamp desc',
        pageSize: Math.min(PAGE_SIZE, options.maxEntries - count),
        autoPaginate: false,
        // The client retries DEADLINE_EXCEEDED, INTERNAL and UNAVAILABLE; RESOURCE_EXHAUSTED too here
        // (a read: nothing changes if sent again): Cloud Logging allows 60 reads a minute per project,
        // and one 429 failed the category, made the report degraded and alerted.
        gaxOptions: { timeout: options.callTimeoutMs, retry: { retryCodes: RETRY_CODES } },
        ...(pageToken ? { pageToken } : {}),
      });
      if (result.samples.length < options.sampleSize) {
        result.samples.push(
          ...entries.slice(0, options.sampleSize - result.samples.length).map(toLoggingSample),
        );
      }
      count += entries.length;
      pageToken = (next as { pageToken?: string | null } | null | undefined)?.pageToken || undefined;
      emptyPages = entries.length === 0 ? emptyPages + 1 : 0;
      if (pageToken && emptyPages >= MAX_EMPTY_PAGES) {
        throw new PipelineError(
          `Cloud Logging sent ${MAX_EMPTY_PAGES} pages in a row without an entry and still a next-page token (${count} entries so far): the count is unknown`,
          { code: PAGING_ERROR },
        );
      }
    } while (pageToken && count < options.maxEntries);
    result.count = count;
    result.countIsLowerBound = pageToken !== undefined;
    result.status = count > options.threshold ? 'errors_found' : 'ok';
  } catch (caught) {
    signal?.throwIfAborted();
    result.error = toPipelineError(caught);
  }
  return result;
}

/** Runs the logging check on checked options; one category's failure does not stop the others. */
export async function runLoggingCheck(
  options: ResolvedLoggingOptions,
  clients: ClientSet,
  now: Date,
  signal?: AbortSignal,
): Promise<LoggingCheckResult> {
  const window = { start: new Date(now.getTime() - options.lookbackMinutes * 60_000), end: now };
  let logging: Logging | undefined;
  let clientError: PipelineError | undefined;
  try {
    logging = await clients.logging();
  } catch (caught) {
    clientError = toPipelineError(caught);
  }
  // Cloud Logging allows 60 list requests a minute per project: two categories at a time is plenty.
  const scope = { ...window, minSeverity: options.minSeverity, resourceTypes: options.resourceTypes };
  const categories = await mapLimit(options.categories, 2, async (category) => {
    const filter = categoryFilter(category, scope);
    if (logging) return countCategory(logging, options, category, filter, signal);
    return { ...pendingResult(category, filter), error: clientError! };
  });
  signal?.throwIfAborted();
  const result: LoggingCheckResult = {
    projectId: options.projectId,
    checkedAt: now.toISOString(),
    lookbackMinutes: options.lookbackMinutes,
    threshold: options.threshold,
    categories,
    totalErrors: categories.reduce((sum, c) => sum + (c.count ?? 0), 0),
    findings: [],
  };
  result.findings = loggingFindings(result);
  return result;
}
