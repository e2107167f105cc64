import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { scriptedFetch } from './fake-fetch.js';

async function fetched(body: string, headers: Record<string, string> = {}): Promise<Response> {
  const clock = createTestClock();
  return resilientFetch('https://api.example.com/page', undefined, {
    clock,
    hosts: new HttpHostRegistry({ clock }),
    fetch: scriptedFetch([{ status: 200, body, headers }]),
  });
}

describe('the Response resilientFetch returns (body read inside the attempt)', () => {
  it('is a real Response with its status, headers and URL', async () => {
    const response = await fetched('{"a":1}', { 'content-type': 'application/json', 'x-page': '2' });
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.ok, response.headers.get('x-page'), response.url]).toEqual([
      200,
      true,
      '2',
      'https://api.example.com/page',
    ]);
    expect(response.bodyUsed).toBe(false);
  });

  it.each([
    ['text', (r: Response) => r.text(), 'héllo'],
    ['json', (r: Response) => r.json(), 'héllo'],
    ['arrayBuffer', async (r: Response) => new TextDecoder().decode(await r.arrayBuffer()), 'héllo'],
    ['blob', async (r: Response) => (await r.blob()).text(), 'héllo'],
    ['body stream', (r: Response) => new Response(r.body).text(), 'héllo'],
  ])('%s reads the buffered body once, as the platform does', async (_name, read, expected) => {
    const response = await fetched(_name === 'json' ? '"héllo"' : 'héllo');
    await expect(read(response)).resolves.toBe(expected);
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('blob keeps the content type; clone gives an independent copy before a read, not after', async () => {
    const response = await fetched('abc', { 'content-type': 'text/csv' });
    const copy = response.clone();
    expect((await response.blob()).type).toBe('text/csv');
    expect(await copy.text()).toBe('abc');
    expect(copy.url).toBe('https://api.example.com/page');
    expect(() => response.clone()).toThrow(TypeError);
  });
});

describe('bufferBody: false', () => {
  it('returns the live response at the headers; errors are still typed and retried', async () => {
    const clock = createTestClock();
    const fetch = scriptedFetch([{ status: 503 }, { status: 200, body: 'streamed' }]);
    const response = await resilientFetch('https://api.example.com/page', undefined, {
      clock,
      hosts: new HttpHostRegistry({ clock }),
      fetch,
      bufferBody: false,
    });
    expect(fetch.seen).toHaveLength(2);
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('streamed');
  });
});
