/**
 * Player registry reader (TTL cache, batch lookups) and the unresolved-player tracker and flusher.
 * @packageDocumentation
 */
export { UNRESOLVED_PLAYERS_DDL, UNRESOLVED_PLAYERS_TABLE, unresolvedPlayersTableDdl } from './ddl.js';
export type { FlushOnExitOptions } from './exit-hook.js';
export { normalizePlayerLookup, normalizePlayerType } from './normalize.js';
export {
  type LookupOptions,
  PlayerRegistryReader,
  type PlayerRegistryReaderOptions,
  type RegistryReaderStats,
} from './reader.js';
export {
  type FlushOptions,
  type FlushResult,
  type UnresolvedPlayer,
  type UnresolvedPlayerRow,
  UnresolvedPlayerTracker,
  type UnresolvedPlayerTrackerOptions,
} from './tracker.js';
export type {
  RegistryExecutor,
  RegistryInsertOptions,
  RegistryQueryOptions,
} from './types.js';
