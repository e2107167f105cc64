import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import * as errors from '../../../src/errors/index.js';

const { PipelineError, GoogleApiError, NotFoundError, ServiceUnavailableError, brandError, errorBrand } =
  errors;

/** A second, independent copy of the module graph, as when two copies of the package are installed. */
async function loadSecondCopy(): Promise<typeof errors> {
  vi.resetModules();
  const specifier = '../../../src/errors/index.js';
  return (await import(/* @vite-ignore */ specifier)) as typeof errors;
}

describe('brands', () => {
  it('uses the registry symbol gcp-pipeline-resilience/<ClassName>', () => {
    const err = new NotFoundError('x');
    const brand = Symbol.for('gcp-pipeline-resilience/NotFoundError');
    expect(errorBrand('NotFoundError')).toBe(brand);
    expect((err as unknown as Record<symbol, unknown>)[brand]).toBe(true);
    // The brand lives on the prototype: it is not an own, enumerable property of every instance.
    expect(Object.getOwnPropertySymbols(err)).toEqual([]);
  });

  it('makes instanceof work across two copies of the module, both ways', async () => {
    const copy = await loadSecondCopy();
    expect(copy.NotFoundError).not.toBe(NotFoundError);
    const mine = new NotFoundError('here');
    const theirs = new copy.NotFoundError('there');
    expect(theirs).toBeInstanceOf(NotFoundError);
    expect(theirs).toBeInstanceOf(GoogleApiError);
    expect(theirs).toBeInstanceOf(PipelineError);
    expect(mine).toBeInstanceOf(copy.NotFoundError);
    expect(mine).toBeInstanceOf(copy.PipelineError);
    expect(theirs).not.toBeInstanceOf(ServiceUnavailableError);
    expect(mine).not.toBeInstanceOf(copy.ServiceUnavailableError);
  });

  it('keeps toPipelineError idempotent for errors made by another copy', async () => {
    const copy = await loadSecondCopy();
    const theirs = new copy.ServiceUnavailableError('down');
    expect(errors.toPipelineError(theirs)).toBe(theirs);
    expect(errors.isTransientError(theirs)).toBe(true);
  });

  it('rejects values without the brand', () => {
    expect(new Error('plain')).not.toBeInstanceOf(PipelineError);
    expect({ code: 'NOT_FOUND', transient: false }).not.toBeInstanceOf(NotFoundError);
    expect(null).not.toBeInstanceOf(PipelineError);
    expect('NotFoundError').not.toBeInstanceOf(NotFoundError);
    expect(new PipelineError('root')).not.toBeInstanceOf(NotFoundError);
  });

  it('gives an unbranded user subclass normal instanceof semantics and its own name', () => {
    class TableMissingError extends NotFoundError {}
    const sub = new TableMissingError('no table');
    expect(sub).toBeInstanceOf(TableMissingError);
    expect(sub).toBeInstanceOf(NotFoundError);
    expect(sub).toBeInstanceOf(PipelineError);
    expect(sub.name).toBe('TableMissingError');
    expect(sub.code).toBe('NOT_FOUND');
    // A parent instance is not a subclass instance even though the subclass inherits hasInstance.
    expect(new NotFoundError('x')).not.toBeInstanceOf(TableMissingError);
    expect({}).not.toBeInstanceOf(TableMissingError);
  });

  it('brands classes defined elsewhere, in their own namespace', () => {
    class ScraperBlockedError extends PipelineError {
      static {
        brandError(ScraperBlockedError, 'ScraperBlockedError', 'my-scrapers');
      }
    }
    const err = new ScraperBlockedError('blocked', { code: 'SCRAPER_BLOCKED', transient: true });
    expect(err.name).toBe('ScraperBlockedError');
    expect(err).toBeInstanceOf(ScraperBlockedError);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as unknown as Record<symbol, unknown>)[Symbol.for('my-scrapers/ScraperBlockedError')]).toBe(
      true,
    );
    // A structurally separate class carrying the same brand (a second copy) is recognized.
    class Copy extends Error {}
    brandError(Copy, 'ScraperBlockedError', 'my-scrapers');
    expect(new Copy()).toBeInstanceOf(ScraperBlockedError);
    expect(new PipelineError('x')).not.toBeInstanceOf(ScraperBlockedError);
  });

  it('keeps the brand-derived name when a bundler renames the class', () => {
    const Renamed = class extends PipelineError {};
    brandError(Renamed, 'StableName');
    expect(new Renamed('x').name).toBe('StableName');
  });

  it('names the class itself too: util.inspect and pino read constructor.name, not the prototype', () => {
    // esbuild emits `var _X = class _X` for a class that refers to itself in a static initializer.
    const Renamed = class _ShippedAsUnderscore extends PipelineError {};
    brandError(Renamed, 'StableName');
    expect(Renamed.name).toBe('StableName');
    expect(inspect(new Renamed('x'))).toMatch(/^StableName: x/);
  });

  it('returns the class so it can be used as an expression', () => {
    class A extends Error {}
    expect(brandError(A, 'A', 'test-ns')).toBe(A);
  });
});
