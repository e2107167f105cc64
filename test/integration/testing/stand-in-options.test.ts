import { describe, expect, it } from 'vitest';
import {
  startLoggingStandIn,
  startMonitoringStandIn,
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
});
