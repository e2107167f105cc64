/**
 * Counting what landed, by querying the tables after the run: duplicates and losses are measured,
 * never assumed.
 */
import type { BigQueryExecutor } from '../src/index.js';
import type { RawLine, RegistryRow } from './demo-data.js';

/** One line of the final table. */
export interface TableCheck {
  table: string;
  /** Rows that should be there. */
  expected: number;
  /** COUNT(*). */
  found: number;
  /** COUNT(DISTINCT key). */
  distinct: number;
  /** found - distinct: rows written more than once. */
  duplicates: number;
  /** Expected keys (or occurrences) missing. */
  lost: number;
  /** What the key is. */
  key: string;
}

interface VerifyInput {
  tables: { raw: string; analytics: string; registry: string; unresolved: string };
  lines: readonly RawLine[];
  registry: readonly RegistryRow[];
  expectedAnalyticsKeys: ReadonlySet<string>;
  trackedUnresolved: Readonly<Record<string, number>>;
}

interface CountRow {
  found: number;
  distinct_keys: number;
}

const n = (value: unknown) => Number(value ?? 0);

async function counts(executor: BigQueryExecutor, table: string, key: string): Promise<CountRow> {
  const [row] = await executor.query<CountRow>(
    `SELECT COUNT(*) AS found, COUNT(DISTINCT ${key}) AS distinct_keys FROM \`${table}\``,
    { useCache: false },
  );
  return { found: n(row?.found), distinct_keys: n(row?.distinct_keys) };
}

/**
 * Queries every table: row counts, distinct keys, and for the two output tables the keys themselves,
 * compared with what should be there.
 */
export async function verifyTables(executor: BigQueryExecutor, input: VerifyInput) {
  const { tables } = input;
  const checks: TableCheck[] = [];

  const rawKey = "CONCAT(CAST(game_date AS STRING), '|', game_id, '|', player_name)";
  const raw = await counts(executor, tables.raw, rawKey);
  checks.push(
    check(
      tables.raw,
      'date|game|name',
      input.lines.length,
      raw,
      Math.max(0, input.lines.length - raw.distinct_keys),
    ),
  );

  const registryKey = "CONCAT(player_lookup, '|', player_type, '|', universal_player_id)";
  const registry = await counts(executor, tables.registry, registryKey);
  checks.push(
    check(
      tables.registry,
      'lookup|type|id',
      input.registry.length,
      registry,
      Math.max(0, input.registry.length - registry.distinct_keys),
    ),
  );

  const analyticsKey = "CONCAT(CAST(game_date AS STRING), '|', game_id, '|', player_lookup)";
  const analytics = await counts(executor, tables.analytics, analyticsKey);
  const present = await executor.query<{ k: string }>(
    `SELECT DISTINCT ${analyticsKey} AS k FROM \`${tables.analytics}\``,
    {
      useCache: false,
    },
  );
  const presentKeys = new Set(present.map((r) => r.k));
  const lostAnalytics = [...input.expectedAnalyticsKeys].filter((k) => !presentKeys.has(k)).length;
  checks.push(
    check(tables.analytics, 'date|game|player', input.expectedAnalyticsKeys.size, analytics, lostAnalytics),
  );

  // One row per player per flush batch: (lookup, type, reported_at) is the key; the summed
  // occurrence_count per player must equal what the tracker held.
  const unresolvedKey = "CONCAT(player_lookup, '|', player_type, '|', CAST(reported_at AS STRING))";
  const unresolved = await counts(executor, tables.unresolved, unresolvedKey);
  const sums = await executor.query<{ player_lookup: string; player_type: string; occurrences: number }>(
    `SELECT player_lookup, player_type, SUM(occurrence_count) AS occurrences FROM \`${tables.unresolved}\` GROUP BY player_lookup, player_type`,
    { useCache: false },
  );
  const writtenUnresolved: Record<string, number> = {};
  for (const row of sums) writtenUnresolved[`${row.player_lookup}|${row.player_type}`] = n(row.occurrences);
  const tracked = Object.entries(input.trackedUnresolved);
  const lostUnresolved = tracked.filter(([k, count]) => (writtenUnresolved[k] ?? 0) < count).length;
  const over = tracked.filter(([k, count]) => (writtenUnresolved[k] ?? 0) > count).length;
  const unresolvedCheck = check(
    tables.unresolved,
    'lookup|type|reported_at',
    tracked.length,
    unresolved,
    lostUnresolved,
  );
  // Occurrences counted twice are duplicates too, even in distinct rows.
  unresolvedCheck.duplicates += over;
  checks.push(unresolvedCheck);

  return {
    tables: checks,
    writtenUnresolved,
    rowsWritten: analytics.found + unresolved.found,
    duplicates: checks.reduce((a, c) => a + c.duplicates, 0),
    lost: checks.reduce((a, c) => a + c.lost, 0),
  };
}

function check(table: string, key: string, expected: number, c: CountRow, lost: number): TableCheck {
  return {
    table,
    key,
    expected,
    found: c.found,
    distinct: c.distinct_keys,
    duplicates: c.found - c.distinct_keys,
    lost,
  };
}
