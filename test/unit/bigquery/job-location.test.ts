import { describe, expect, it } from 'vitest';
import { firstDatasetOf, locationMismatch, misplacedDatasetOf } from '../../../src/bigquery/job-location.js';
import { NotFoundError, PipelineError } from '../../../src/errors/index.js';

const refusal = (text: string) => new NotFoundError(text);

describe("misplacedDatasetOf: BigQuery's 'Dataset p:d was not found in location X'", () => {
  it('reads the project, the dataset and the location the job ran in', () => {
    const found = misplacedDatasetOf(
      refusal('Not found: Dataset nba-props:nba_raw was not found in location US'),
    );
    expect(found?.dataset).toEqual({ projectId: 'nba-props', datasetId: 'nba_raw' });
    expect(found?.jobLocation).toBe('US');
  });

  it('keeps a domain-scoped project whole', () => {
    const found = misplacedDatasetOf(
      refusal('Not found: Dataset example.com:nba-props:nba_raw was not found in location us-central1'),
    );
    expect(found?.dataset).toEqual({ projectId: 'example.com:nba-props', datasetId: 'nba_raw' });
    expect(found?.jobLocation).toBe('us-central1');
  });

  it('is undefined for a table not found, a 404 without a location, or another class', () => {
    expect(
      misplacedDatasetOf(refusal('Not found: Table nba-props:nba_raw.games was not found in location US')),
    ).toBeUndefined();
    expect(misplacedDatasetOf(refusal('Not found: Dataset nba-props:nba_raw'))).toBeUndefined();
    expect(
      misplacedDatasetOf(new Error('Not found: Dataset nba-props:nba_raw was not found in location US')),
    ).toBeUndefined();
  });

  it('locationMismatch names both locations, the fix, and keeps the refusal as cause', () => {
    const cause = refusal('Not found: Dataset p:d was not found in location US');
    const found = misplacedDatasetOf(cause);
    if (found === undefined) throw new Error('expected a refusal');
    const error = locationMismatch(found, 'europe-west2', 'US');
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'LOCATION_MISMATCH', transient: false });
    expect(error.message).toContain('ran the job in location US, but dataset p:d is in europe-west2');
    expect(error.message).toContain("{ location: 'europe-west2' }");
    expect(error.cause).toBe(found.error);
  });
});

describe('firstDatasetOf: the dataset of the first table a statement names', () => {
  it.each([
    ['UPDATE ds.t SET n = 1 WHERE true', { datasetId: 'ds' }],
    ['UPDATE proj.ds.t SET n = 1 WHERE true', { projectId: 'proj', datasetId: 'ds' }],
    ['INSERT INTO `proj.ds.t` (n) VALUES (1)', { projectId: 'proj', datasetId: 'ds' }],
    // The guard's reading of a path: whitespace and comments around a dot, digit-led parts, dashed ids.
    ['UPDATE ds . t SET n = 1 WHERE true', { datasetId: 'ds' }],
    ['DELETE FROM ds/* the table */./* */t WHERE true', { datasetId: 'ds' }],
    ['UPDATE proj\n  .ds\n  .t SET n = 1 WHERE true', { projectId: 'proj', datasetId: 'ds' }],
    ['UPDATE proj.123ds.t SET n = 1 WHERE true', { projectId: 'proj', datasetId: '123ds' }],
    ['UPDATE my-project-287.ds.t SET n = 1 WHERE true', { projectId: 'my-project-287', datasetId: 'ds' }],
    ['INSERT `example.com:proj`.ds.t (n) VALUES (1)', { projectId: 'example.com:proj', datasetId: 'ds' }],
  ])('%j', (sql, dataset) => {
    expect(firstDatasetOf(sql)).toEqual(dataset);
  });

  it('is undefined when no table is qualified', () => {
    expect(firstDatasetOf('SELECT 1')).toBeUndefined();
    expect(firstDatasetOf("SELECT 'ds.t' AS s")).toBeUndefined();
  });
});
