import { afterEach, describe, expect, it } from 'vitest';
import { endSpan, startSpan } from '../../../src/telemetry/spans.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

// Built at run time, obviously fake: an OAuth access token's shape, and a value no pattern knows alone.
const TOKEN = ['ya29', 'Zq7fakeSpanToken0123456789'].join('.');
const PASSWORD = ['Zq7', 'fake', 'span', 'password'].join('q');

/** Everything the exported span holds of the error: status message, attributes and events. */
function recorded(error: { name: string; message: string; code?: unknown }): string {
  otel = registerOtel();
  endSpan(startSpan('op'), error);
  const [span] = otel.named('op');
  expect(span?.status.code).toBe(2);
  return JSON.stringify([span?.status, span?.attributes, span?.events.map((e) => e.attributes)]);
}

describe('endSpan records an error without the credentials its name, code or message hold', () => {
  it('a token in the error name reaches neither the status message nor error.type', () => {
    const text = recorded({ name: `Bearer ${TOKEN}`, message: 'refused' });
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('refused');
  });

  it('a token in the code (error.type, exception.type) is removed', () => {
    const text = recorded({ name: 'Error', message: 'refused', code: `access_token=${TOKEN}` });
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('access_token=[REDACTED]');
  });

  it('a credential split between the name and the message (`password: ...`) is removed from the status', () => {
    const text = recorded({ name: 'password', message: PASSWORD });
    expect(text).not.toContain(PASSWORD);
  });

  it('a hostile name of a megabyte is cut as a log line cuts it (200 characters)', () => {
    otel = registerOtel();
    endSpan(startSpan('op'), { name: 'N'.repeat(1 << 20), message: 'm' });
    const [span] = otel.named('op');
    expect(String(span?.attributes['error.type']).length).toBeLessThanOrEqual(201);
    expect(String(span?.status.message).length).toBeLessThan(300);
  });
});
