import { describe, expect, it } from 'vitest';
import { traceParentFromHeaders } from '../../../src/telemetry/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/**
 * `traceParentFromHeaders` runs on every incoming request: headers that cannot be read must read as
 * "no trace", never throw into the request handler.
 */
describe('traceParentFromHeaders: headers that cannot be read carry no trace', () => {
  const unreadable: Array<[string, () => object]> = [
    [
      'a getter that throws',
      () =>
        Object.defineProperty({}, 'traceparent', {
          enumerable: true,
          get() {
            throw new Error('getter');
          },
        }),
    ],
    [
      'an ownKeys trap that throws (the case-insensitive search)',
      () =>
        new Proxy(
          {},
          {
            ownKeys() {
              throw new Error('ownKeys');
            },
          },
        ),
    ],
    [
      'a revoked Proxy',
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
    ],
  ];

  it.each(unreadable)('%s: undefined', (_, make) => {
    expect(traceParentFromHeaders(make() as never)).toBeUndefined();
  });

  it('readable headers still give their trace', () => {
    expect(traceParentFromHeaders({ TraceParent: `00-${TRACE_ID}-00f067aa0ba902b7-01` })?.traceId).toBe(
      TRACE_ID,
    );
  });
});
