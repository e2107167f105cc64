/**
 * Compile-time checks of `@retryWithJitter`, run by `tsc` (the typecheck step), not by vitest: vitest 4
 * transforms with oxc, which does not lower standard decorators, and Node 20 cannot run them natively.
 * The runtime behavior is tested in decorator.test.ts through the tsc and esbuild lowerings.
 */
import { type Awaitable, retryWithJitter } from '../../../src/retry/index.js';

export class TypedProcessor {
  readonly table = 'nba_raw.games';

  @retryWithJitter()
  async loadDay(date: string): Promise<string> {
    return `${this.table}/${date}`;
  }

  // A synchronous body is fine once the declared type admits the promise the decorator returns.
  @retryWithJitter({ maxAttempts: 2 })
  parse(raw: string): Awaitable<number> {
    return Number(raw);
  }

  // @ts-expect-error a sync method declared to return a plain number would hide that callers get a promise
  @retryWithJitter()
  count(): number {
    return 1;
  }
}

export async function usage(p: TypedProcessor): Promise<[string, number]> {
  return [await p.loadDay('2026-01-24'), await p.parse('3')];
}
