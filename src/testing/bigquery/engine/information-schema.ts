/**
 * BigQuery's metadata views, filled from the catalog into DuckDB temporary tables just before a
 * query reads them: `INFORMATION_SCHEMA.SCHEMATA / TABLES / COLUMNS / COLUMN_FIELD_PATHS / VIEWS /
 * PARTITIONS` and `dataset.__TABLES__` / `__TABLES_SUMMARY__`, with the columns BigQuery documents
 * (those whose values the stand-in cannot know, such as the `ddl` text, are left out: a query naming
 * them is refused by DuckDB as an unknown column). Sizes are the stand-in's logical-size estimates.
 * @module
 */
import { datasetNotFound, StandInHttpError } from '../http-errors.js';
import type { BigQueryField } from '../schema.js';
import { duckString, duckTableName, quoteIdent } from '../translate/duck-text.js';
import type { MetadataReference } from '../translate/types.js';
import { tableStats } from './bytes-estimate.js';
import type { EngineContext, TableMeta } from './types.js';

type Cell = string | number | null | { timestampMs: number };

interface ViewShape {
  columns: Array<[string, string]>;
  rows: (ctx: EngineContext, tables: TableMeta[], ref: MetadataReference) => Promise<Cell[][]>;
}

const GOOGLESQL_NAMES: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  RECORD: 'STRUCT',
};

/**
 * A field's type as INFORMATION_SCHEMA writes it (`INT64`, `ARRAY<STRING>`, `STRUCT<a INT64>`).
 *
 * @internal
 */
export function googleSqlType(field: BigQueryField): string {
  const name = GOOGLESQL_NAMES[field.type] ?? field.type;
  let base = name;
  if (name === 'STRUCT') {
    base = `STRUCT<${(field.fields ?? []).map((f) => `${f.name} ${googleSqlType(f)}`).join(', ')}>`;
  } else if (field.maxLength !== undefined) {
    base = `${name}(${String(field.maxLength)})`;
  } else if (field.precision !== undefined) {
    base = `${name}(${String(field.precision)}${field.scale !== undefined ? `, ${String(field.scale)}` : ''})`;
  }
  return field.mode === 'REPEATED' ? `ARRAY<${base}>` : base;
}

const S = 'VARCHAR';
const I = 'BIGINT';
const TS = 'TIMESTAMPTZ';

function tableType(t: TableMeta): string {
  const type = t.resource.type;
  return type === 'VIEW' ? 'VIEW' : type === 'MATERIALIZED_VIEW' ? 'MATERIALIZED VIEW' : 'BASE TABLE';
}

function isView(t: TableMeta): boolean {
  return t.resource.type === 'VIEW' || t.resource.type === 'MATERIALIZED_VIEW';
}

function partitionColumn(t: TableMeta): string | undefined {
  const time = t.resource.timePartitioning as { field?: string } | undefined;
  const range = t.resource.rangePartitioning as { field?: string } | undefined;
  return time?.field ?? range?.field;
}

/** Every field with its path (`a`, `a.b`), depth first. */
function fieldPaths(fields: BigQueryField[], prefix = ''): Array<{ path: string; field: BigQueryField }> {
  return fields.flatMap((f) => [
    { path: `${prefix}${f.name}`, field: f },
    ...(f.fields ? fieldPaths(f.fields, `${prefix}${f.name}.`) : []),
  ]);
}

/** The partition id expression of a partitioned table's rows, or `undefined` for ingestion-time partitioning. */
function partitionIdSql(t: TableMeta): string | undefined | null {
  const time = t.resource.timePartitioning as { type?: string; field?: string } | undefined;
  const range = t.resource.rangePartitioning as
    | { field: string; range: { start: string; end: string; interval: string } }
    | undefined;
  if (range) {
    const col = quoteIdent(range.field);
    const { start, end, interval } = range.range;
    return `CASE WHEN ${col} IS NULL THEN '__NULL__' WHEN ${col} < ${start} OR ${col} >= ${end} THEN '__UNPARTITIONED__'
      ELSE CAST(${start} + (${col} - ${start}) // ${interval} * ${interval} AS VARCHAR) END`;
  }
  if (!time) return null;
  if (!time.field) return undefined;
  const format =
    { HOUR: '%Y%m%d%H', DAY: '%Y%m%d', MONTH: '%Y%m', YEAR: '%Y' }[time.type ?? 'DAY'] ?? '%Y%m%d';
  const col = quoteIdent(time.field);
  return `CASE WHEN ${col} IS NULL THEN '__NULL__' ELSE strftime(${col}, '${format}') END`;
}

const VIEWS: Record<string, ViewShape> = {
  SCHEMATA: {
    columns: [
      ['catalog_name', S],
      ['schema_name', S],
      ['schema_owner', S],
      ['creation_time', TS],
      ['last_modified_time', TS],
      ['location', S],
      ['default_collation_name', S],
    ],
    rows: async (ctx, _tables, ref) =>
      [...ctx.catalog.datasets.values()]
        .filter(
          (d) => d.projectId === ref.projectId && (!ref.region || d.location.toLowerCase() === ref.region),
        )
        .map((d) => [
          d.projectId,
          d.datasetId,
          null,
          { timestampMs: d.creationTime },
          { timestampMs: d.lastModifiedTime },
          d.location,
          null,
        ]),
  },
  TABLES: {
    columns: [
      ['table_catalog', S],
      ['table_schema', S],
      ['table_name', S],
      ['table_type', S],
      ['is_insertable_into', S],
      ['is_typed', S],
      ['is_change_history_enabled', S],
      ['creation_time', TS],
      ['base_table_catalog', S],
      ['base_table_schema', S],
      ['base_table_name', S],
      ['snapshot_time_ms', TS],
      ['default_collation_name', S],
      ['upsert_stream_apply_watermark', TS],
    ],
    rows: async (_ctx, tables) =>
      tables.map((t) => [
        t.projectId,
        t.datasetId,
        t.tableId,
        tableType(t),
        isView(t) ? 'NO' : 'YES',
        'NO',
        'NO',
        { timestampMs: t.creationTime },
        null,
        null,
        null,
        null,
        null,
        null,
      ]),
  },
  COLUMNS: {
    columns: [
      ['table_catalog', S],
      ['table_schema', S],
      ['table_name', S],
      ['column_name', S],
      ['ordinal_position', I],
      ['is_nullable', S],
      ['data_type', S],
      ['is_generated', S],
      ['generation_expression', S],
      ['is_stored', S],
      ['is_hidden', S],
      ['is_updatable', S],
      ['is_system_defined', S],
      ['is_partitioning_column', S],
      ['clustering_ordinal_position', I],
      ['collation_name', S],
      ['column_default', S],
      ['rounding_mode', S],
    ],
    rows: async (_ctx, tables) =>
      tables.flatMap((t) => {
        const clustering = ((t.resource.clustering as { fields?: string[] } | undefined)?.fields ?? []).map(
          (f) => f.toLowerCase(),
        );
        const partitioning = partitionColumn(t)?.toLowerCase();
        return t.schema.map((f, i) => {
          const cluster = clustering.indexOf(f.name.toLowerCase());
          return [
            t.projectId,
            t.datasetId,
            t.tableId,
            f.name,
            i + 1,
            f.mode === 'NULLABLE' ? 'YES' : 'NO',
            googleSqlType(f),
            'NEVER',
            null,
            null,
            'NO',
            null,
            'NO',
            f.name.toLowerCase() === partitioning ? 'YES' : 'NO',
            cluster >= 0 ? cluster + 1 : null,
            'NULL',
            typeof f.defaultValueExpression === 'string' ? f.defaultValueExpression : 'NULL',
            null,
          ];
        });
      }),
  },
  COLUMN_FIELD_PATHS: {
    columns: [
      ['table_catalog', S],
      ['table_schema', S],
      ['table_name', S],
      ['column_name', S],
      ['field_path', S],
      ['data_type', S],
      ['description', S],
      ['collation_name', S],
      ['rounding_mode', S],
    ],
    rows: async (_ctx, tables) =>
      tables.flatMap((t) =>
        fieldPaths(t.schema).map(({ path, field }) => [
          t.projectId,
          t.datasetId,
          t.tableId,
          path.split('.')[0]!,
          path,
          googleSqlType(field),
          field.description ?? null,
          'NULL',
          null,
        ]),
      ),
  },
  VIEWS: {
    columns: [
      ['table_catalog', S],
      ['table_schema', S],
      ['table_name', S],
      ['view_definition', S],
      ['check_option', S],
      ['use_standard_sql', S],
    ],
    rows: async (_ctx, tables) =>
      tables
        .filter((t) => t.resource.type === 'VIEW')
        .map((t) => [
          t.projectId,
          t.datasetId,
          t.tableId,
          (t.resource.view as { query?: string } | undefined)?.query ?? '',
          null,
          'YES',
        ]),
  },
  PARTITIONS: {
    columns: [
      ['table_catalog', S],
      ['table_schema', S],
      ['table_name', S],
      ['partition_id', S],
      ['total_rows', I],
      ['total_logical_bytes', I],
      ['total_billable_bytes', I],
      ['last_modified_time', TS],
      ['storage_tier', S],
    ],
    rows: async (ctx, tables) => {
      const out: Cell[][] = [];
      for (const t of tables.filter((x) => !isView(x))) {
        const id = partitionIdSql(t);
        if (id === undefined) {
          throw new StandInHttpError(
            400,
            'invalidQuery',
            `Unsupported by the BigQuery stand-in: INFORMATION_SCHEMA.PARTITIONS of the ingestion-time partitioned table ${t.tableId}`,
          );
        }
        const row = (pid: string | null, n: number, bytes: number): Cell[] => [
          t.projectId,
          t.datasetId,
          t.tableId,
          pid,
          n,
          bytes,
          bytes,
          { timestampMs: t.lastModifiedTime },
          'ACTIVE',
        ];
        if (id === null) {
          const stats = await tableStats(ctx.conn, t);
          out.push(row(null, stats.rows, stats.bytes));
          continue;
        }
        const reader = await ctx.conn.runAndReadAll(
          `SELECT ${id} AS pid, COUNT(*) FROM ${duckTableName(t)} GROUP BY pid ORDER BY pid`,
        );
        const total = await tableStats(ctx.conn, t);
        const rows = reader.getRows();
        const all = rows.reduce((n, r) => n + Number(r[1]), 0);
        for (const r of rows) {
          const n = Number(r[1]);
          out.push(row(String(r[0]), n, all === 0 ? 0 : Math.round((total.bytes * n) / all)));
        }
      }
      return out;
    },
  },
  __TABLES__: {
    columns: [
      ['project_id', S],
      ['dataset_id', S],
      ['table_id', S],
      ['creation_time', I],
      ['last_modified_time', I],
      ['row_count', I],
      ['size_bytes', I],
      ['type', I],
    ],
    rows: async (ctx, tables) => {
      const out: Cell[][] = [];
      for (const t of tables) {
        const stats = isView(t) ? { rows: 0, bytes: 0 } : await tableStats(ctx.conn, t);
        out.push([
          t.projectId,
          t.datasetId,
          t.tableId,
          t.creationTime,
          t.lastModifiedTime,
          stats.rows,
          stats.bytes,
          isView(t) ? 2 : 1,
        ]);
      }
      return out;
    },
  },
  __TABLES_SUMMARY__: {
    columns: [
      ['project_id', S],
      ['dataset_id', S],
      ['table_id', S],
      ['creation_time', I],
      ['type', I],
    ],
    rows: async (_ctx, tables) =>
      tables.map((t) => [t.projectId, t.datasetId, t.tableId, t.creationTime, isView(t) ? 2 : 1]),
  },
};

function literal(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return duckString(v);
  return `CAST(make_timestamp(${Math.round(v.timestampMs) * 1000}) AS TIMESTAMPTZ)`;
}

/** The tables a metadata reference covers: a dataset's, or a project's in a region. */
function tablesOf(ctx: EngineContext, ref: MetadataReference): TableMeta[] {
  const { catalog } = ctx;
  if (ref.datasetId !== undefined) {
    if (!catalog.hasDataset(ref.projectId, ref.datasetId)) {
      throw datasetNotFound(ref.projectId, ref.datasetId, catalog.location);
    }
    return catalog.tableKeysOf(ref.projectId, ref.datasetId).map((k) => catalog.tables.get(k)!);
  }
  return [...catalog.tables.values()].filter((t) => {
    const ds = catalog.datasets.get(`${t.projectId}:${t.datasetId}`);
    return t.projectId === ref.projectId && (!ref.region || ds?.location.toLowerCase() === ref.region);
  });
}

/**
 * Fills the DuckDB tables of the metadata views a statement reads from the catalog.
 *
 * @internal
 */
export async function materializeMetadata(
  ctx: EngineContext,
  refs: readonly MetadataReference[],
): Promise<void> {
  const done = new Set<string>();
  for (const ref of refs) {
    if (done.has(ref.duckName)) continue;
    done.add(ref.duckName);
    const shape = VIEWS[ref.view];
    if (!shape)
      throw new StandInHttpError(400, 'invalidQuery', `Unsupported by the BigQuery stand-in: ${ref.view}`);
    const tables = tablesOf(ctx, ref).sort((a, b) =>
      a.tableId < b.tableId ? -1 : a.tableId > b.tableId ? 1 : 0,
    );
    const rows = await shape.rows(ctx, tables, ref);
    const cols = shape.columns.map(([n, t]) => `${quoteIdent(n)} ${t}`).join(', ');
    await ctx.conn.run(`CREATE OR REPLACE TEMP TABLE ${ref.duckName.replace(/^temp\.main\./, '')} (${cols})`);
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500).map((r) => `(${r.map(literal).join(', ')})`);
      await ctx.conn.run(`INSERT INTO ${ref.duckName} VALUES ${chunk.join(', ')}`);
    }
  }
}
