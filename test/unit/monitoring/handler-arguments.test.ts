import { describe, expect, it } from 'vitest';
import { createMonitor, createMonitorHandler, MonitorConfigError } from '../../../src/index.js';

// createMonitorHandler(null) used to throw `Cannot read properties of null (reading 'run')`, and a
// null second argument `(reading 'logger')`: neither named the function nor the argument.
function thrown(call: () => unknown): MonitorConfigError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(MonitorConfigError);
    return error as MonitorConfigError;
  }
  throw new Error('expected a throw');
}

const monitor = () => createMonitor({ env: { GCP_PROJECT_ID: 'test-project' } });

describe('createMonitorHandler refuses arguments that are not objects, naming them', () => {
  it.each([
    ['null', null, 'null'],
    ['a string', 'nba', 'a string ("nba")'],
    ['a number', 3, 'a number (3)'],
    ['an array', [], 'an array'],
  ])('monitor %s: a MonitorConfigError on field monitor', (_, value, got) => {
    const error = thrown(() => createMonitorHandler(value as never));
    expect(error.field).toBe('monitor');
    expect(error.message).toBe(
      `monitor: createMonitorHandler expects a Monitor (from createMonitor) or the options of one, got ${got}`,
    );
  });

  it.each([
    ['null', null, 'null'],
    ['a function', () => undefined, 'a function'],
  ])('options %s: a MonitorConfigError on field options', (_, value, got) => {
    const error = thrown(() => createMonitorHandler(monitor(), value as never));
    expect(error.field).toBe('options');
    expect(error.message).toBe(`options: createMonitorHandler expects an object { logger? }, got ${got}`);
  });

  it('an unknown handler option is refused with a hint', () => {
    const error = thrown(() => createMonitorHandler(monitor(), { log: console } as never));
    expect(error.field).toBe('options.log');
    expect(error.message).toContain("did you mean 'logger'?");
  });

  it('undefined still means the defaults', () => {
    const env = { GCP_PROJECT_ID: 'test-project' };
    expect(() => createMonitorHandler({ env }, undefined)).not.toThrow();
    expect(typeof createMonitorHandler(monitor(), { logger: undefined })).toBe('function');
  });
});
