// config is a leaf: of the errors layer it uses only the brand helper and the redaction patterns,
// which import nothing of the taxonomy; of shared, the value describer the retry path bundles anyway.
import { brandClass } from '../errors/brand.js';
import { quoteValue, removeSecrets, shownValue } from '../errors/redact.js';
import { scrubCause } from '../errors/scrub.js';
import { describeValue, thrownMessage } from '../shared/check-options.js';
import { KNOWN_SPORTS } from './sports.js';

/** Characters of a rejected name given as an argument that a message quotes: a hostile one cannot flood it. */
const QUOTED_ARGUMENT_CHARACTERS = 100;

/**
 * Thrown by `getSportConfig` for a sport it does not know. A configuration mistake, never transient:
 * it is thrown at once, before any Google call, and names the sports that are known. A value from
 * the `SPORT` variable is shown, in the message and in `sport`, only with credentials removed and cut
 * to its first 32 characters (a key set in the wrong variable does not reach the logs); one given as
 * the argument, with credentials removed.
 *
 * @example
 * ```ts
 * import { getSportConfig, UnknownSportError } from 'gcp-pipeline-resilience';
 * try {
 *   getSportConfig('nhl');
 * } catch (err) {
 *   if (err instanceof UnknownSportError) console.error(err.message);
 *   // Unknown sport "nhl": expected one of nba, mlb (from the argument)
 * }
 * ```
 */
export class UnknownSportError extends Error {
  /** Stable machine-readable code, like `PipelineError.code`. */
  readonly code = 'UNKNOWN_SPORT';
  /** Configuration errors never heal by retrying. */
  readonly transient = false;
  /**
   * The sport as it was given (before lower-casing), credentials removed; from `SPORT`, also cut to
   * its first 32 characters.
   */
  readonly sport: string;
  /** The sports that would have been accepted. */
  readonly knownSports: readonly string[];
  /** Where the value came from: the argument or the `SPORT` environment variable. */
  readonly origin: 'argument' | 'SPORT';

  constructor(sport: string, origin: 'argument' | 'SPORT' = 'argument') {
    const fromEnv = origin === 'SPORT';
    const from = fromEnv ? 'the SPORT environment variable' : 'the argument';
    super(`Unknown sport ${quoteValue(sport)}: expected one of ${KNOWN_SPORTS.join(', ')} (from ${from})`);
    this.name = 'UnknownSportError';
    this.sport = fromEnv ? shownValue(sport) : removeSecrets(sport);
    this.knownSports = KNOWN_SPORTS;
    this.origin = origin;
  }

  protected static readonly brand: symbol = /* @__PURE__ */ brandClass(
    UnknownSportError,
    'UnknownSportError',
  );
}

/**
 * A rejected value as a message quotes it, credentials removed: at most its first 32 characters when
 * an environment variable held it, 100 when the caller gave it.
 */
function quoted(value: unknown, fromEnv: boolean): string {
  if (typeof value === 'string') return quoteValue(value, fromEnv ? undefined : QUOTED_ARGUMENT_CHARACTERS);
  // Named by its kind, never by its text: String() of a URL keeps its password and key.
  return described(value);
}

/**
 * Thrown by `SportConfig.table()` / `topic()`, by `parseTableName` and by everything that checks a
 * table name through it (the executor, the registry reader and tracker, the DDL builder) for a name
 * that cannot be a GCP project id, a BigQuery dataset or table id or a Pub/Sub topic part. `kind`
 * names the part at fault and `value` is that part. Rejecting dots and backticks keeps a caller's
 * value from escaping the backtick-quoted identifier it ends up in. It is a `TypeError` (bad input),
 * so callers that catch those keep working. A project id read from an environment variable
 * (`GCP_PROJECT_ID`, `GOOGLE_CLOUD_PROJECT`) or given as an option (`projectId` of `BigQueryExecutor`,
 * `PlayerRegistryReader`, `UnresolvedPlayerTracker`) is named by the variable or the option and shown,
 * in the message and in `value`, only with credentials removed and cut to its first 32 characters.
 *
 * @example
 * ```ts
 * import { getSportConfig, InvalidResourceNameError } from 'gcp-pipeline-resilience';
 * try {
 *   getSportConfig('mlb').table('mlb_raw', 'x` OR 1=1 --');
 * } catch (err) {
 *   if (err instanceof InvalidResourceNameError) console.error(err.kind, err.value);
 * }
 * ```
 */
export class InvalidResourceNameError extends TypeError {
  readonly code = 'INVALID_RESOURCE_NAME';
  readonly transient = false;
  /** Which part was wrong. */
  readonly kind: 'dataset' | 'table' | 'phase' | 'project';
  /**
   * The rejected value, credentials removed; from an environment variable or an option, also cut to
   * its first 32 characters. A name given as an argument is otherwise kept whole; a value that is not
   * a string is named by its kind (`a URL`, `a number (1)`), never by its text.
   */
  readonly value: string;

  /**
   * `origin`: where the value came from (an environment variable, an option), when not from an
   * argument;
   * `within`: the whole name the part was found in (`project.dataset.table`), for the message.
   */
  constructor(
    kind: 'dataset' | 'table' | 'phase' | 'project',
    value: string,
    rule: string,
    origin?: string,
    within?: string,
  ) {
    const fromEnv = origin !== undefined;
    const where = `${fromEnv ? ` (from ${origin})` : ''}${within === undefined ? '' : ` in ${quoted(within, fromEnv)}`}`;
    super(`Invalid ${kind} name ${quoted(value, fromEnv)}${where}: ${rule}`);
    this.name = 'InvalidResourceNameError';
    this.kind = kind;
    this.value =
      typeof value !== 'string' ? described(value) : fromEnv ? shownValue(value) : removeSecrets(value);
  }

  protected static readonly brand: symbol = /* @__PURE__ */ brandClass(
    InvalidResourceNameError,
    'InvalidResourceNameError',
  );
}

/** What a value is, for a message; a string as every configuration value is shown. */
function described(value: unknown): string {
  if (typeof value === 'string') return `a string (${quoteValue(value)})`;
  try {
    // A Map or a URLSearchParams holds its variables as entries, not properties: say which it is.
    const named = typeof value === 'object' && value !== null && !Array.isArray(value) && classNameOf(value);
    return named ? `a ${named}` : describeValue(value);
  } catch {
    // A revoked Proxy (Array.isArray throws): the error being made must still be made.
    return typeof value === 'function' ? 'a function' : 'an object';
  }
}

/** The class an object is an instance of, when not a plain object's; never a throw. */
function classNameOf(value: object): string | undefined {
  try {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Thrown by `getSportConfig` (and everything that reads the sport config with a caller's `env`) when
 * `env` is not an object of environment variables (`null`, a string, a number, an array), or when a
 * variable it reads (`SPORT`, `GCP_PROJECT_ID`, `GOOGLE_CLOUD_PROJECT`) holds something other than a
 * string or cannot be read (a getter or a Proxy trap that throws: what it threw is the `cause`,
 * credentials removed); `undefined` and `null` mean unset. `variable` names that variable, or is
 * `undefined` when `env` itself is wrong (a `Map` too: its entries are not variables; a Proxy whose
 * trap throws when asked what it is: `env could not be read`, what it threw as the `cause`). A string
 * is shown as every configuration value is: credentials removed, cut to its first 32 characters. A
 * `TypeError` (bad input), never transient.
 *
 * @example
 * ```ts
 * import { getSportConfig, InvalidConfigEnvError } from 'gcp-pipeline-resilience';
 * try {
 *   getSportConfig('nba', JSON.parse('null'));
 * } catch (err) {
 *   if (err instanceof InvalidConfigEnvError) console.error(err.message);
 *   // env must be an object of environment variables, got null
 * }
 * ```
 */
export class InvalidConfigEnvError extends TypeError {
  readonly code = 'INVALID_CONFIG_ENV';
  readonly transient = false;
  /** The variable whose value is wrong; `undefined` when `env` itself is not an object. */
  readonly variable: string | undefined;

  /** `unread`: the variable's read threw this instead of giving `value`. */
  constructor(variable: string | undefined, value: unknown, unread?: { thrown: unknown }) {
    super(
      unread
        ? `env${variable === undefined ? '' : `.${variable}`} could not be read: ${thrownMessage(unread.thrown)}`
        : variable === undefined
          ? `env must be an object of environment variables, got ${described(value)}`
          : `env.${variable} must be a string, got ${described(value)}`,
      unread && { cause: scrubCause(unread.thrown) },
    );
    this.name = 'InvalidConfigEnvError';
    this.variable = variable;
  }

  protected static readonly brand: symbol = /* @__PURE__ */ brandClass(
    InvalidConfigEnvError,
    'InvalidConfigEnvError',
  );
}
