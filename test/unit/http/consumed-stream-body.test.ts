import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { scriptedFetch } from './fake-fetch.js';

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

async function readToEnd(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  while (!(await reader.read()).done);
  reader.releaseLock();
}

describe('a stream body that was already read, or is held by a reader', () => {
  it('an already read ReadableStream is a TypeError before anything is sent, not an empty POST', async () => {
    const body = streamOf('{"game":42}');
    await readToEnd(body);
    const fetch = scriptedFetch([{ status: 200 }]);
    const call = resilientFetch(
      'https://api.example.com/v1/bets',
      { method: 'POST', body, duplex: 'half' } as RequestInit,
      { fetch, hosts: new HttpHostRegistry() },
    );
    await expect(call).rejects.toThrow(TypeError);
    await expect(call).rejects.toThrow(/init\.body: stream already read or locked/);
    expect(fetch.seen).toHaveLength(0);
  });

  it('a locked ReadableStream is the same TypeError, worded by us', async () => {
    const body = streamOf('{"game":42}');
    const reader = body.getReader();
    const fetch = scriptedFetch([{ status: 200 }]);
    const call = resilientFetch(
      'https://api.example.com/v1/bets',
      { method: 'PUT', body, duplex: 'half' } as RequestInit,
      { fetch, hosts: new HttpHostRegistry() },
    );
    await expect(call).rejects.toThrow(/init\.body: stream already read or locked/);
    expect(fetch.seen).toHaveLength(0);
    reader.releaseLock();
  });

  it('a fresh stream is still buffered and sent whole on every attempt', async () => {
    const fetch = scriptedFetch([{ status: 503 }, { status: 200 }]);
    const response = await resilientFetch(
      'https://api.example.com/v1/bets',
      { method: 'PUT', body: streamOf('{"game":42}'), duplex: 'half' } as RequestInit,
      { fetch, hosts: new HttpHostRegistry(), baseDelayMs: 0 },
    );
    expect(response.status).toBe(200);
    expect(fetch.seen.map((r) => r.body)).toEqual(['{"game":42}', '{"game":42}']);
  });

  it('a Node Readable already read to its end is refused too (fetch refuses it)', async () => {
    const body = Readable.from(['{"game":42}']);
    for await (const _ of body);
    const fetch = scriptedFetch([{ status: 200 }]);
    const call = resilientFetch(
      'https://api.example.com/v1/bets',
      { method: 'POST', body, duplex: 'half' } as unknown as RequestInit,
      { fetch, hosts: new HttpHostRegistry() },
    );
    await expect(call).rejects.toThrow(/init\.body: stream already read or locked/);
    expect(fetch.seen).toHaveLength(0);
  });

  it('a fresh Node Readable and an async generator are still sent whole on every attempt', async () => {
    async function* parts() {
      yield '{"game"';
      yield ':42}';
    }
    for (const body of [Readable.from(['{"game"', ':42}']), parts()]) {
      const fetch = scriptedFetch([{ status: 503 }, { status: 200 }]);
      const response = await resilientFetch(
        'https://api.example.com/v1/bets',
        { method: 'PUT', body, duplex: 'half' } as unknown as RequestInit,
        { fetch, hosts: new HttpHostRegistry(), baseDelayMs: 0 },
      );
      expect(response.status).toBe(200);
      expect(fetch.seen.map((r) => r.body)).toEqual(['{"game":42}', '{"game":42}']);
    }
  });
});
