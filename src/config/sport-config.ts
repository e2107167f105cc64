import { builtInName } from '../shared/check-options.js';
import { InvalidConfigEnvError, InvalidResourceNameError, UnknownSportError } from './errors.js';
import { DEFAULT_SPORT, isKnownSport, type SportName } from './sports.js';
import { checkProjectId, isDatasetId, tableIdProblem } from './table-name.js';

/**
 * The GCP project every table and topic lives in when neither `GCP_PROJECT_ID` nor
 * `GOOGLE_CLOUD_PROJECT` names one.
 *
 * @example
 * ```ts
 * import { DEFAULT_PROJECT_ID } from 'gcp-pipeline-resilience';
 * DEFAULT_PROJECT_ID; // 'nba-props-platform'
 * ```
 */
export const DEFAULT_PROJECT_ID = 'nba-props-platform';

/**
 * The environment variables the config reads: `SPORT`, `GCP_PROJECT_ID`, `GOOGLE_CLOUD_PROJECT`.
 * `process.env` by default; tests pass a plain object.
 *
 * @example
 * ```ts
 * import { getSportConfig, type ConfigEnv } from 'gcp-pipeline-resilience';
 * const env: ConfigEnv = { SPORT: 'mlb', GCP_PROJECT_ID: 'my-project' };
 * getSportConfig(undefined, env).projectId; // 'my-project'
 * ```
 */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/**
 * Everything a processor needs to name its resources for one sport. Plain, frozen data plus two
 * pure helpers; nothing is cached between calls of `getSportConfig`.
 *
 * @example
 * ```ts
 * import { getSportConfig, type SportConfig } from 'gcp-pipeline-resilience';
 * const config: SportConfig = getSportConfig('mlb');
 * config.referenceDataset;                          // 'mlb_reference'
 * config.topic('phase1-scrapers-complete');         // 'mlb-phase1-scrapers-complete'
 * config.table(config.rawDataset, 'games');         // 'nba-props-platform.mlb_raw.games'
 * ```
 */
export interface SportConfig {
  readonly sport: SportName;
  readonly projectId: string;
  /** `{sport}-scraped-data` */
  readonly bucket: string;
  /** `{sport}_raw` */
  readonly rawDataset: string;
  /** `{sport}_analytics` */
  readonly analyticsDataset: string;
  /** `{sport}_precompute` */
  readonly precomputeDataset: string;
  /** `{sport}_predictions` */
  readonly predictionsDataset: string;
  /** `{sport}_reference` */
  readonly referenceDataset: string;
  /** `{sport}_orchestration` */
  readonly orchestrationDataset: string;
  /** `{sport}-{phase}`, e.g. `mlb-phase1-scrapers-complete`. */
  topic(phase: string): string;
  /** The fully qualified `project.dataset.name`, ready to go between backticks. */
  table(dataset: string, name: string): string;
}

// Pub/Sub topic ids: letters, digits and - _ . ~ + %, at most 255 characters; the phase is a suffix of one.
const MAX_TOPIC_ID_LENGTH = 255;
const TOPIC_PART = /^[A-Za-z0-9\-_.~+%]+$/;

function defaultEnv(): ConfigEnv {
  // Read at call time, so a variable set after import (a test, a new revision) is seen.
  // `globalThis.process` keeps this leaf importable where `process` does not exist.
  return (globalThis as { process?: { env?: ConfigEnv } }).process?.env ?? {};
}

/**
 * The variable's value, trimmed, or `undefined` when it is unset or blank. A value that is not a
 * string (a caller's plain object: `{ GCP_PROJECT_ID: 42 }`) is an `InvalidConfigEnvError` naming
 * the variable, not a `TypeError` from `trim`.
 */
function variableOf(env: ConfigEnv, variable: string): string | undefined {
  let value: unknown;
  try {
    value = env[variable];
  } catch (thrown) {
    // A getter or a Proxy trap (a secrets wrapper) that threw: its text may carry a credential.
    throw new InvalidConfigEnvError(variable, undefined, { thrown });
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidConfigEnvError(variable, value);
  return value.trim() || undefined;
}

/**
 * `env` if it is an object of variables; else the error naming what it is. A built-in's instance (a
 * `Map`, a `Date`) or an iterable (a `URLSearchParams`, a `Headers`) holds its variables as entries
 * that reading a property never finds: read as empty, it gave the defaults (another sport, the
 * default project) without a word.
 */
function checkEnv(env: unknown): ConfigEnv {
  if (typeof env !== 'object' || env === null) throw new InvalidConfigEnvError(undefined, env);
  let wrongKind: boolean;
  try {
    wrongKind = Array.isArray(env) || Boolean(builtInName(env)) || Symbol.iterator in env;
  } catch (thrown) {
    // A Proxy whose `has` trap throws (a secrets wrapper), or a revoked one: its text may carry a credential.
    throw new InvalidConfigEnvError(undefined, env, { thrown });
  }
  if (wrongKind) throw new InvalidConfigEnvError(undefined, env);
  return env as ConfigEnv;
}

/**
 * The project from the environment, checked: `table()` pastes it between backticks, where a backtick,
 * a space or a stray '.' would change what the name refers to or break out of its quoting.
 */
function resolveProjectId(env: ConfigEnv): string {
  for (const variable of ['GCP_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT'] as const) {
    const value = variableOf(env, variable);
    if (value === undefined) continue;
    return checkProjectId(value, variable);
  }
  return DEFAULT_PROJECT_ID;
}

function resolveSport(sport: string | undefined, env: ConfigEnv): SportName {
  const fromArgument = sport !== undefined;
  if (fromArgument && typeof sport !== 'string') {
    throw new UnknownSportError(sport === null ? 'null' : `(a ${typeof sport})`, 'argument');
  }
  const raw = fromArgument ? sport : variableOf(env, 'SPORT');
  if (raw === undefined) return DEFAULT_SPORT;
  // Case and surrounding spaces carry no meaning in a sport name: 'MLB' and ' mlb ' mean mlb.
  const normalized = raw.trim().toLowerCase();
  if (!isKnownSport(normalized)) throw new UnknownSportError(raw, fromArgument ? 'argument' : 'SPORT');
  return normalized;
}

/**
 * The sport config of `sport` (case-insensitive), or of the `SPORT` environment variable, or of
 * `nba`. `projectId` comes from `GCP_PROJECT_ID`, then `GOOGLE_CLOUD_PROJECT`, then
 * {@link DEFAULT_PROJECT_ID}. The environment is read on every call, so a test or a Cloud Run
 * revision that sets a variable after import sees it. An unknown sport throws
 * {@link UnknownSportError} naming the known ones; an `env` that is not an object of variables, or a
 * variable read that holds something other than a string, throws {@link InvalidConfigEnvError}.
 *
 * @param sport - `'nba'` or `'mlb'` in any case; omit to use `SPORT` / `nba`.
 * @param env - The variables to read; `process.env` by default.
 *
 * @example
 * ```ts
 * import { getSportConfig } from 'gcp-pipeline-resilience';
 *
 * const mlb = getSportConfig('mlb');
 * mlb.bucket;                                   // 'mlb-scraped-data'
 * mlb.topic('phase1-scrapers-complete');        // 'mlb-phase1-scrapers-complete'
 * mlb.table(mlb.referenceDataset, 'unresolved_players');
 * // 'nba-props-platform.mlb_reference.unresolved_players'
 *
 * getSportConfig(undefined, { SPORT: 'MLB', GCP_PROJECT_ID: 'staging' }).projectId; // 'staging'
 * ```
 */
export function getSportConfig(sport?: string, env: ConfigEnv = defaultEnv()): SportConfig {
  checkEnv(env);
  const resolved = resolveSport(sport, env);
  const projectId = resolveProjectId(env);
  const topicPrefix = resolved;

  const config: SportConfig = {
    sport: resolved,
    projectId,
    bucket: `${resolved}-scraped-data`,
    rawDataset: `${resolved}_raw`,
    analyticsDataset: `${resolved}_analytics`,
    precomputeDataset: `${resolved}_precompute`,
    predictionsDataset: `${resolved}_predictions`,
    referenceDataset: `${resolved}_reference`,
    orchestrationDataset: `${resolved}_orchestration`,
    topic(phase: string): string {
      // A phase that is not a string would be written out ('mlb-undefined' for an unset variable).
      if (typeof phase !== 'string' || !TOPIC_PART.test(phase)) {
        throw new InvalidResourceNameError('phase', phase, 'use letters, digits and - _ . ~ + %');
      }
      const topic = `${topicPrefix}-${phase}`;
      if (topic.length > MAX_TOPIC_ID_LENGTH) {
        throw new InvalidResourceNameError(
          'phase',
          phase,
          `the topic id "${topicPrefix}-<phase>" must be at most ${MAX_TOPIC_ID_LENGTH} characters`,
        );
      }
      return topic;
    },
    table(dataset: string, name: string): string {
      if (typeof dataset !== 'string' || !isDatasetId(dataset)) {
        throw new InvalidResourceNameError('dataset', dataset, 'use letters, digits and underscores');
      }
      const problem = typeof name === 'string' ? tableIdProblem(name) : 'a table name is a string';
      if (problem !== undefined) throw new InvalidResourceNameError('table', name, problem);
      return `${projectId}.${dataset}.${name}`;
    },
  };
  return Object.freeze(config);
}
