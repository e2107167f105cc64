import { Logging } from '@google-cloud/logging';
import { describe, expect, it, vi } from 'vitest';
import { ClientSet } from '../../../src/monitoring/clients.js';

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
    const set = new ClientSet({}, 'closing-project');
    const logging = await set.logging();
    const closes = gaxServicesOf(logging).map((service) => vi.spyOn(service, 'close'));
    await set.close();
    for (const close of closes) expect(close).toHaveBeenCalledTimes(1);
  });

  it('leaves a Logging client it was given open: the caller owns it', async () => {
    const given = new Logging({ projectId: 'given-project' });
    const closes = gaxServicesOf(given).map((service) => vi.spyOn(service, 'close'));
    const set = new ClientSet({ logging: given }, 'given-project');
    expect(await set.logging()).toBe(given);
    await set.close();
    for (const close of closes) expect(close).not.toHaveBeenCalled();
  });
});
