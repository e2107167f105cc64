import { brandClass } from './brand.js';
import { causeOf, PipelineError } from './pipeline-error.js';

/**
 * Options of {@link PlayerNotFoundError}.
 *
 * @example
 * ```ts
 * import { PlayerNotFoundError, type PlayerNotFoundErrorOptions } from 'gcp-pipeline-resilience';
 * // A fake registry in a test misses as the real reader does.
 * const miss = (lookup: string): PlayerNotFoundErrorOptions => ({ lookup, playerType: 'pitcher' });
 * const fakeLookup = async (lookup: string): Promise<never> => {
 *   throw new PlayerNotFoundError(`no registry entry for ${lookup}`, miss(lookup));
 * };
 * ```
 */
export interface PlayerNotFoundErrorOptions {
  /** The normalized lookup key that was not found. */
  lookup: string;
  /** The kind of player looked up, when the registry distinguishes them. */
  playerType?: string;
  /** The value that was thrown, if any, kept as `cause`. */
  cause?: unknown;
}

/**
 * The player registry has no entry for a required lookup. Code `'PLAYER_NOT_FOUND'`, not transient.
 *
 * @example
 * ```ts
 * import { PlayerNotFoundError } from 'gcp-pipeline-resilience';
 *
 * const err = new PlayerNotFoundError('Player "lebronjames" is not in the registry', { lookup: 'lebronjames' });
 * err.lookup; // 'lebronjames'
 * ```
 */
export class PlayerNotFoundError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    PlayerNotFoundError,
    'PlayerNotFoundError',
  );

  /** The normalized lookup key that was not found. */
  readonly lookup: string;
  /** The kind of player looked up. */
  readonly playerType?: string;

  constructor(message: string, options: PlayerNotFoundErrorOptions) {
    super(message, {
      code: 'PLAYER_NOT_FOUND',
      transient: false,
      ...causeOf(options),
    });
    this.lookup = options.lookup;
    this.playerType = options.playerType;
  }
}
