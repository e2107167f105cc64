/**
 * Query execution: translate, check the catalog, estimate bytes (and enforce maximumBytesBilled),
 * then run each statement in DuckDB (a dry run inside a rolled-back transaction) and describe what
 * it did as BigQuery does (statement type, DML counts, DDL operation).
 * @module
 */
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { StandInHttpError } from '../http-errors.js';
import { fieldOfDuckType } from '../schema.js';
import { MULTIPLE_MATCH_MESSAGE } from '../translate/match-check.js';
import type { TableReference, TranslatedStatement } from '../translate/types.js';
import { translateSql } from '../translate-sql.js';
import { applyDdlToCatalog, copyTableSql } from './apply-ddl.js';
import { estimateBytes } from './bytes-estimate.js';
import type { Catalog } from './catalog.js';
import { mapDuckError } from './duck-errors.js';
import { materializeMetadata } from './information-schema.js';
import { refuseParameterMismatches } from './parameter-types.js';
import { bindParameters, castToDeclaredTypes } from './query-parameters.js';
import { checkColumnNames, normalizeRows } from './result-checks.js';
import { checkStatementTables } from './statement-checks.js';
import type { EngineContext, QueryOutcome, QueryRequest, TableMeta } from './types.js';
import { enforceWriteConstraints, needsWriteChecks } from './write-constraints.js';

/**
 * Runs (or, for a dry run, plans) a GoogleSQL request. The caller holds the engine's queue.
 *
 * @internal
 */
export async function executeQuery(ctx: EngineContext, req: QueryRequest): Promise<QueryOutcome> {
  let statements: TranslatedStatement[];
  try {
    statements = translateSql(req.query, {
      projectId: req.projectId,
      ...(req.defaultDataset ? { defaultDataset: req.defaultDataset } : {}),
    });
  } catch (err) {
    throw mapDuckError(err);
  }
  // Tables created by an earlier statement of the same script are checked when it runs.
  const first = statements[0]!;
  checkStatementTables(ctx.catalog, first);
  const est = await estimateBytes(ctx, statements);
  if (req.maximumBytesBilled !== undefined && req.maximumBytesBilled !== null && !req.dryRun) {
    const limit = Number(req.maximumBytesBilled);
    if (Number.isFinite(limit) && est.billed > limit) {
      throw new StandInHttpError(
        400,
        'bytesBilledLimitExceeded',
        `Query exceeded limit for bytes billed: ${limit}. ${est.billed} or higher required.`,
      );
    }
  }
  const referencedTables = statements.flatMap((s) =>
    s.tables
      .filter((t) => t.role === 'read' || t.role === 'modify')
      .map(({ projectId, datasetId, tableId }) => ({ projectId, datasetId, tableId })),
  );
  if (req.dryRun) {
    await ctx.conn.run('BEGIN TRANSACTION');
    try {
      const outcome = await runStatements(ctx, statements, req, true);
      return { ...outcome, totalBytesProcessed: est.processed, totalBytesBilled: 0, referencedTables };
    } finally {
      await ctx.conn.run('ROLLBACK');
    }
  }
  const outcome = await runStatements(ctx, statements, req, false);
  return { ...outcome, totalBytesProcessed: est.processed, totalBytesBilled: est.billed, referencedTables };
}

async function runStatements(
  ctx: EngineContext,
  statements: TranslatedStatement[],
  req: QueryRequest,
  dryRun: boolean,
): Promise<Omit<QueryOutcome, 'totalBytesProcessed' | 'totalBytesBilled' | 'referencedTables'>> {
  let last: Omit<QueryOutcome, 'totalBytesProcessed' | 'totalBytesBilled' | 'referencedTables'> = {
    statementType: 'SELECT',
  };
  for (const [i, stmt] of statements.entries()) {
    if (i > 0) checkStatementTables(ctx.catalog, stmt);
    const { values, types, declared } = bindParameters(ctx.duck, stmt, req);
    const skip = stmt.create?.ifNotExists && ctx.catalog.hasTable(stmt.tables[0]!);
    if (stmt.metadata) await materializeMetadata(ctx, stmt.metadata);
    // Statements the engine applies itself (ALTER, search indexes) have no SQL; LIKE / COPY have
    // theirs written from the source table's schema.
    const sqls = skip ? [] : stmt.create?.source ? copyTableSql(ctx, stmt) : stmt.sql ? [stmt.sql] : [];
    // A runtime error in BigQuery, so a dry run does not look for it.
    if (stmt.multipleMatchCheck && !dryRun)
      await refuseMultipleMatches(ctx, stmt.multipleMatchCheck, values, types);
    let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>> | undefined;
    // DML into a table with rules DuckDB does not enforce runs in a transaction checked before it
    // commits (a dry run is already inside one and does not look for runtime errors).
    const checked = dryRun ? undefined : writeTarget(ctx, stmt);
    if (checked) await ctx.conn.run('BEGIN TRANSACTION');
    try {
      for (const sql of sqls) {
        await refuseParameterMismatches(ctx.conn, sql, declared);
        reader = await ctx.conn.runAndReadAll(
          castToDeclaredTypes(sql, values, types, declared),
          values,
          types,
        );
      }
      if (checked) {
        await enforceWriteConstraints(ctx, checked);
        await ctx.conn.run('COMMIT');
      }
    } catch (err) {
      if (checked) await ctx.conn.run('ROLLBACK');
      throw mapDuckError(err);
    }
    const t = stmt.tables[0];
    const target = t ? { projectId: t.projectId, datasetId: t.datasetId, tableId: t.tableId } : undefined;
    switch (stmt.statementType) {
      case 'SELECT': {
        if (!reader) throw new StandInHttpError(500, 'internalError', 'The query produced no result');
        const names = reader.columnNames();
        const colTypes = reader.columnTypes();
        const schema = names.map((n, k) => fieldOfDuckType(n, colTypes[k]!));
        checkColumnNames(schema);
        last = {
          statementType: 'SELECT',
          schema,
          rows: dryRun ? [] : normalizeRows(ctx.duck, schema, reader.getRows()),
        };
        break;
      }
      case 'INSERT':
      case 'UPDATE':
      case 'DELETE':
      case 'MERGE': {
        const affected = Number(reader?.getRows()[0]?.[0] ?? reader?.rowsChanged ?? 0);
        const statKey = {
          INSERT: 'insertedRowCount',
          UPDATE: 'updatedRowCount',
          DELETE: 'deletedRowCount',
          MERGE: undefined,
        }[stmt.statementType];
        last = {
          statementType: stmt.statementType,
          numDmlAffectedRows: affected,
          ...(statKey ? { dmlStats: { [statKey]: String(affected) } } : {}),
        };
        if (!dryRun) touch(ctx.catalog, stmt.tables);
        break;
      }
      default: {
        if (!dryRun) await applyDdlToCatalog(ctx, stmt, req.location);
        last = {
          statementType: stmt.statementType,
          ddlOperationPerformed: skip
            ? 'SKIP'
            : stmt.statementType.startsWith('DROP')
              ? 'DROP'
              : stmt.create?.orReplace
                ? 'REPLACE'
                : stmt.statementType.startsWith('CREATE')
                  ? 'CREATE'
                  : 'ALTER',
          ...(target ? { ddlTargetTable: target } : {}),
        };
      }
    }
  }
  return statements.length > 1 ? { ...last, statementType: 'SCRIPT' } : last;
}

/**
 * Runs an UPDATE's or MERGE's multiple-match check and refuses the statement as BigQuery does when a
 * target row matches several source rows. A check DuckDB cannot run leaves the decision to the
 * statement itself, whose own error then reaches the caller.
 */
async function refuseMultipleMatches(
  ctx: EngineContext,
  sql: string,
  values: Record<string, DuckDBValue>,
  types: Record<string, DuckDBType>,
): Promise<void> {
  const used = (name: string) => new RegExp(`\\$${name}\\b`).test(sql);
  const names = Object.keys(values).filter(used);
  let found = false;
  try {
    const reader = await ctx.conn.runAndReadAll(
      sql,
      Object.fromEntries(names.map((n) => [n, values[n]!])),
      Object.fromEntries(names.map((n) => [n, types[n]!])),
    );
    found = reader.getRows().length > 0;
  } catch {
    return;
  }
  if (found) throw new StandInHttpError(400, 'invalidQuery', MULTIPLE_MATCH_MESSAGE);
}

/** The table a DML statement writes, when DML into it needs the checks of `write-constraints.ts`. */
function writeTarget(ctx: EngineContext, stmt: TranslatedStatement): TableMeta | undefined {
  if (!['INSERT', 'UPDATE', 'MERGE'].includes(stmt.statementType)) return undefined;
  const target = stmt.tables.find((t) => t.role === 'insert' || t.role === 'modify');
  const meta = target ? ctx.catalog.findTable(target) : undefined;
  return meta && needsWriteChecks(meta.schema) ? meta : undefined;
}

function touch(catalog: Catalog, tables: TableReference[]): void {
  const now = Date.now();
  for (const t of tables) {
    if (t.role === 'read') continue;
    const meta = catalog.findTable(t);
    if (meta) meta.lastModifiedTime = now;
  }
}
