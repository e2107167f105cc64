import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/index.js';

// A plain-JS subclass may put `code` or `transient` on its prototype as a getter (TypeScript refuses
// it, JavaScript does not). The base's fields are own properties defined over it, as before the
// fields were declared; an assignment through a getter-only accessor threw at construction instead,
// so the error being raised became a TypeError.
describe('PipelineError subclass with accessor code/transient on its prototype', () => {
  for (const field of ['code', 'transient'] as const) {
    it(`constructs when the prototype has a getter-only ${field}`, () => {
      class AccessorError extends PipelineError {}
      Object.defineProperty(AccessorError.prototype, field, { get: () => 'from-getter', configurable: true });
      const err = new AccessorError('boom', { code: 'MY_CODE', transient: true });
      expect(err.message).toBe('boom');
      expect(err.code).toBe('MY_CODE');
      expect(err.transient).toBe(true);
      expect(Object.keys(err).slice(0, 2)).toEqual(['code', 'transient']);
    });
  }
});
