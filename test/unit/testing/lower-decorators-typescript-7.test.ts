import { describe, expect, it, vi } from 'vitest';
import { lowerDecorators } from '../../../src/testing/index.js';

// A plain `npm install -D typescript` on Node 20 installs typescript 7, the native compiler, whose
// package exports only its version: no transpileModule to compile decorators with.
vi.mock('typescript', () => ({ default: { version: '7.0.2', versionMajorMinor: '7.0' }, version: '7.0.2' }));

describe('lowerDecorators with a typescript that has no compiler API', () => {
  it('says which typescript is installed and how to fix it, instead of a TypeError from inside', async () => {
    const transform = lowerDecorators().transform('class A {\n  @d m() {}\n}\n', '/p/src/a.ts');
    await expect(transform).rejects.toThrow(/typescript 7\.0\.2.*npm install -D typescript@5/s);
  });
});
