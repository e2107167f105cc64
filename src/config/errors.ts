// config is a leaf: of the errors layer it uses only the brand helper, which imports nothing.
import { brandClass } from '../errors/brand.js';
import { quoteShort } from '../shared/first-chars.js';
import { KNOWN_SPORTS } from './sports.js';

/**
 * Thrown by `getSportConfig` for a sport it does not know. A configuration mistake, never transient:
 * it is thrown at once, before any Google call, and names the sports that are known.
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
  /** The sport as it was given (before lower-casing). */
  readonly sport: string;
  /** The sports that would have been accepted. */
  readonly knownSports: readonly string[];
  /** Where the value came from: the argument or the `SPORT` environment variable. */
  readonly origin: 'argument' | 'SPORT';

  constructor(sport: string, origin: 'argument' | 'SPORT' = 'argument') {
    const from = origin === 'SPORT' ? 'the SPORT environment variable' : 'the argument';
    super(
      `Unknown sport ${JSON.stringify(sport)}: expected one of ${KNOWN_SPORTS.join(', ')} (from ${from})`,
    );
    this.name = 'UnknownSportError';
    this.sport = sport;
    this.knownSports = KNOWN_SPORTS;
    this.origin = origin;
  }

  protected static readonly brand: symbol = /* @__PURE__ */ brandClass(
    UnknownSportError,
    'UnknownSportError',
  );
}

/** A rejected value as a message quotes it: at most its first 100 characters (the value itself is kept whole). */
function quoted(value: unknown): string {
  if (typeof value === 'string') return quoteShort(value, 100);
  try {
    return String(value);
  } catch {
    return `(a ${typeof value})`;
  }
}

/**
 * Thrown by `SportConfig.table()` / `topic()` for a name that cannot be a BigQuery dataset, table or
 * Pub/Sub topic part. Rejecting dots and backticks keeps a caller's value from escaping the
 * backtick-quoted identifier it ends up in.
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
export class InvalidResourceNameError extends Error {
  readonly code = 'INVALID_RESOURCE_NAME';
  readonly transient = false;
  /** Which part was wrong. */
  readonly kind: 'dataset' | 'table' | 'phase' | 'project';
  /** The rejected value. */
  readonly value: string;

  /** `origin`: where the value came from (an environment variable), when not from the caller. */
  constructor(kind: 'dataset' | 'table' | 'phase' | 'project', value: string, rule: string, origin?: string) {
    super(`Invalid ${kind} name ${quoted(value)}${origin ? ` (from ${origin})` : ''}: ${rule}`);
    this.name = 'InvalidResourceNameError';
    this.kind = kind;
    this.value = value;
  }

  protected static readonly brand: symbol = /* @__PURE__ */ brandClass(
    InvalidResourceNameError,
    'InvalidResourceNameError',
  );
}
