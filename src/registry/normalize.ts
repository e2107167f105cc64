import { firstChars } from '../shared/first-chars.js';
import { notAString } from './not-a-string.js';

// Lower-case, strip diacritics (NFD, drop combining marks), then keep only [a-z0-9]. Idempotent, so a lookup
// that is already normalized ('loganwebb') is unchanged.
const COMBINING_MARKS = /\p{Mn}/gu;
const NOT_ALPHANUMERIC = /[^a-z0-9]/g;

/**
 * The registry's `player_lookup` key for a name: lower case, no diacritics, letters and digits only,
 * as the registry's `player_lookup` column holds them. A `name` that is not a string is a `TypeError`
 * naming the function and the argument.
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
 * The longest lookup (normalized), player type or source the registry holds. Real ones are tens of
 * characters; a longer one is a scraped page in a name field, which, held until the next flush or
 * for a cache's TTL, would cost its size for each of `maxEntries` players.
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
  const start = firstChars(text, 64);
  return start === text ? text : `${start} (${text.length} characters)`;
}
