/**
 * The demo's fixed data set: an MLB players registry, a week of raw pitcher/batter lines, and the
 * completion messages a scraper sends for them (valid ones, one re-send, and malformed ones).
 * The data never changes with `--seed`: only the faults do, so two runs are comparable.
 */
import { normalizePlayerLookup } from '../src/index.js';

/** One line of the raw table the processor reads (`mlb_raw.player_game_lines`). */
export interface RawLine {
  game_date: string;
  game_id: string;
  player_name: string;
  player_type: 'PITCHER' | 'BATTER';
  strikeouts: number;
  hits: number;
}

/** One row of the registry (`mlb_reference.mlb_players_registry`), the columns the reader uses. */
export interface RegistryRow {
  player_lookup: string;
  universal_player_id: string;
  player_type: 'PITCHER' | 'BATTER';
  processed_at: string;
}

/** A malformed message, published raw (bypassing `publishValidated`) to exercise dead-lettering. */
export interface MalformedMessage {
  label: string;
  data: Buffer;
}

const KNOWN_PITCHERS = [
  'Logan Webb',
  'Gerrit Cole',
  'Zack Wheeler',
  'Tarik Skubal',
  'Corbin Burnes',
  'Chris Sale',
];
const KNOWN_BATTERS = [
  'Aaron Judge',
  'Shohei Ohtani',
  'Mookie Betts',
  'Juan Soto',
  'José Ramírez',
  'Bobby Witt Jr.',
];
/** Not in the registry: every lookup of them is a miss that ends up in `unresolved_players`. */
const UNKNOWN_PITCHERS = ['Rookie Callup'];
const UNKNOWN_BATTERS = ['Waiver Claim', 'Jose Nobody'];

/** The game dates the scraper completes, one message each. */
export const GAME_DATES = [
  '2026-04-01',
  '2026-04-02',
  '2026-04-03',
  '2026-04-04',
  '2026-04-05',
  '2026-04-06',
];

/** `'José Ramírez'` -> `'joseramirez'`: the registry's spelling. */
const lookupOf = normalizePlayerLookup;

/** Registry rows; Logan Webb has an older id too, so "latest processed_at wins" is exercised. */
export function registryRows(): RegistryRow[] {
  const rows: RegistryRow[] = [
    {
      player_lookup: 'loganwebb',
      universal_player_id: 'mlb_webb_2024',
      player_type: 'PITCHER',
      processed_at: '2025-03-01T00:00:00Z',
    },
  ];
  KNOWN_PITCHERS.forEach((name, i) => {
    rows.push({
      player_lookup: lookupOf(name),
      universal_player_id: `mlb_p${String(i + 1).padStart(4, '0')}`,
      player_type: 'PITCHER',
      processed_at: '2025-09-01T00:00:00Z',
    });
  });
  KNOWN_BATTERS.forEach((name, i) => {
    rows.push({
      player_lookup: lookupOf(name),
      universal_player_id: `mlb_b${String(i + 1).padStart(4, '0')}`,
      player_type: 'BATTER',
      processed_at: '2025-09-01T00:00:00Z',
    });
  });
  return rows;
}

/**
 * Raw lines: per date two games, each with two pitchers and three batters drawn round-robin from
 * the known and unknown players, so every date has some unresolved players.
 */
export function rawLines(): RawLine[] {
  const pitchers = [...KNOWN_PITCHERS, ...UNKNOWN_PITCHERS];
  const batters = [...KNOWN_BATTERS, ...UNKNOWN_BATTERS];
  const lines: RawLine[] = [];
  let p = 0;
  let b = 0;
  GAME_DATES.forEach((date, d) => {
    for (let g = 0; g < 2; g++) {
      const gameId = `${date.replaceAll('-', '')}_G${g + 1}`;
      for (let k = 0; k < 2; k++) {
        const name = pitchers[p++ % pitchers.length]!;
        lines.push({
          game_date: date,
          game_id: gameId,
          player_name: name,
          player_type: 'PITCHER',
          strikeouts: (d * 3 + g * 5 + k * 7) % 11,
          hits: (d + g + k) % 6,
        });
      }
      for (let k = 0; k < 3; k++) {
        const name = batters[b++ % batters.length]!;
        lines.push({
          game_date: date,
          game_id: gameId,
          player_name: name,
          player_type: 'BATTER',
          strikeouts: (d + g * 2 + k) % 4,
          hits: (d * 2 + g + k * 3) % 5,
        });
      }
    }
  });
  return lines;
}

/** The analytics table's key of a raw line: what must be written exactly once. */
export function analyticsKey(line: { game_date: string; game_id: string; player_name: string }): string {
  return `${line.game_date}|${line.game_id}|${lookupOf(line.player_name)}`;
}

/** What the scraper reports for each date (valid `Phase2CompletionMessage` payloads). */
export function completionPayloads(lines: readonly RawLine[]) {
  return GAME_DATES.map((date) => ({
    processor_name: 'MlbPlayerGameLinesProcessor',
    game_date: date,
    output_table: 'player_game_lines',
    output_dataset: 'mlb_raw',
    status: 'success' as const,
    record_count: lines.filter((l) => l.game_date === date).length,
    execution_id: `scrape-${date}`,
  }));
}

/**
 * Messages no schema-aware publisher would send: the handler must dead-letter each one, and none may
 * reach the processor.
 */
export function malformedMessages(): MalformedMessage[] {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
  return [
    {
      label: 'bad JSON',
      data: Buffer.from('{"processor_name": "MlbPlayerGameLinesProcessor", "game_date": ', 'utf8'),
    },
    { label: 'missing required fields', data: json({ status: 'success', record_count: 12 }) },
    {
      label: 'impossible date 2026-02-30',
      data: json({ processor_name: 'MlbPlayerGameLinesProcessor', game_date: '2026-02-30' }),
    },
    {
      label: 'negative record_count',
      data: json({
        processor_name: 'MlbPlayerGameLinesProcessor',
        game_date: '2026-04-03',
        record_count: -5,
      }),
    },
  ];
}
