import { RETRY_OPTION_KEYS } from '../retry/options.js';
import { checkOptions, OPTION_ALIASES, type OptionSpec } from '../shared/check-options.js';

/**
 * Every option key the executor accepts, and the kind of its value. Anything else is refused with
 * a hint (`parameters` -> `params`): the executor builds every BigQuery request field itself from
 * these, so a key BigQuery knows but the executor does not (`defaultDataset`, `priority`, ...) is
 * refused too rather than silently ignored.
 */
export const EXECUTOR_OPTIONS: OptionSpec = {
  client: 'object',
  projectId: 'string',
  location: 'string',
  retry: 'object',
  maximumBytesBilled: ['number', 'string', 'bigint'],
  queryGuard: 'object',
  jobIdPrefix: 'string',
  writeClient: 'object',
  onRequest: 'function',
  recordQueryText: 'boolean',
  shutdown: ['object', 'boolean'],
};

const CALL_OPTIONS: OptionSpec = { retry: 'object' };

/** `query`, `update` and `dryRun`. */
export const QUERY_OPTIONS: OptionSpec = {
  ...CALL_OPTIONS,
  params: ['object', 'array'],
  types: 'object',
  useCache: 'boolean',
  location: 'string',
  dryRun: 'boolean',
  maximumBytesBilled: ['number', 'string', 'bigint'],
  jobTimeoutMs: 'number',
  labels: 'object',
  jobId: 'string',
  pageSize: 'number',
  wrapIntegers: 'boolean',
};

/** `insertRows`. */
export const INSERT_OPTIONS: OptionSpec = {
  ...CALL_OPTIONS,
  insertId: 'function',
  batchRows: 'number',
  batchBytes: 'number',
  skipInvalidRows: 'boolean',
  ignoreUnknownValues: 'boolean',
  throwOnFailure: 'boolean',
  concurrency: 'number',
};

/** `writeRows`. */
export const WRITE_OPTIONS: OptionSpec = {
  ...CALL_OPTIONS,
  mode: 'string',
  batchRows: 'number',
  batchBytes: 'number',
  maxInflightRequests: 'number',
  maxInflightBytes: 'number',
  ignoreUnknownValues: 'boolean',
};

/** `loadRows`. */
export const LOAD_OPTIONS: OptionSpec = {
  ...CALL_OPTIONS,
  ignoreUnknownValues: 'boolean',
  jobId: 'string',
  location: 'string',
  jobBytes: 'number',
  concurrency: 'number',
};

/** Where a key that is not the executor's own lives: the retry options, or a BigQuery-side limit. */
function whereItLives(key: string): string | undefined {
  if (key === 'timeoutMs') {
    return "'timeoutMs' is not an executor option: pass { retry: { deadlineMs } } for the whole call, or jobTimeoutMs for BigQuery's limit on the query's job";
  }
  if (RETRY_OPTION_KEYS.includes(key)) {
    return `'${key}' is a retry option: pass it as { retry: { ${key} } } (every retry option lives in retry)`;
  }
  return undefined;
}

/**
 * Checks executor or call options against their spec; a retry option given beside `retry` (`{ signal }`,
 * `{ attemptTimeoutMs }`) is refused with where it belongs, the rest as `checkOptions` does.
 */
export function checkExecutorOptions(where: string, options: unknown, spec: OptionSpec): void {
  if (typeof options === 'object' && options !== null) {
    for (const key in options) {
      if (Object.hasOwn(spec, key)) continue;
      const hint = whereItLives(key);
      if (hint !== undefined) throw new TypeError(`${where}: ${hint}`);
    }
  }
  checkOptions(where, options, spec, OPTION_ALIASES);
}
