import { afterEach, describe, expect, it } from 'vitest';
import {
  HttpHostRegistry,
  HttpNotFoundError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';
import { type Scripted, scriptedFetch } from '../http/fake-fetch.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

function options(script: Scripted[]): ResilientFetchOptions {
  const clock = createTestClock();
  return { clock, hosts: new HttpHostRegistry({ clock }), fetch: scriptedFetch(script), random: () => 0.5 };
}

describe('resilientFetch spans', () => {
  it('makes a CLIENT span per call with a child per attempt: resend count, status code, error.type', async () => {
    otel = registerOtel();
    const response = await resilientFetch(
      'https://api.example.com/v1/games?api_key=s3cret',
      undefined,
      options([{ status: 503 }, { status: 200, body: '{}' }]),
    );
    expect(response.status).toBe(200);
    const [call] = otel.named('GET');
    expect(call?.kind).toBe(2);
    expect(call?.attributes['http.request.method']).toBe('GET');
    expect(call?.attributes['server.address']).toBe('api.example.com');
    expect(call?.attributes['http.response.status_code']).toBe(200);
    expect(call?.status.code).toBe(0);
    const attempts = otel.children(call!);
    expect(
      attempts.map((s) => [
        s.attributes['resilience.attempt.number'],
        s.attributes['http.request.resend_count'],
        s.attributes['error.type'] ?? s.attributes['http.response.status_code'],
      ]),
    ).toEqual([
      [1, undefined, 'SERVICE_UNAVAILABLE'],
      [2, 1, 200],
    ]);
    // No secret from the URL reaches any span.
    expect(JSON.stringify(otel.spans().map((s) => s.attributes))).not.toContain('s3cret');
  });

  it('ends the call span in error with the typed code and the status when it gives up', async () => {
    otel = registerOtel();
    await expect(
      resilientFetch('https://api.example.com/missing', undefined, options([{ status: 404 }])),
    ).rejects.toBeInstanceOf(HttpNotFoundError);
    const [call] = otel.named('GET');
    expect(call?.status.code).toBe(2);
    expect(call?.attributes['error.type']).toBe('NOT_FOUND');
    expect(call?.attributes['http.response.status_code']).toBe(404);
    expect(otel.children(call!)).toHaveLength(1);
  });
});
