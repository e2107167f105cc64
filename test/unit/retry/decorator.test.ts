import { createRequire } from 'node:module';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import { type RetryOptions, retryWithJitter } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from './helpers.js';

/**
 * vitest 4 transforms test files with oxc, which leaves standard (TC39) decorators in place, and Node 20
 * cannot run them. So the decorated class is written here as TypeScript source and lowered by the two
 * compilers users actually ship with: tsc (TypeScript 5, no experimentalDecorators) and esbuild (tsup).
 * The types are checked by tsc in decorator.typecheck.ts.
 */
const SOURCE = `
type Decorator = typeof import('../../../src/retry/index.js').retryWithJitter;
type Options = import('../../../src/retry/index.js').RetryOptions;

export function defineProcessor(retryWithJitter: Decorator, options: Options, fail: (m: string) => Error) {
  class GamesProcessor {
    calls = 0;
    constructor(readonly table: string) {}

    @retryWithJitter({ ...options, maxAttempts: 4 })
    async loadDay(date: string): Promise<string> {
      this.calls++;
      if (this.calls < 3) throw fail('down #' + this.calls);
      return this.table + '/' + date;
    }

    @retryWithJitter(options)
    parse(raw: string): number | Promise<number> {
      this.calls++;
      if (this.calls === 1) throw fail('flaky parser');
      return Number(raw);
    }

    @retryWithJitter({ ...options, name: 'custom_name' })
    named(): string | Promise<string> {
      this.calls++;
      if (this.calls === 1) throw fail('once');
      return 'named';
    }

    @retryWithJitter(options)
    #secret(): string | Promise<string> {
      this.calls++;
      if (this.calls === 1) throw fail('private hiccup');
      return 'secret:' + this.table;
    }

    callSecret() {
      return this.#secret();
    }

    @retryWithJitter(options)
    static describe(): string | Promise<string> {
      return 'static';
    }
  }
  return GamesProcessor;
}
`;

interface Processor {
  calls: number;
  loadDay(date: string): Promise<string>;
  parse(raw: string): Promise<number>;
  named(): Promise<string>;
  callSecret(): Promise<string>;
}
interface ProcessorClass {
  new (table: string): Processor;
  describe(): Promise<string>;
}
type Define = (
  decorator: typeof retryWithJitter,
  options: RetryOptions,
  fail: (m: string) => Error,
) => ProcessorClass;

function load(cjs: string): Define {
  const module = { exports: {} as { defineProcessor?: Define } };
  new Function('exports', 'module', 'require', cjs)(module.exports, module, createRequire(import.meta.url));
  return module.exports.defineProcessor!;
}

const compilers: Array<[string, () => string]> = [
  [
    'tsc',
    () =>
      ts.transpileModule(SOURCE, {
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.CommonJS,
          experimentalDecorators: false,
        },
      }).outputText,
  ],
  ['esbuild', () => transformSync(SOURCE, { loader: 'ts', format: 'cjs', target: 'node20' }).code],
];

describe.each(compilers)('@retryWithJitter as a standard decorator, lowered by %s', (_name, compile) => {
  const output = compile();
  const clock = createTestClock();
  const logger = recordingLogger();
  const GamesProcessor = load(output)(
    retryWithJitter,
    { clock, logger },
    (m) => new ServiceUnavailableError(m),
  );

  it('compiles without leaving decorator syntax behind', () => {
    expect(output).not.toMatch(/^\s*@retryWithJitter/m);
  });

  it('retries an async method with this kept and logs under the method name', async () => {
    logger.entries.length = 0;
    const processor = new GamesProcessor('nba_raw.games');
    await expect(processor.loadDay('2026-01-24')).resolves.toBe('nba_raw.games/2026-01-24');
    expect(processor.calls).toBe(3);
    expect(logger.entries.map((e) => e.message)).toEqual([
      expect.stringMatching(/^loadDay: attempt 1\/4 failed: ServiceUnavailableError: down #1; retrying in/),
      expect.stringMatching(/^loadDay: attempt 2\/4 failed/),
      'loadDay: succeeded on attempt 3/4',
    ]);
  });

  it('makes a sync method async and retries it', async () => {
    const processor = new GamesProcessor('t');
    const result = processor.parse('7');
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(7);
    expect(processor.calls).toBe(2);
  });

  it('uses options.name when given', async () => {
    logger.entries.length = 0;
    await new GamesProcessor('t').named();
    expect(logger.entries[0]?.message.startsWith('custom_name: ')).toBe(true);
  });

  it('works on private methods, named #name in logs', async () => {
    logger.entries.length = 0;
    await expect(new GamesProcessor('games').callSecret()).resolves.toBe('secret:games');
    expect(logger.entries[0]?.message.startsWith('#secret: attempt 1/3')).toBe(true);
  });

  it('works on static methods', async () => {
    await expect(GamesProcessor.describe()).resolves.toBe('static');
  });
});

describe('retryWithJitter options', () => {
  it('throws a bad option when the class is defined', () => {
    expect(() => retryWithJitter({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});
