import { defineConfig } from 'vitest/config';
import { lowerDecorators } from './src/testing/vitest/lower-decorators.js';

export default defineConfig({
  // Standard decorators (`@retryWithJitter`) in test files: vitest's oxc transform leaves them in place.
  plugins: [lowerDecorators()],
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { METADATA_SERVER_DETECTION: 'none' },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
    },
  },
});
