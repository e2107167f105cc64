import type { FetchFunction } from '../../../src/index.js';

/** One scripted answer: a response to build, or a value to reject with. */
export type Scripted =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { reject: unknown };

/** A request as the fake saw it. */
export interface SeenRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/**
 * A `fetch` that answers from a script (the last entry repeats) and records every request, its body
 * read as text. A `{ reject }` entry rejects as undici would for a transport failure.
 */
export function scriptedFetch(script: Scripted[]): FetchFunction & { seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: request.body === null ? '' : await request.text(),
    });
    const step = script[Math.min(seen.length - 1, script.length - 1)]!;
    if ('reject' in step) throw step.reject;
    const nullBody = step.status === 204 || step.status === 205 || step.status === 304;
    const response = new Response(nullBody ? null : (step.body ?? ''), {
      status: step.status,
      headers: step.headers,
    });
    Object.defineProperty(response, 'url', { value: request.url });
    return response;
  };
  return Object.assign(fake, { seen });
}

/** undici's rejection for a refused connection. */
export function connectionRefused(): TypeError {
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
  return new TypeError('fetch failed', { cause });
}
