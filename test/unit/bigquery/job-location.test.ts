import { describe, expect, it } from 'vitest';
import { locationMismatch, misplacedDatasetOf } from '../../../src/bigquery/job-location.js';
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
