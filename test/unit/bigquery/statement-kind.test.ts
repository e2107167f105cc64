import { describe, expect, it } from 'vitest';
import { needsJob } from '../../../src/bigquery/query.js';
import { isReadOnly, isScript } from '../../../src/bigquery/statement-kind.js';

describe('statement kind: what may be re-sent late, and what needs a job', () => {
  it.each([
    ['SELECT 1', true],
    ['  (SELECT 1) UNION ALL (SELECT 2)', true],
    ['WITH t AS (SELECT 1 AS x) SELECT x FROM t', true],
    ["SELECT ';' AS semi -- DELETE FROM t; UPDATE", true],
    ['UPDATE ds.t SET n = n + 1 WHERE true', false],
    ['DELETE FROM ds.t WHERE true', false],
    ['MERGE ds.t USING ds.s ON false WHEN NOT MATCHED THEN INSERT ROW', false],
    ['INSERT INTO ds.t SELECT 1', false],
    ['CREATE TABLE ds.t (x INT64)', false],
    ['SELECT 1; DELETE FROM ds.t WHERE true', false],
    ['', false],
  ])('isReadOnly(%j) is %s', (sql, expected) => {
    expect(isReadOnly(sql)).toBe(expected);
  });

  it.each([
    ['SELECT 1', false],
    ['SELECT 1;', false],
    ['SELECT 1;;  ', false],
    ["SELECT 'a;b' AS x", false],
    ['SELECT 1 /* ; DECLARE */', false],
    ['SELECT 1; SELECT 2', true],
    ['DECLARE x INT64 DEFAULT 1; SELECT x', true],
    ['BEGIN SELECT 1; END', true],
    ['CALL ds.proc()', true],
    ['SELECT IF(true, 1, 2) AS x', false],
    ['SELECT CASE WHEN true THEN 1 END AS x', false],
  ])('isScript(%j) is %s', (sql, expected) => {
    expect(isScript(sql)).toBe(expected);
  });

  it('sends a query through jobs.query unless a job id, a dry run, a script or DML asks for a job', () => {
    expect(needsJob({ sql: 'SELECT 1', dryRun: false, jobId: undefined })).toBe(false);
    expect(needsJob({ sql: 'CREATE TABLE ds.t (n INT64)', dryRun: false, jobId: undefined })).toBe(false);
    for (const dml of [
      'UPDATE ds.t SET n = 1 WHERE true',
      'delete from ds.t where true',
      'INSERT INTO ds.t (n) SELECT 1',
      'MERGE ds.t USING ds.s ON false WHEN NOT MATCHED THEN INSERT ROW',
      'TRUNCATE TABLE ds.t',
      '/* why */ (UPDATE ds.t SET n = 1 WHERE true)',
      // Not DML by name, but it appends rows like an INSERT: a second run loads the files twice.
      "LOAD DATA INTO ds.t FROM FILES (format = 'CSV', uris = ['gs://bucket/day.csv'])",
      "-- nightly\nload data into ds.t from files (format = 'CSV', uris = ['gs://bucket/day.csv'])",
    ]) {
      expect(needsJob({ sql: dml, dryRun: false, jobId: undefined }), dml).toBe(true);
    }
    expect(needsJob({ sql: 'SELECT 1', dryRun: false, jobId: 'mine' })).toBe(true);
    expect(needsJob({ sql: 'SELECT 1', dryRun: true, jobId: undefined })).toBe(true);
    expect(needsJob({ sql: 'SELECT 1; SELECT 2', dryRun: false, jobId: undefined })).toBe(true);
  });
});
