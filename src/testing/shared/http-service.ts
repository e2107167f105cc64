/**
 * The loopback HTTP server under the Slack, SendGrid and Cloud Storage stand-ins: a request log, the
 * shared fault-plan core matched on method and path, and a service-specific handler.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type CountedFaultRule, createFaultPlanOf, type FaultPlanOf, pathMatches } from './fault-plan.js';
import { readRequestBody } from './read-body.js';

/**
 * What a fault rule of an HTTP stand-in does (exactly one of these per rule).
 *
 * @example
 * ```ts
 * const act: HttpServiceFaultAction = { status: 429, headers: { 'retry-after': '2' } };
 * ```
 */
export type HttpServiceFaultAction =
  /** Answer with this status (the service's error body unless `body` is given); nothing is applied. */
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Wait this long (real time), then answer normally. */
  | { delayMs: number }
  /** Never answer (the socket stays open until the client gives up or `close()`). */
  | { hang: true }
  /** `true`: reset the connection before anything is applied. `'after'`: apply the request, then reset (the answer is lost). */
  | { reset: true | 'after' };

/**
 * A fault rule of the Slack, SendGrid and Cloud Storage stand-ins: which requests, how often, what it does.
 *
 * @example
 * ```ts
 * const rule: HttpServiceFaultRule = { method: 'POST', path: /\/services\//, times: 1, status: 429, headers: { 'retry-after': '1' } };
 * ```
 */
export type HttpServiceFaultRule = CountedFaultRule & {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** The path without the query string: a string matches when the path equals it or ends with it. */
  path?: string | RegExp;
} & HttpServiceFaultAction;

/**
 * The fault plan of an HTTP stand-in.
 *
 * @example
 * ```ts
 * standIn.faults.add({ times: 2, status: 503 });
 * standIn.faults.clear();
 * ```
 */
export type HttpServiceFaultPlan = FaultPlanOf<HttpServiceFaultRule>;

/**
 * One request an HTTP stand-in received.
 *
 * @example
 * ```ts
 * const posts = standIn.requests.filter((r) => r.method === 'POST');
 * ```
 */
export interface HttpServiceRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The fault rule that acted on it. */
  fault?: string;
  /** The status it was answered with; unset when it got none (reset, hang). */
  status?: number;
}

/** What a stand-in's handler answers. */
export interface HttpServiceAnswer {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON. */
  body?: string | Buffer | object;
}

export interface HttpServiceSpec {
  port?: number;
  /** The answer to a request (after the fault plan let it through). */
  handle(request: HttpServiceRequest): HttpServiceAnswer | Promise<HttpServiceAnswer>;
  /** The service's error body for an injected `status` fault. */
  errorBody(status: number): HttpServiceAnswer['body'];
}

export interface HttpService {
  readonly url: string;
  readonly faults: HttpServiceFaultPlan;
  readonly requests: HttpServiceRequest[];
  close(): Promise<void>;
}

function encode(answer: HttpServiceAnswer): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {};
  let body: Buffer;
  if (answer.body === undefined) body = Buffer.alloc(0);
  else if (Buffer.isBuffer(answer.body)) body = answer.body;
  else if (typeof answer.body === 'string') {
    headers['content-type'] = 'text/plain; charset=utf-8';
    body = Buffer.from(answer.body);
  } else {
    headers['content-type'] = 'application/json; charset=UTF-8';
    body = Buffer.from(JSON.stringify(answer.body));
  }
  for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k.toLowerCase()] = v;
  if (answer.status !== 204) headers['content-length'] = String(body.length);
  return { headers, body: answer.status === 204 ? Buffer.alloc(0) : body };
}

/** Starts the server on 127.0.0.1. */
export async function startHttpService(spec: HttpServiceSpec): Promise<HttpService> {
  const faults = createFaultPlanOf<HttpServiceFaultRule, { method: string; path: string }>({
    actions: ['status', 'delayMs', 'hang', 'reset'],
    validate(rule) {
      if ('status' in rule && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
        throw new TypeError(`Fault 'status' must be an HTTP status (100-599), got ${rule.status}`);
      }
      if ('delayMs' in rule && !(Number.isFinite(rule.delayMs) && rule.delayMs >= 0)) {
        throw new TypeError(`Fault 'delayMs' must be a finite number >= 0, got ${rule.delayMs}`);
      }
    },
    matches: (rule, c) =>
      (!rule.method || rule.method.toUpperCase() === c.method) && pathMatches(rule.path, c.path),
  });
  const requests: HttpServiceRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed: Promise<void> | undefined;

  const send = (res: ServerResponse, entry: HttpServiceRequest, answer: HttpServiceAnswer) => {
    if (res.destroyed) return;
    const { headers, body } = encode(answer);
    entry.status = answer.status;
    res.writeHead(answer.status, headers);
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const entry: HttpServiceRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: await readRequestBody(req),
    };
    requests.push(entry);
    const picked = faults.pick({ method, path: url.pathname });
    const rule = picked?.rule;
    if (picked) entry.fault = picked.handle.id;
    if (rule && 'status' in rule) {
      send(res, entry, {
        status: rule.status,
        ...(rule.headers ? { headers: rule.headers } : {}),
        body: rule.body ?? spec.errorBody(rule.status),
      });
      return;
    }
    if (rule && 'hang' in rule) return;
    if (rule && 'reset' in rule && rule.reset === true) {
      req.socket.destroy();
      return;
    }
    if (rule && 'delayMs' in rule) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, rule.delayMs);
        timers.add(timer);
      });
    }
    const answer = await spec.handle(entry);
    if (rule && 'reset' in rule) {
      req.socket.destroy();
      return;
    }
    send(res, entry, answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`stand-in failed: ${String(error)}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(spec.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    requests,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
