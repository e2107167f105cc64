import { describe, expect, it } from 'vitest';
import {
  startBigQueryStandIn,
  startLoggingStandIn,
  startMonitoringStandIn,
  startPubSubStandIn,
  startStorageStandIn,
} from '../../../src/testing/index.js';

describe('the stand-ins name a misspelt or missing option instead of ignoring it', () => {
  it('Cloud Storage: `bucket` for `buckets` would leave the bucket missing and every call a 404', async () => {
    await expect(startStorageStandIn({ bucket: ['b'] } as never)).rejects.toThrow(
      /startStorageStandIn: unknown option 'bucket'\. Did you mean 'buckets'\?/,
    );
    await expect(startStorageStandIn({ buckets: 'b' } as never)).rejects.toThrow(
      /startStorageStandIn: option buckets must be an array/,
    );
  });

  it('Cloud Logging: `project` for `projectId`', async () => {
    await expect(startLoggingStandIn({ project: 'p' } as never)).rejects.toThrow(
      /startLoggingStandIn: unknown option 'project'\. Did you mean 'projectId'\?/,
    );
  });

  it('Cloud Monitoring: the Pub/Sub source is required, and named when missing', async () => {
    await expect(startMonitoringStandIn(undefined as never)).rejects.toThrow(
      /startMonitoringStandIn: option pubsub is required/,
    );
    await expect(startMonitoringStandIn({ pubsub: {} } as never)).rejects.toThrow(
      /startMonitoringStandIn: option pubsub is required/,
    );
  });

  it('BigQuery: `projectID` would run every test in test-project; pages of 0 rows would answer every query with no rows, a NaN window keep ids for ever', async () => {
    await expect(startBigQueryStandIn({ projectID: 'p' } as never)).rejects.toThrow(
      /startBigQueryStandIn: unknown option 'projectID'\. Did you mean 'projectId'\?/,
    );
    await expect(startBigQueryStandIn({ storageWrite: 'no' } as never)).rejects.toThrow(
      /startBigQueryStandIn: option storageWrite must be a boolean/,
    );
    await expect(startBigQueryStandIn({ maxPageRows: 0 })).rejects.toThrow(
      /startBigQueryStandIn: maxPageRows must be a positive integer, got 0/,
    );
    await expect(startBigQueryStandIn({ insertIdWindowMs: Number.NaN })).rejects.toThrow(
      /startBigQueryStandIn: insertIdWindowMs must be a number of milliseconds .*got NaN/,
    );
    await expect(startBigQueryStandIn({ requestIdWindowMs: Number.NaN })).rejects.toThrow(
      /startBigQueryStandIn: requestIdWindowMs must be a number of milliseconds/,
    );
  });

  it('Pub/Sub: `projectID`, a clock without schedule, and waitForPublished `timeout` for `timeoutMs`', async () => {
    await expect(startPubSubStandIn({ projectID: 'p' } as never)).rejects.toThrow(
      /startPubSubStandIn: unknown option 'projectID'\. Did you mean 'projectId'\?/,
    );
    await expect(startPubSubStandIn({ clock: {} as never })).rejects.toThrow(
      /startPubSubStandIn: option clock must have a schedule function/,
    );
    const standIn = await startPubSubStandIn();
    try {
      await expect(standIn.waitForPublished('t', { timeout: 10 } as never)).rejects.toThrow(
        /waitForPublished: unknown option 'timeout'\. Did you mean 'timeoutMs'\?/,
      );
    } finally {
      await standIn.close();
    }
  });
});
