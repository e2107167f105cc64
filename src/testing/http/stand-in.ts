/**
 * `startHttpStandIn`: a loopback HTTP API for scrapers' tests, with routes, a fault plan, a request
 * log and an in-flight counter.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkOptions, OPTION_ALIASES, type OptionSpec } from '../../shared/check-options.js';
import { messageOf } from '../../shared/message-of.js';
import { readRequestBody } from '../shared/read-body.js';
import { createHttpFaultPlan, type HttpFaultPlan, type HttpFaultRule } from './faults.js';

/**
 * A request as the stand-in received it.
 *
 * @example
 * ```ts
 * import { startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startHttpStandIn();
 * const posts = standIn.requests.filter((r) => r.method === 'POST' && r.path === '/v1/jobs');
 * ```
 */
export interface HttpStandInRequest {
  /** Arrival order, from 1. */
  readonly seq: number;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The query string without `?` (`''` when none). */
  readonly query: string;
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body as UTF-8 text (`''` when none). */
  readonly body: string;
  /** The request body's bytes, exactly as received (empty when none): compare binary uploads with these. */
  readonly bodyBytes: Uint8Array;
  /** The id of the fault rule that acted on it, if any. */
  fault?: string;
  /** The status it was answered with (also when the body was then cut or dripped); unset when it got none. */
  status?: number;
  /** How it ended: answered in full, reset, left hanging, or answered with a cut body. */
  outcome?: 'answered' | 'reset' | 'hang' | 'truncated';
}

/**
 * What a route answers.
 *
 * @example
 * ```ts
 * import { startHttpStandIn, type HttpStandInAnswer } from 'gcp-pipeline-resilience/testing';
 * const page = (games: string[]): HttpStandInAnswer => ({ status: 200, json: { games } });
 * const api = await startHttpStandIn({
 *   routes: [{ path: '/v1/games', handler: (req) => page(req.query.includes('date=') ? ['g1'] : []) }],
 * });
 * ```
 */
export interface HttpStandInAnswer {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** A text or binary body. */
  body?: string | Uint8Array;
  /** A JSON body (sets `content-type: application/json`). */
  json?: unknown;
}

/**
 * A route: which requests it serves, and its answer (fixed, or computed per request).
 *
 * @example
 * ```ts
 * import { startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startHttpStandIn();
 * standIn.serve({ path: '/v1/games', json: { games: [] } });
 * standIn.serve({ method: 'POST', path: /^\/v1\/jobs$/, handler: (req) => ({ status: 201, json: { got: req.body } }) });
 * ```
 */
export interface HttpStandInRoute extends HttpStandInAnswer {
  /** Default: any method. */
  method?: string;
  /** The path without the query string: a string must equal it, a RegExp is tested. */
  path: string | RegExp;
  /** Computes the answer per request; used instead of the fixed fields when given. */
  handler?: (request: HttpStandInRequest) => HttpStandInAnswer | Promise<HttpStandInAnswer>;
}

/**
 * Options of {@link startHttpStandIn}.
 *
 * @example
 * ```ts
 * import { startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startHttpStandIn({ routes: [{ path: '/health', body: 'ok' }] });
 * ```
 */
export interface HttpStandInOptions {
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Routes to serve from the start (more with `serve`). */
  routes?: HttpStandInRoute[];
}

/**
 * A running HTTP stand-in.
 *
 * @example
 * ```ts
 * import { resilientFetch } from 'gcp-pipeline-resilience';
 * import { startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 * const api = await startHttpStandIn();
 * api.serve({ path: '/v1/games', json: [{ id: 1 }] });
 * api.faults.add({ path: '/v1/games', times: 1, status: 503, headers: { 'retry-after': '1' } });
 * const response = await resilientFetch(`${api.url}/v1/games`);
 * api.requests.length; // 2
 * await api.close();
 * ```
 */
export interface HttpStandIn {
  /** `'http://127.0.0.1:PORT'`, without a trailing slash. */
  readonly url: string;
  /** Adds a route; routes are consulted in the order added (the first match answers). */
  serve(route: HttpStandInRoute): void;
  /** Fault injection by method and path. */
  readonly faults: HttpFaultPlan;
  /** Every request received, in arrival order. */
  readonly requests: HttpStandInRequest[];
  /** Requests being served right now (from arrival until their response is finished or destroyed). */
  readonly inFlight: number;
  /** The most requests that were in flight at once since start (or `resetMaxInFlight`). */
  readonly maxInFlight: number;
  /** Starts a new `maxInFlight` measurement from the current in-flight count. */
  resetMaxInFlight(): void;
  /** Ends every open connection (hanging ones too), clears every timer and stops the server. Idempotent. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

const ROUTE_SPEC: OptionSpec = {
  method: 'string',
  path: ['string', 'object'],
  handler: 'function',
  status: 'number',
  headers: 'object',
  body: ['string', 'object'],
  json: 'any',
};

/** A misspelt route field (`jsn`) would serve an empty 200; a route without a path would match nothing. */
function checkRoute(route: HttpStandInRoute): void {
  checkOptions('HTTP stand-in route', route, ROUTE_SPEC, OPTION_ALIASES);
  if (route === undefined || !(typeof route.path === 'string' || route.path instanceof RegExp)) {
    throw new TypeError('HTTP stand-in route: path must be a string or a RegExp');
  }
}

function routeMatches(route: HttpStandInRoute, method: string, path: string): boolean {
  if (route.method && route.method.toUpperCase() !== method) return false;
  return typeof route.path === 'string' ? route.path === path : route.path.test(path);
}

function encode(answer: HttpStandInAnswer): {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
} {
  const headers: Record<string, string> = {};
  let body: Buffer;
  if (answer.json !== undefined) {
    headers['content-type'] = JSON_TYPE;
    body = Buffer.from(JSON.stringify(answer.json));
  } else if (answer.body !== undefined) {
    if (typeof answer.body === 'string') headers['content-type'] = 'text/plain; charset=utf-8';
    body = Buffer.from(answer.body);
  } else {
    body = Buffer.alloc(0);
  }
  for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k.toLowerCase()] = v;
  headers['content-length'] = String(body.length);
  return { status: answer.status ?? 200, headers, body };
}

/** Resets the connection: an RST where Node can send one, else a plain destroy. */
function resetSocket(socket: Socket): void {
  const withReset = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof withReset.resetAndDestroy === 'function') withReset.resetAndDestroy();
  else socket.destroy();
}

/**
 * Starts an HTTP stand-in on 127.0.0.1: a small third-party API for scrapers' tests. Serve fixed or
 * computed routes; add fault rules with the same shape as the BigQuery and Pub/Sub stand-ins (`times`,
 * seeded `rate`, one action: a `status` with headers such as `Retry-After`, `delayMs`, `hang`,
 * `reset`, `truncateBody`, `slowBody`); read back every request and the most requests in flight at once.
 * An unknown path answers 404.
 *
 * @example
 * ```ts
 * import { startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 *
 * const api = await startHttpStandIn({ routes: [{ path: '/v1/games', json: { games: [] } }] });
 * api.faults.add({ path: '/v1/games', times: 1, status: 429, headers: { 'retry-after': '1' } });
 * api.faults.add({ path: '/v1/games', times: 1, slowBody: { intervalMs: 50 } });
 * const first = await fetch(`${api.url}/v1/games`); // 429
 * await api.close();
 * ```
 */
export function startHttpStandIn(options: HttpStandInOptions = {}): Promise<HttpStandIn> {
  return serveHttpStandIn(options);
}

/** What a stand-in built on the HTTP one changes in it. */
export interface HttpStandInHooks {
  /**
   * The answer of a `status` fault rule, in the service's own error shape (Cloud Storage's JSON error
   * body); default: the rule's body, or `stand-in fault: HTTP <status>` as text.
   */
  faultAnswer?(rule: { status: number; headers?: Record<string, string>; body?: string }): HttpStandInAnswer;
}

/** @internal {@link startHttpStandIn}, with the hooks of a service stand-in built on it. */
export async function serveHttpStandIn(
  options: HttpStandInOptions,
  hooks: HttpStandInHooks = {},
): Promise<HttpStandIn> {
  checkOptions('startHttpStandIn', options, { port: 'number', routes: 'array' }, OPTION_ALIASES);
  for (const route of options.routes ?? []) checkRoute(route);
  const routes: HttpStandInRoute[] = [...(options.routes ?? [])];
  const faults = createHttpFaultPlan();
  const requests: HttpStandInRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  let closed: Promise<void> | undefined;

  const later = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const answerOf = async (entry: HttpStandInRequest): Promise<HttpStandInAnswer> => {
    const route = routes.find((r) => routeMatches(r, entry.method, entry.path));
    if (route === undefined)
      return { status: 404, json: { error: `no route for ${entry.method} ${entry.path}` } };
    if (!route.handler) return route;
    // A handler that throws (or answers nothing) is the route's answer, a 500: answered, logged, and
    // subject to the fault like any other answer (`reset: 'after'` still drops it).
    try {
      const answer = await route.handler(entry);
      if (typeof answer !== 'object' || answer === null) {
        throw new TypeError(
          `the handler answered ${answer === null ? 'null' : typeof answer}, not an object`,
        );
      }
      return answer;
    } catch (err) {
      return { status: 500, json: { error: `stand-in route failed: ${messageOf(err)}` } };
    }
  };

  const send = (res: ServerResponse, entry: HttpStandInRequest, answer: HttpStandInAnswer): void => {
    const { status, headers, body } = encode(answer);
    entry.status = status;
    entry.outcome = 'answered';
    res.writeHead(status, headers);
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = q === -1 ? raw : raw.slice(0, q);
    const body = await readRequestBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const entry: HttpStandInRequest = {
      seq: requests.length + 1,
      method,
      path,
      query: q === -1 ? '' : raw.slice(q + 1),
      headers,
      body: body.toString('utf8'),
      bodyBytes: new Uint8Array(body),
    };
    requests.push(entry);
    const picked = faults.pick({ method, path });
    const rule: HttpFaultRule | undefined = picked?.rule;
    if (picked) entry.fault = picked.handle.id;

    if (rule === undefined) return send(res, entry, await answerOf(entry));
    if ('status' in rule) {
      return send(
        res,
        entry,
        hooks.faultAnswer?.(rule) ?? {
          status: rule.status,
          headers: rule.headers,
          body: rule.body ?? `stand-in fault: HTTP ${rule.status}`,
        },
      );
    }
    if ('delayMs' in rule) {
      await later(rule.delayMs);
      if (res.destroyed) return;
      return send(res, entry, await answerOf(entry));
    }
    if ('hang' in rule) {
      entry.outcome = 'hang';
      return;
    }
    if ('reset' in rule) {
      if (rule.reset === 'after') await answerOf(entry);
      entry.outcome = 'reset';
      resetSocket(req.socket);
      return;
    }
    const { status, headers: out, body: full } = encode(await answerOf(entry));
    entry.status = status;
    res.writeHead(status, out);
    if ('truncateBody' in rule) {
      entry.outcome = 'truncated';
      res.write(full.subarray(0, Math.min(rule.truncateBody, Math.max(0, full.length - 1))));
      // Let the partial body leave before the reset.
      await later(10);
      resetSocket(req.socket);
      return;
    }
    const chunk = rule.slowBody.chunkBytes ?? 16;
    res.flushHeaders();
    for (let at = 0; at < full.length; at += chunk) {
      if (res.destroyed) return;
      res.write(full.subarray(at, at + chunk));
      await later(rule.slowBody.intervalMs);
    }
    if (!res.destroyed) {
      entry.outcome = 'answered';
      res.end();
    }
  };

  const server = createServer((req, res) => {
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    res.on('close', () => {
      inFlight--;
    });
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': JSON_TYPE });
      res.end(JSON.stringify({ error: `stand-in route failed: ${messageOf(err)}` }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    serve(route: HttpStandInRoute) {
      checkRoute(route);
      routes.push(route);
    },
    faults,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    resetMaxInFlight() {
      maxInFlight = inFlight;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
