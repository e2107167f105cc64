/**
 * DML that would leave NULL in a REQUIRED column, through the real client: BigQuery's answer is 400
 * `invalidQuery` "Required field <name> cannot be null", and nothing of the statement is applied.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { failure } from './stand-in-fixture.js';

describe('DML into a REQUIRED column, through the real client', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'required' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
    await bq.dataset('ds').createTable('players', {
      schema: [
        { name: 'player_id', type: 'INT64', mode: 'REQUIRED' },
        { name: 'name', type: 'STRING' },
      ],
    });
    await run("INSERT ds.players (player_id, name) VALUES (1, 'ann'), (2, 'bob')");
    await run('CREATE TABLE ds.scores (game STRING NOT NULL, pts INT64)');
  });
  afterAll(() => s.close());

  async function run(sql: string): Promise<Array<Record<string, unknown>>> {
    const [rows] = await bq.query({ query: sql, useLegacySql: false });
    return rows as Array<Record<string, unknown>>;
  }

  it.each([
    ['an explicit NULL', "INSERT ds.players (player_id, name) VALUES (3, 'cy'), (NULL, 'dee')", 'player_id'],
    ['an omitted REQUIRED column', "INSERT ds.players (name) VALUES ('eve')", 'player_id'],
    ['INSERT … SELECT', 'INSERT ds.players (player_id) SELECT CAST(NULL AS INT64)', 'player_id'],
    ['UPDATE to NULL', 'UPDATE ds.players SET player_id = NULL WHERE player_id = 2', 'player_id'],
    [
      'MERGE inserting without the column',
      "MERGE ds.players T USING (SELECT 'zed' AS n) S ON FALSE WHEN NOT MATCHED THEN INSERT (name) VALUES (S.n)",
      'player_id',
    ],
    ['a DDL NOT NULL column', 'INSERT ds.scores (pts) VALUES (7)', 'game'],
  ])('%s is 400 invalidQuery "Required field … cannot be null", nothing applied', async (_, sql, column) => {
    const err = await failure(run(sql));
    expect(err.code).toBe(400);
    expect(err.errors?.[0]?.reason).toBe('invalidQuery');
    expect(err.errors?.[0]?.message).toBe(`Required field ${column} cannot be null`);
    expect(err.message).toBe(`Required field ${column} cannot be null`);
    expect(await run('SELECT player_id, name FROM ds.players ORDER BY player_id')).toEqual([
      { player_id: 1, name: 'ann' },
      { player_id: 2, name: 'bob' },
    ]);
    expect(await run('SELECT COUNT(*) AS n FROM ds.scores')).toEqual([{ n: 0 }]);
  });
});
