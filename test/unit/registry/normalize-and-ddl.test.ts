import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  normalizePlayerLookup,
  normalizePlayerType,
  UNRESOLVED_PLAYERS_DDL,
  unresolvedPlayersTableDdl,
} from '../../../src/registry/index.js';

describe('normalizePlayerLookup: the original normalize_name_for_lookup', () => {
  it.each([
    ['LeBron James Jr.', 'lebronjamesjr'],
    ['José Alvarado', 'josealvarado'],
    ["O'Neal", 'oneal'],
    ['Dāvis Bertāns', 'davisbertans'],
    ['Karl-Anthony Towns', 'karlanthonytowns'],
    ['P.J. Tucker', 'pjtucker'],
    ['Logan Webb', 'loganwebb'],
    ['loganwebb', 'loganwebb'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizePlayerLookup(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = normalizePlayerLookup('Bogdan Bogdanović');
    expect(normalizePlayerLookup(once)).toBe(once);
  });

  it("normalizes types to trimmed lower case, 'unknown' when blank", () => {
    expect(normalizePlayerType(' PITCHER ')).toBe('pitcher');
    expect(normalizePlayerType('')).toBe('unknown');
    expect(normalizePlayerType(undefined)).toBe('unknown');
  });
});

describe('the unresolved_players DDL', () => {
  it('is shipped verbatim as sql/unresolved_players.sql', () => {
    const file = readFileSync(new URL('../../../sql/unresolved_players.sql', import.meta.url), 'utf8');
    expect(file).toBe(UNRESOLVED_PLAYERS_DDL);
  });

  it("is the validated builder's statement for the shipped table id", () => {
    // The constant skips the parser at import; the same id through the public builder must agree.
    expect(unresolvedPlayersTableDdl('nba-props-platform.mlb_reference.unresolved_players')).toBe(
      UNRESOLVED_PLAYERS_DDL,
    );
  });

  it('declares the original columns, NOT NULL, partitioning, clustering and 90-day expiry', () => {
    const ddl = unresolvedPlayersTableDdl('my-proj.mlb_reference.unresolved_players');
    expect(ddl).toMatch(/^CREATE TABLE IF NOT EXISTS `my-proj\.mlb_reference\.unresolved_players` \(/);
    for (const column of [
      'player_lookup STRING NOT NULL',
      'player_type STRING NOT NULL',
      'source STRING NOT NULL',
      'first_seen TIMESTAMP NOT NULL',
      'occurrence_count INT64 NOT NULL',
      'reported_at TIMESTAMP NOT NULL',
    ]) {
      expect(ddl).toContain(column);
    }
    expect(ddl).toContain('PARTITION BY DATE(reported_at)');
    expect(ddl).toContain('CLUSTER BY player_lookup, player_type, source');
    expect(ddl).toContain('partition_expiration_days = 90');
    expect(UNRESOLVED_PLAYERS_DDL).toContain('`nba-props-platform.mlb_reference.unresolved_players`');
  });

  it('refuses a table id that is not project.dataset.table', () => {
    expect(() => unresolvedPlayersTableDdl('mlb_reference.unresolved_players')).toThrow(TypeError);
    expect(() => unresolvedPlayersTableDdl('p.d.t`; DROP TABLE x; --')).toThrow(TypeError);
  });

  it('refuses a partition decorator, which CREATE TABLE cannot take', () => {
    expect(() => unresolvedPlayersTableDdl('my-proj.mlb_reference.unresolved_players$20260601')).toThrow(
      /without a partition decorator/,
    );
  });
});
