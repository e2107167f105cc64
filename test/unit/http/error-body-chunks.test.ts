import { describe, expect, it } from 'vitest';
import { resilientFetch } from '../../../src/index.js';

function strings(parts: string[]) {
  return new ReadableStream<string>({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
}

describe('resilientFetch: an error body from a custom fetch', () => {
  it('a 404 whose body stream yields strings is still an HTTP 404 error', async () => {
    const fetch = async () =>
      new Response(strings(['not ', 'found']) as unknown as ReadableStream<Uint8Array>, {
        status: 404,
        headers: { 'content-type': 'text/plain' },
      });
    const err = await resilientFetch('https://api.example.com/x', undefined, { fetch }).catch(
      (e: unknown) => e,
    );
    expect((err as { status?: number }).status).toBe(404);
  });
});
