/**
 * DDL and metadata through the real client: views and materialized views, ALTER TABLE actions,
 * column and STRUCT field options, search indexes, PARTITION BY / CLUSTER BY / OPTIONS, CTAS,
 * CREATE TABLE LIKE / COPY, INFORMATION_SCHEMA and `__TABLES__`.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

type Field = { name: string; type: string; mode?: string; description?: string; fields?: Field[] };
type ApiError = { code?: number; message: string };

describe('BigQuery stand-in DDL and metadata, through the real client', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'ddl' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
    await run(`CREATE TABLE ds.games (
      game_id STRING NOT NULL OPTIONS(description = 'the game'),
      game_date DATE,
      score INT64,
      team STRUCT<name STRING OPTIONS(description = 'team name'), city STRING>
    )
    PARTITION BY game_date
    CLUSTER BY game_id
    OPTIONS(description = 'games', require_partition_filter = false)`);
    await run(`INSERT INTO ds.games VALUES
      ('g1', '2024-01-01', 100, STRUCT('Hawks', 'Atlanta')),
      ('g2', '2024-01-01', 90, ('Bulls', 'Chicago')),
      ('g3', '2024-01-02', 80, NULL),
      ('g4', NULL, 70, NULL)`);
  });
  afterAll(() => s.close());

  async function run(sql: string): Promise<Array<Record<string, unknown>>> {
    const [rows] = await bq.query({ query: sql, useLegacySql: false, defaultDataset: { datasetId: 'ds' } });
    return rows as Array<Record<string, unknown>>;
  }

  async function failure(sql: string): Promise<ApiError> {
    try {
      await run(sql);
    } catch (err) {
      return err as ApiError;
    }
    throw new Error(`expected ${sql} to fail`);
  }

  async function schemaOf(table: string): Promise<Field[]> {
    const [meta] = await bq.dataset('ds').table(table).getMetadata();
    return (meta as { schema: { fields: Field[] } }).schema.fields;
  }

  describe('CREATE TABLE', () => {
    it('keeps column and STRUCT field descriptions, partitioning, clustering and options', async () => {
      const [meta] = await bq.dataset('ds').table('games').getMetadata();
      const m = meta as Record<string, unknown> & { schema: { fields: Field[] } };
      expect(m.description).toBe('games');
      expect(m.timePartitioning).toEqual({ type: 'DAY', field: 'game_date' });
      expect(m.clustering).toEqual({ fields: ['game_id'] });
      expect(m.schema.fields[0]).toMatchObject({
        name: 'game_id',
        mode: 'REQUIRED',
        description: 'the game',
      });
      expect(m.schema.fields[3]!.fields![0]).toMatchObject({ name: 'name', description: 'team name' });
    });

    it('CREATE TABLE AS SELECT with PARTITION BY, CLUSTER BY and OPTIONS', async () => {
      await run(`CREATE TABLE ds.daily PARTITION BY game_date CLUSTER BY n OPTIONS(description = 'daily') AS
        SELECT game_date, COUNT(*) AS n FROM ds.games GROUP BY game_date`);
      const [meta] = await bq.dataset('ds').table('daily').getMetadata();
      expect(meta).toMatchObject({ description: 'daily', clustering: { fields: ['n'] } });
      expect(await run('SELECT n FROM ds.daily WHERE game_date = "2024-01-01"')).toEqual([{ n: 2 }]);
    });

    it('CREATE TABLE LIKE copies the schema, COPY also the rows', async () => {
      await run('CREATE TABLE ds.games_like LIKE ds.games');
      await run('CREATE TABLE ds.games_copy COPY ds.games');
      expect(await schemaOf('games_like')).toEqual(await schemaOf('games'));
      expect(await run('SELECT COUNT(*) AS n FROM ds.games_like')).toEqual([{ n: 0 }]);
      expect(await run('SELECT COUNT(*) AS n FROM ds.games_copy')).toEqual([{ n: 4 }]);
      const [meta] = await bq.dataset('ds').table('games_copy').getMetadata();
      expect(meta).toMatchObject({
        timePartitioning: { field: 'game_date' },
        clustering: { fields: ['game_id'] },
      });
      // NOT NULL comes along.
      expect((await failure('INSERT INTO ds.games_like (game_id) VALUES (NULL)')).code).toBe(400);
    });

    it('CREATE SEARCH INDEX is accepted and changes nothing; its table must exist', async () => {
      await run(
        'CREATE SEARCH INDEX games_index ON ds.games(ALL COLUMNS) OPTIONS(analyzer = "LOG_ANALYZER")',
      );
      await run('DROP SEARCH INDEX IF EXISTS games_index ON ds.games');
      expect((await failure('CREATE SEARCH INDEX i ON ds.missing(ALL COLUMNS)')).code).toBe(404);
    });
  });

  describe('views', () => {
    it('CREATE [OR REPLACE] VIEW, queried like a table, listed as a VIEW', async () => {
      await run('CREATE VIEW ds.high AS SELECT game_id, score FROM ds.games WHERE score >= 90');
      expect(await run('SELECT game_id FROM ds.high ORDER BY game_id')).toEqual([
        { game_id: 'g1' },
        { game_id: 'g2' },
      ]);
      await run('CREATE OR REPLACE VIEW ds.high AS SELECT game_id FROM ds.games WHERE score >= 100');
      expect(await run('SELECT * FROM ds.high')).toEqual([{ game_id: 'g1' }]);
      await run('CREATE VIEW IF NOT EXISTS ds.high AS SELECT 1 AS x');
      expect(await run('SELECT * FROM ds.high')).toEqual([{ game_id: 'g1' }]);
      expect((await failure('CREATE VIEW ds.high AS SELECT 1 AS x')).code).toBe(409);
      const [meta] = await bq.dataset('ds').table('high').getMetadata();
      expect(meta).toMatchObject({
        type: 'VIEW',
        view: { query: 'SELECT game_id FROM ds.games WHERE score >= 100', useLegacySql: false },
      });
      const [tables] = await bq.dataset('ds').getTables();
      expect(tables.find((t) => t.id === 'high')?.metadata.type).toBe('VIEW');
    });

    it('a view follows its tables', async () => {
      await run("INSERT INTO ds.games (game_id, score) VALUES ('g5', 120)");
      expect(await run('SELECT game_id FROM ds.high ORDER BY game_id')).toEqual([
        { game_id: 'g1' },
        { game_id: 'g5' },
      ]);
      await run("DELETE FROM ds.games WHERE game_id = 'g5'");
    });

    it('a view made by tables.insert', async () => {
      await bq.dataset('ds').createTable('low', { view: 'SELECT game_id FROM ds.games WHERE score < 80' });
      expect(await run('SELECT * FROM ds.low')).toEqual([{ game_id: 'g4' }]);
      const e = await bq
        .dataset('ds')
        .table('low')
        .insert([{ game_id: 'x' }])
        .catch((err: ApiError) => err);
      expect((e as ApiError).code).toBe(400);
    });

    it('CREATE MATERIALIZED VIEW answers with its query', async () => {
      await run(`CREATE MATERIALIZED VIEW ds.per_day
        PARTITION BY game_date OPTIONS(enable_refresh = true) AS
        SELECT game_date, SUM(score) AS total FROM ds.games GROUP BY game_date`);
      expect(await run('SELECT total FROM ds.per_day WHERE game_date = DATE "2024-01-01"')).toEqual([
        { total: 190 },
      ]);
      const [meta] = await bq.dataset('ds').table('per_day').getMetadata();
      expect(meta).toMatchObject({ type: 'MATERIALIZED_VIEW' });
      await run('ALTER MATERIALIZED VIEW ds.per_day SET OPTIONS(description = "per day")');
      await run('DROP MATERIALIZED VIEW ds.per_day');
      expect((await failure('SELECT * FROM ds.per_day')).code).toBe(404);
    });

    it('INFORMATION_SCHEMA.VIEWS lists the views and their text; DROP VIEW drops them', async () => {
      await run('CREATE VIEW ds.tmp_view AS SELECT 1 AS one');
      const views = await run(
        "SELECT table_name, view_definition, use_standard_sql FROM ds.INFORMATION_SCHEMA.VIEWS WHERE table_name = 'tmp_view'",
      );
      expect(views).toEqual([
        { table_name: 'tmp_view', view_definition: 'SELECT 1 AS one', use_standard_sql: 'YES' },
      ]);
      await run('DROP VIEW ds.tmp_view');
      await run('DROP VIEW IF EXISTS ds.tmp_view');
      expect((await failure('DROP VIEW ds.tmp_view')).code).toBe(404);
      expect((await failure('DROP VIEW ds.games')).code).toBe(400);
    });
  });

  describe('ALTER TABLE', () => {
    it('several ADD COLUMN [IF NOT EXISTS] clauses with OPTIONS', async () => {
      await run(`ALTER TABLE ds.games
        ADD COLUMN IF NOT EXISTS venue STRING OPTIONS(description = 'where'),
        ADD COLUMN attendance INT64,
        ADD COLUMN IF NOT EXISTS score INT64`);
      const fields = await schemaOf('games');
      expect(fields.map((f) => f.name)).toEqual([
        'game_id',
        'game_date',
        'score',
        'team',
        'venue',
        'attendance',
      ]);
      expect(fields[4]).toMatchObject({
        name: 'venue',
        type: 'STRING',
        mode: 'NULLABLE',
        description: 'where',
      });
      expect(await run("SELECT venue, attendance FROM ds.games WHERE game_id = 'g1'")).toEqual([
        { venue: null, attendance: null },
      ]);
    });

    it('SET OPTIONS, ALTER COLUMN SET OPTIONS / DROP NOT NULL / SET DATA TYPE', async () => {
      await run("ALTER TABLE ds.games SET OPTIONS(description = 'all games')");
      await run("ALTER TABLE ds.games ALTER COLUMN venue SET OPTIONS(description = 'arena')");
      await run('ALTER TABLE ds.games ALTER COLUMN game_id DROP NOT NULL');
      await run('ALTER TABLE ds.games ALTER COLUMN attendance SET DATA TYPE NUMERIC');
      const [meta] = await bq.dataset('ds').table('games').getMetadata();
      expect((meta as { description: string }).description).toBe('all games');
      const fields = (meta as { schema: { fields: Field[] } }).schema.fields;
      expect(fields.find((f) => f.name === 'venue')?.description).toBe('arena');
      expect(fields.find((f) => f.name === 'game_id')?.mode).toBe('NULLABLE');
      expect(fields.find((f) => f.name === 'attendance')?.type).toBe('NUMERIC');
      await run('INSERT INTO ds.games (game_id, attendance) VALUES (NULL, 1.5)');
      expect(await run('SELECT CAST(attendance AS STRING) AS a FROM ds.games WHERE game_id IS NULL')).toEqual(
        [{ a: '1.5' }],
      );
      await run('DELETE FROM ds.games WHERE game_id IS NULL');
    });

    it('refuses what BigQuery refuses, and applies none of a failing statement', async () => {
      expect(
        (await failure('ALTER TABLE ds.games ALTER COLUMN score SET DATA TYPE STRING')).message,
      ).toContain('SET DATA TYPE');
      expect((await failure('ALTER TABLE ds.games ADD COLUMN req INT64 NOT NULL')).code).toBe(400);
      expect(
        (await failure('ALTER TABLE ds.games ADD COLUMN extra INT64, ADD COLUMN score INT64')).code,
      ).toBe(400);
      expect((await schemaOf('games')).some((f) => f.name === 'extra')).toBe(false);
      expect((await failure('ALTER TABLE ds.games DROP COLUMN nope')).code).toBe(400);
      await run('ALTER TABLE IF EXISTS ds.nope ADD COLUMN x INT64');
    });

    it('DROP COLUMN, RENAME COLUMN and RENAME TO', async () => {
      await run('CREATE TABLE ds.scratch (a INT64, b STRING, c BOOL)');
      await run("INSERT INTO ds.scratch VALUES (1, 'x', TRUE)");
      await run('ALTER TABLE ds.scratch DROP COLUMN c, RENAME COLUMN b TO bee');
      await run('ALTER TABLE ds.scratch RENAME TO renamed');
      expect(await run('SELECT * FROM ds.renamed')).toEqual([{ a: 1, bee: 'x' }]);
      expect((await failure('SELECT * FROM ds.scratch')).code).toBe(404);
    });
  });

  describe('metadata views', () => {
    it('INFORMATION_SCHEMA.TABLES', async () => {
      const rows = await run(
        "SELECT table_catalog, table_schema, table_name, table_type, is_insertable_into FROM ds.INFORMATION_SCHEMA.TABLES WHERE table_name IN ('games', 'high') ORDER BY table_name",
      );
      expect(rows).toEqual([
        {
          table_catalog: 'ddl',
          table_schema: 'ds',
          table_name: 'games',
          table_type: 'BASE TABLE',
          is_insertable_into: 'YES',
        },
        {
          table_catalog: 'ddl',
          table_schema: 'ds',
          table_name: 'high',
          table_type: 'VIEW',
          is_insertable_into: 'NO',
        },
      ]);
      const regional = await run(
        "SELECT COUNT(*) AS n FROM `region-us`.INFORMATION_SCHEMA.TABLES WHERE table_name = 'games'",
      );
      expect(regional).toEqual([{ n: 1 }]);
    });

    it('INFORMATION_SCHEMA.COLUMNS and COLUMN_FIELD_PATHS', async () => {
      const rows = await run(`SELECT column_name, ordinal_position, is_nullable, data_type,
          is_partitioning_column, clustering_ordinal_position
        FROM ds.INFORMATION_SCHEMA.COLUMNS WHERE table_name = 'games_like' ORDER BY ordinal_position`);
      expect(rows).toEqual([
        {
          column_name: 'game_id',
          ordinal_position: 1,
          is_nullable: 'NO',
          data_type: 'STRING',
          is_partitioning_column: 'NO',
          clustering_ordinal_position: 1,
        },
        {
          column_name: 'game_date',
          ordinal_position: 2,
          is_nullable: 'YES',
          data_type: 'DATE',
          is_partitioning_column: 'YES',
          clustering_ordinal_position: null,
        },
        {
          column_name: 'score',
          ordinal_position: 3,
          is_nullable: 'YES',
          data_type: 'INT64',
          is_partitioning_column: 'NO',
          clustering_ordinal_position: null,
        },
        {
          column_name: 'team',
          ordinal_position: 4,
          is_nullable: 'YES',
          data_type: 'STRUCT<name STRING, city STRING>',
          is_partitioning_column: 'NO',
          clustering_ordinal_position: null,
        },
      ]);
      const paths = await run(
        "SELECT field_path, description FROM ds.INFORMATION_SCHEMA.COLUMN_FIELD_PATHS WHERE table_name = 'games_like' AND description IS NOT NULL ORDER BY field_path",
      );
      expect(paths).toEqual([
        { field_path: 'game_id', description: 'the game' },
        { field_path: 'team.name', description: 'team name' },
      ]);
    });

    it('INFORMATION_SCHEMA.PARTITIONS counts rows per partition', async () => {
      const rows = await run(
        "SELECT partition_id, total_rows FROM ds.INFORMATION_SCHEMA.PARTITIONS WHERE table_name = 'games_copy' ORDER BY partition_id",
      );
      expect(rows).toEqual([
        { partition_id: '20240101', total_rows: 2 },
        { partition_id: '20240102', total_rows: 1 },
        { partition_id: '__NULL__', total_rows: 1 },
      ]);
    });

    it('dataset.__TABLES__ and INFORMATION_SCHEMA.SCHEMATA', async () => {
      const rows = await run(
        "SELECT table_id, row_count, type FROM ds.__TABLES__ WHERE table_id IN ('games_copy', 'high') ORDER BY table_id",
      );
      expect(rows).toEqual([
        { table_id: 'games_copy', row_count: 4, type: 1 },
        { table_id: 'high', row_count: 0, type: 2 },
      ]);
      const [t] = await run(
        "SELECT creation_time, size_bytes FROM `ddl.ds.__TABLES__` WHERE table_id = 'games_copy'",
      );
      expect(Number(t!.creation_time)).toBeGreaterThan(0);
      expect(Number(t!.size_bytes)).toBeGreaterThan(0);
      expect(await run('SELECT schema_name, location FROM `region-us`.INFORMATION_SCHEMA.SCHEMATA')).toEqual([
        { schema_name: 'ds', location: 'US' },
      ]);
    });

    it('refuses metadata views it does not serve', async () => {
      expect((await failure('SELECT * FROM `region-us`.INFORMATION_SCHEMA.JOBS')).message).toContain(
        'INFORMATION_SCHEMA.JOBS',
      );
      expect((await failure('SELECT * FROM missing.INFORMATION_SCHEMA.TABLES')).code).toBe(404);
    });
  });
});
