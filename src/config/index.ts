/**
 * Sport config: project, bucket, datasets, topics and table names for nba and mlb.
 * @packageDocumentation
 */
export { InvalidConfigEnvError, InvalidResourceNameError, UnknownSportError } from './errors.js';
export { type ConfigEnv, DEFAULT_PROJECT_ID, getSportConfig, type SportConfig } from './sport-config.js';
export { DEFAULT_SPORT, isKnownSport, KNOWN_SPORTS, type SportName } from './sports.js';
