CREATE TABLE IF NOT EXISTS `nba-props-platform.mlb_reference.unresolved_players` (
  player_lookup STRING NOT NULL OPTIONS (description = 'Normalized player name: lowercase, no spaces, e.g. loganwebb'),
  player_type STRING NOT NULL OPTIONS (description = 'PITCHER, BATTER or UNKNOWN'),
  source STRING NOT NULL OPTIONS (description = 'The processor or predictor that failed to resolve the player'),
  first_seen TIMESTAMP NOT NULL OPTIONS (description = 'First miss of this player since the previous flush'),
  occurrence_count INT64 NOT NULL OPTIONS (description = 'Misses since the previous flush, not a running total'),
  reported_at TIMESTAMP NOT NULL OPTIONS (description = 'When the flush batch was built; a player has one row per flush')
)
PARTITION BY DATE(reported_at)
CLUSTER BY player_lookup, player_type, source
OPTIONS (
  partition_expiration_days = 90,
  description = 'Players the registry could not resolve, flushed by UnresolvedPlayerTracker for review'
);
