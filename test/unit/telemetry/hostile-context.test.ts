import { type ContextManager, context, ROOT_CONTEXT } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { resilientFetch } from '../../../src/http/index.js';
import { inSpan, inSpanAsync, startSpan } from '../../../src/telemetry/spans.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

/** A context manager as a broken or half-shut-down SDK can leave it: `with` throws, before or after the work. */
function hostileContextManager(when: 'before' | 'after'): ContextManager {
  const manager: ContextManager = {
    active: () => ROOT_CONTEXT,
    with: (_ctx, fn, thisArg, ...args) => {
      if (when === 'before') throw new Error('context manager down');
      fn.call(thisArg, ...args);
      throw new Error('context manager failed on exit');
    },
    bind: (_ctx, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return manager;
}

function withHostileContext(when: 'before' | 'after'): void {
  otel = registerOtel();
  context.disable();
  context.setGlobalContextManager(hostileContextManager(when));
}

describe('a context manager that throws never breaks the work (spans are best effort)', () => {
  it.each(['before', 'after'] as const)(
    'inSpan runs the work exactly once when `with` throws %s it',
    (when) => {
      withHostileContext(when);
      const span = startSpan('op');
      expect(span).toBeDefined();
      let runs = 0;
      expect(inSpan(span, () => ++runs * 10)).toBe(10);
      expect(runs).toBe(1);
    },
  );

  it("inSpan still throws the work's own error, once", () => {
    withHostileContext('before');
    let runs = 0;
    expect(() =>
      inSpan(startSpan('op'), () => {
        runs++;
        throw new Error('work failed');
      }),
    ).toThrow('work failed');
    expect(runs).toBe(1);
  });

  it.each(['before', 'after'] as const)(
    'resilientFetch answers when `with` throws %s the call',
    async (when) => {
      withHostileContext(when);
      let calls = 0;
      const response = await resilientFetch('https://api.example.com/v1/games', undefined, {
        fetch: async () => {
          calls++;
          return new Response('[]', { status: 200 });
        },
      });
      expect(response.status).toBe(200);
      expect(calls).toBe(1);
      await expect(inSpanAsync(startSpan('op'), async () => 'value')).resolves.toBe('value');
    },
  );
});
