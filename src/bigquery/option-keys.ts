import type { OptionSpec } from '../shared/check-options.js';

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
  attemptTimeoutMs: 'number',
  logger: 'object',
  budget: 'object',
  breaker: 'object',
  clock: 'object',
  queryGuard: 'object',
  jobIdPrefix: 'string',
};

const CALL_OPTIONS: OptionSpec = { signal: 'signal', retry: 'object' };

/** `query`, `update` and `dryRun`. */
export const QUERY_OPTIONS: OptionSpec = {
  ...CALL_OPTIONS,
  params: ['object', 'array'],
  types: 'object',
  useCache: 'boolean',
  location: 'string',
  dryRun: 'boolean',
  maximumBytesBilled: ['number', 'string', 'bigint'],
  timeoutMs: 'number',
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
};

/** `loadRows`. */
export const LOAD_OPTIONS: OptionSpec = {
  ...CALL_OPTIONS,
  ignoreUnknownValues: 'boolean',
  jobId: 'string',
  location: 'string',
};
