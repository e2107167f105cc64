import { describe, expect, it } from 'vitest';
import { retryWithJitter, ServiceUnavailableError, silentLogger } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { lowerDecorators } from '../../../src/testing/index.js';

// This class is written with a standard decorator in the test file itself: it runs only because
// vitest.config.ts uses lowerDecorators().
const clock = createTestClock();
class Scraper {
  calls = 0;
  @retryWithJitter({ maxAttempts: 3, clock, logger: silentLogger })
  async scrape(date: string): Promise<string> {
    this.calls++;
    if (this.calls < 3) throw new ServiceUnavailableError('busy');
    return `games of ${date}`;
  }
}

describe('lowerDecorators', () => {
  it('lets a test file use a standard decorator under vitest', async () => {
    const scraper = new Scraper();
    await expect(scraper.scrape('2026-11-28')).resolves.toBe('games of 2026-11-28');
    expect(scraper.calls).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('compiles a decorated TypeScript file to JavaScript without decorator syntax, with a source map', async () => {
    const source =
      'declare const d: any;\nclass A {\n  @d\n  m(x: number): number { return x; }\n}\nexport { A };\n';
    const out = await lowerDecorators().transform(source, '/project/src/a.ts?v=1');
    expect(out).not.toBeNull();
    expect(out?.code).not.toMatch(/^\s*@d/m);
    expect(out?.code).toContain('__esDecorate');
    expect(out?.code).not.toContain(': number');
    expect(JSON.parse(out?.map ?? '{}').sources).toEqual(['a.ts']);
  });

  it('leaves files without decorators, JavaScript files and node_modules to Vite', async () => {
    const plugin = lowerDecorators();
    expect(await plugin.transform('/** @example x */\nexport const a = 1;\n', '/p/src/a.ts')).toBeNull();
    expect(await plugin.transform('class A {\n  @d m() {}\n}\n', '/p/src/a.js')).toBeNull();
    expect(await plugin.transform('class A {\n  @d m() {}\n}\n', '/p/node_modules/x/a.ts')).toBeNull();
  });
});
