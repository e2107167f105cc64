/**
 * The sports the pipeline knows. Every sport follows the same naming scheme, so adding one here is the
 * only change needed for its datasets, bucket and topics.
 *
 * @example
 * ```ts
 * import { KNOWN_SPORTS } from 'gcp-pipeline-resilience';
 * KNOWN_SPORTS; // ['nba', 'mlb']
 * ```
 */
// Frozen: the list is shared (every UnknownSportError's `knownSports` is it); a push to it made another
// sport known to the whole process.
export const KNOWN_SPORTS = /* @__PURE__ */ Object.freeze(['nba', 'mlb'] as const);

/**
 * A sport the pipeline knows.
 *
 * @example
 * ```ts
 * import { getSportConfig, KNOWN_SPORTS, type SportName } from 'gcp-pipeline-resilience';
 * const rawTable = (sport: SportName, name: string) => getSportConfig(sport).table(`${sport}_raw`, name);
 * const gameTables = KNOWN_SPORTS.map((sport) => rawTable(sport, 'games'));
 * ```
 */
export type SportName = (typeof KNOWN_SPORTS)[number];

/**
 * The sport used when neither the caller nor the `SPORT` variable names one.
 *
 * @example
 * ```ts
 * import { DEFAULT_SPORT } from 'gcp-pipeline-resilience';
 * DEFAULT_SPORT; // 'nba'
 * ```
 */
export const DEFAULT_SPORT: SportName = 'nba';

/**
 * Whether a value names a known sport exactly (lower case, no surrounding spaces).
 *
 * @example
 * ```ts
 * import { isKnownSport } from 'gcp-pipeline-resilience';
 * isKnownSport('mlb'); // true
 * isKnownSport('nhl'); // false
 * ```
 */
export function isKnownSport(value: unknown): value is SportName {
  return typeof value === 'string' && (KNOWN_SPORTS as readonly string[]).includes(value);
}
