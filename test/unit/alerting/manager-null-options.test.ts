import { describe, expect, it } from 'vitest';
import { AlertConfigError, createAlertManager } from '../../../src/index.js';

// createAlertManager(null) used to be read as the defaults, unlike every other factory of the library
// (docs/decisions/options.md): null usually comes from a lookup that found nothing, and the caller
// should see it rather than get a manager with no channels.
describe('createAlertManager: only undefined means the defaults', () => {
  it('null is an AlertConfigError on options', () => {
    let error: unknown;
    try {
      createAlertManager(null as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AlertConfigError);
    expect((error as AlertConfigError).field).toBe('options');
    expect((error as AlertConfigError).message).toMatch(/^options: .*expected object, received null/);
  });

  it('undefined still gives the defaults', () => {
    expect(createAlertManager(undefined).channels).toEqual([]);
    expect(createAlertManager().channels).toEqual([]);
  });
});
