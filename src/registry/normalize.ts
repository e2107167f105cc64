import { PipelineError } from '../errors/index.js';
import { quoteValue, shownValue } from '../errors/redact.js';
import { notAString } from './not-a-string.js';

// Lower-case, strip diacritics (NFD, drop combining marks), then keep only [a-z0-9]. Idempotent, so a lookup
// that is already normalized ('loganwebb') is unchanged.
const COMBINING_MARKS = /\p{Mn}/gu;
const NOT_ALPHANUMERIC = /[^a-z0-9]/g;

/**
 * The registry's `player_lookup` key for a name: lower case, no diacritics, letters and digits only,
 * as the registry's `player_lookup` column holds them. A `name` that is not a string is a `TypeError`
 * naming the function and the argument. A name longer than 1024 characters (UTF-16 units, as given;
 * real ones are tens) is not a player's but a scraped page in a name field: it is refused, unread,
 * with a `PipelineError` of code `'PLAYER_NAME_TOO_LONG'`, never cut to fit (two names that differ
 * past the cut would become one player).
 *
 * @example
 * ```ts
 * import { normalizePlayerLookup } from 'gcp-pipeline-resilience';
 * normalizePlayerLookup('Logan Webb');       // 'loganwebb'
 * normalizePlayerLookup('José Alvarado');    // 'josealvarado'
 * normalizePlayerLookup("T.J. O'Neal Jr.");  // 'tjonealjr'
 * normalizePlayerLookup('loganwebb');        // 'loganwebb'
 * ```
 */
export function normalizePlayerLookup(name: string): string {
  if (typeof name !== 'string') throw notAString('normalizePlayerLookup: name', name);
  const key = lookupKeyOf(name);
  if (key === undefined) {
    throw new PipelineError(
      `normalizePlayerLookup: name is ${name.length} characters long; at most ${MAX_PLAYER_TEXT_LENGTH} (${quoteValue(name, 64)})`,
      { code: 'PLAYER_NAME_TOO_LONG' },
    );
  }
  return key;
}

/**
 * The lookup key of `name`, or `undefined` when the name is longer than any player's: then nothing
 * of it is read (the callers answer it as a miss and track nothing).
 *
 * @internal
 */
export function lookupKeyOf(name: string): string | undefined {
  if (name.length > MAX_PLAYER_TEXT_LENGTH) return undefined;
  return name.toLowerCase().normalize('NFD').replace(COMBINING_MARKS, '').replace(NOT_ALPHANUMERIC, '');
}

/**
 * The tracker's and the cache's spelling of a player type: trimmed and lower case, `'unknown'` when
 * absent or blank. The registry column and the flushed rows use the upper-case form. Any other value
 * that is not a string is a `TypeError` naming the function and the argument.
 *
 * @example
 * ```ts
 * import { normalizePlayerType } from 'gcp-pipeline-resilience';
 * normalizePlayerType(' Pitcher '); // 'pitcher'
 * normalizePlayerType(undefined);   // 'unknown'
 * ```
 */
export function normalizePlayerType(playerType: string | null | undefined): string {
  if (playerType === undefined || playerType === null) return 'unknown';
  if (typeof playerType !== 'string') {
    throw notAString('normalizePlayerType: playerType', playerType, 'a string, null or undefined');
  }
  const trimmed = playerType.trim().toLowerCase();
  return trimmed ? trimmed : 'unknown';
}

/**
 * The longest name (as given, before it is normalized), player type or source the registry takes.
 * Real ones are tens of characters; a longer one is a scraped page in a name field, which would be
 * normalized whole (CPU) and, held until the next flush or for a cache's TTL, cost its size for each
 * of `maxEntries` players.
 *
 * @internal
 */
export const MAX_PLAYER_TEXT_LENGTH = 1024;

/**
 * The start of a text for a log field or an error message, never the whole of a huge one.
 *
 * @internal
 */
export function preview(text: string): string {
  // Credentials go before the cut: one the cut runs through would no longer be recognized.
  const start = shownValue(text, 64);
  return start === text ? text : `${start} (${text.length} characters)`;
}
