import { type Logging, v2 } from '@google-cloud/logging';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientSet } from '../../../src/monitoring/clients.js';
import { startLoggingStandIn } from '../../../src/testing/index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The gax clients inside `Logging`: they hold the gRPC channels, and have the `close()` it lacks. */
function gaxServicesOf(logging: Logging): Array<{ close(): Promise<void> }> {
  const parts = logging as unknown as {
    loggingService: { close(): Promise<void> };
    configService: { close(): Promise<void> };
  };
  return [parts.loggingService, parts.configService];
}

describe('the monitor client set', () => {
  it('closes the Logging client it created, whose gRPC channels would otherwise keep the process alive', async () => {
    // On the prototypes: the client is made inside the set, and may fail to get credentials here.
    const closes = [v2.LoggingServiceV2Client.prototype, v2.ConfigServiceV2Client.prototype].map((proto) =>
      vi.spyOn(proto, 'close'),
    );
    const set = new ClientSet({}, 'closing-project');
    await set.logging().catch(() => undefined);
    await set.close();
    for (const close of closes) expect(close).toHaveBeenCalledTimes(1);
  });

  it('leaves a Logging client it was given open: the caller owns it', async () => {
    const standIn = await startLoggingStandIn({ projectId: 'given-project' });
    try {
      const given = standIn.client();
      const closes = gaxServicesOf(given).map((service) => vi.spyOn(service, 'close'));
      const set = new ClientSet({ logging: given }, 'given-project');
      expect(await set.logging()).toBe(given);
      await set.close();
      for (const close of closes) expect(close).not.toHaveBeenCalled();
    } finally {
      await standIn.close();
    }
  });
});
