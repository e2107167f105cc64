/**
 * `startBigQueryStandIn`: a loopback server that speaks BigQuery v2 REST to the real
 * `@google-cloud/bigquery` client, backed by DuckDB, with a fault plan and a request log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BigQueryOptions } from '@google-cloud/bigquery';
import { checkOptions, OPTION_ALIASES } from '../../shared/check-options.js';
import { messageOf } from '../../shared/message-of.js';
import { readRequestBody, splitMultipart } from '../shared/read-body.js';
import { Engine, inferParameters, mapDuckError } from './engine.js';
import { type BigQueryFaultRule, createFaultPlan } from './faults.js';
import { googleErrorBody, StandInHttpError } from './http-errors.js';
import { JobStore } from './jobs.js';
import { createRoutes, type RouteContext } from './routes.js';
import { type StartedStorageWrite, startStorageWrite } from './storage-write/start.js';
import type { BigQueryRequestLog, BigQueryStandIn, BigQueryStandInOptions } from './types.js';
import type { QueryParameter } from './values.js';
import { WireCodec } from './values.js';

const JSON_TYPE = 'application/json; charset=UTF-8';

/** Splits a `multipart/related` body into its parts. */
function parseMultipart(body: Buffer, contentType: string): Array<{ headers: string; content: string }> {
  const parts = splitMultipart(body, contentType);
  if (!parts) throw new StandInHttpError(400, 'invalid', 'Multipart body without a boundary');
  return parts;
}

function parseBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  if (/^multipart\//i.test(contentType)) {
    const [meta, data] = parseMultipart(raw, contentType);
    let metadata: unknown;
    try {
      metadata = JSON.parse(meta?.content ?? '{}');
    } catch {
      throw new StandInHttpError(400, 'parseError', 'Parse Error');
    }
    return { metadata, data: data?.content ?? '' };
  }
  const text = raw.toString('utf8');
  if (/json/i.test(contentType) || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      if (/json/i.test(contentType)) throw new StandInHttpError(400, 'parseError', 'Parse Error');
    }
  }
  return text;
}

function sqlOfBody(body: unknown): string | undefined {
  const b = body as { query?: unknown; configuration?: { query?: { query?: unknown } } } | undefined;
  if (typeof b?.query === 'string') return b.query;
  const q = b?.configuration?.query?.query;
  return typeof q === 'string' ? q : undefined;
}

/**
 * A misspelt option (`projectID`) would be ignored and every test would run in `test-project`; a
 * `maxPageRows` of 0 would answer every query with no rows; a NaN window would keep every id for ever.
 */
function checkStandInOptions(options: BigQueryStandInOptions): void {
  const where = 'startBigQueryStandIn';
  checkOptions(
    where,
    options,
    {
      projectId: 'string',
      port: 'number',
      location: 'string',
      insertIdWindowMs: 'number',
      minimumBytesBilledPerTable: 'number',
      maxPageRows: 'number',
      requestIdWindowMs: 'number',
      storageWrite: 'boolean',
      requireCredentials: 'boolean',
    },
    OPTION_ALIASES,
  );
  const { maxPageRows } = options;
  if (maxPageRows !== undefined && !(Number.isInteger(maxPageRows) && maxPageRows > 0)) {
    throw new RangeError(`${where}: maxPageRows must be a positive integer, got ${maxPageRows}`);
  }
  for (const key of ['insertIdWindowMs', 'requestIdWindowMs'] as const) {
    const value = options[key];
    if (value !== undefined && Number.isNaN(value)) {
      throw new RangeError(
        `${where}: ${key} must be a number of milliseconds (below 0: forget at once; Infinity: for ever), got NaN`,
      );
    }
  }
  const minimum = options.minimumBytesBilledPerTable;
  if (minimum !== undefined && !(Number.isFinite(minimum) && minimum >= 0)) {
    throw new RangeError(
      `${where}: minimumBytesBilledPerTable must be a finite number, 0 or more, got ${minimum}`,
    );
  }
}

/**
 * Starts a BigQuery stand-in on 127.0.0.1. `@google-cloud/bigquery`, `google-auth-library` and
 * `@duckdb/node-api` are loaded here, on first use, so importing the testing entry point costs
 * nothing for code that never starts a stand-in.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 *
 * const standIn = await startBigQueryStandIn({ projectId: 'test-project' });
 * const bq = standIn.client({ autoRetry: false });
 * await bq.createDataset('ds');
 * await bq.dataset('ds').createTable('t', { schema: 'id:INTEGER,name:STRING' });
 * await bq.dataset('ds').table('t').insert([{ id: 1, name: 'a' }], { partialRetries: 0 });
 * standIn.faults.add({ path: /\/queries$/, times: 1, error: { status: 503, reason: 'backendError' } });
 * await bq.query('SELECT COUNT(*) AS n FROM ds.t').catch((e) => e.code); // 503
 * const [rows] = await bq.query('SELECT COUNT(*) AS n FROM ds.t'); // [{ n: 1 }]
 * const writer = standIn.writeClient(); // a real BigQueryWriteClient on the same tables
 * await standIn.close();
 * ```
 */
export async function startBigQueryStandIn(options: BigQueryStandInOptions = {}): Promise<BigQueryStandIn> {
  checkStandInOptions(options);
  const projectId = options.projectId ?? 'test-project';
  const location = options.location ?? 'US';
  const need = <T>(name: string, load: () => Promise<T>): Promise<T> =>
    load().catch((cause: unknown) => {
      throw new Error(
        `startBigQueryStandIn needs the optional package "${name}" (npm install --save-dev ${name})`,
        { cause },
      );
    });
  // google-auth-library arrives with @google-cloud/bigquery, but only as a transitive dependency:
  // strict installers (pnpm) need it listed by the user.
  const [duck, { BigQuery }, { PassThroughClient }] = await Promise.all([
    need('@duckdb/node-api', () => import('@duckdb/node-api')),
    need('@google-cloud/bigquery', () => import('@google-cloud/bigquery')),
    need('google-auth-library', () => import('google-auth-library')),
  ]);
  const engine = await Engine.create(duck, {
    location,
    ...(options.insertIdWindowMs !== undefined ? { insertIdWindowMs: options.insertIdWindowMs } : {}),
    ...(options.minimumBytesBilledPerTable !== undefined
      ? { minimumBytesBilledPerTable: options.minimumBytesBilledPerTable }
      : {}),
  });
  engine.defaultProject = projectId;
  const codec = new WireCodec(duck);
  const jobs = new JobStore(engine, codec, location, {
    ...(options.maxPageRows !== undefined ? { maxPageRows: options.maxPageRows } : {}),
    ...(options.requestIdWindowMs !== undefined ? { requestIdWindowMs: options.requestIdWindowMs } : {}),
  });
  const faults = createFaultPlan();
  const requests: BigQueryRequestLog[] = [];
  let endpoint = '';
  // The Storage Write gRPC service shares the engine, so rows written either way meet in one catalog.
  let storageWrite: StartedStorageWrite | undefined;
  let storageWriteMissing: unknown;
  if (options.storageWrite !== false) {
    try {
      storageWrite = await startStorageWrite(engine, projectId);
    } catch (error) {
      if (options.storageWrite === true) {
        await engine.close();
        throw error;
      }
      storageWriteMissing = error;
    }
  }
  const storageWriteOrThrow = (): StartedStorageWrite => {
    if (storageWrite) return storageWrite;
    throw new Error(
      options.storageWrite === false
        ? 'The Storage Write service was not started (storageWrite: false)'
        : 'The Storage Write service could not start; install @google-cloud/bigquery-storage, @grpc/grpc-js and @grpc/proto-loader',
      { cause: storageWriteMissing },
    );
  };
  const routes = createRoutes({
    engine,
    jobs,
    codec,
    location,
    endpoint: () => endpoint,
    ...(options.maxPageRows !== undefined ? { maxPageRows: options.maxPageRows } : {}),
  });
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closing = false;

  const send = (
    res: ServerResponse,
    entry: BigQueryRequestLog,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    entry.status = status;
    if (status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(body ?? {});
    res.writeHead(status, {
      'content-type': JSON_TYPE,
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const sendError = (res: ServerResponse, entry: BigQueryRequestLog, err: unknown) => {
    const e = mapDuckError(err);
    send(res, entry, e.status, googleErrorBody(e.status, e.reason, e.message, e.location), e.headers);
  };

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const handle = {
        timer: setTimeout(() => {
          timers.delete(handle);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(handle);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: BigQueryRequestLog = { method, path, query, body: undefined };
    requests.push(entry);
    let raw: Buffer;
    try {
      raw = await readRequestBody(req);
      entry.body = parseBody(raw, String(req.headers['content-type'] ?? ''));
    } catch (err) {
      sendError(res, entry, err);
      return;
    }
    if (options.requireCredentials === true && req.headers.authorization === undefined) {
      // What BigQuery answers a request that carries no credentials; it reads nothing of it.
      send(
        res,
        entry,
        401,
        googleErrorBody(
          401,
          'required',
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          'Authorization',
        ),
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
      );
      return;
    }
    let match: { route: (typeof routes)[number]; params: Record<string, string> } | undefined;
    for (const r of routes) {
      if (r.method !== method) continue;
      const m = r.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      for (const [i, k] of r.keys.entries()) {
        const segment = m[i + 1]!;
        try {
          params[k] = decodeURIComponent(segment);
        } catch {
          // Google's front end refuses a malformed escape before any service sees it, with a 400
          // the client does not retry (a 500 here would be retried for about 15 s).
          sendError(res, entry, new StandInHttpError(400, 'invalid', `Invalid path segment: ${segment}`));
          return;
        }
      }
      match = { route: r, params };
      break;
    }
    let sql = sqlOfBody(entry.body);
    if (sql === undefined && match?.params.job) {
      sql = jobs.jobs.get(jobs.key(match.params.project ?? '', match.params.job))?.sql;
    }
    const picked = faults.pick({
      method,
      path,
      ...(sql !== undefined ? { sql } : {}),
      kind: match?.route.kind ?? 'other',
    });
    let fault: BigQueryFaultRule | undefined;
    let resetAfter = false;
    if (picked) {
      entry.fault = picked.handle.id;
      const rule = picked.rule;
      if ('error' in rule) {
        const { status, reason, message, retryAfterSeconds } = rule.error;
        const headers: Record<string, string> =
          retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
        send(
          res,
          entry,
          status,
          googleErrorBody(status, reason, message ?? `Injected fault: ${reason}`),
          headers,
        );
        return;
      }
      if ('reset' in rule && rule.reset === true) {
        req.socket.destroy();
        return;
      }
      if ('hang' in rule) return;
      if ('delayMs' in rule) {
        await delay(rule.delayMs);
        if (closing) return;
      }
      if ('reset' in rule && rule.reset === 'after') resetAfter = true;
      fault = rule;
    }
    if (!match) {
      send(res, entry, 404, googleErrorBody(404, 'notFound', `Not found: ${method} ${path}`));
      return;
    }
    const ctx: RouteContext = {
      method,
      params: match.params,
      query,
      body: entry.body,
      bodyBytes: raw.length,
      ...(fault ? { fault } : {}),
    };
    let result: { status: number; body?: unknown; headers?: Record<string, string> } | undefined;
    let error: unknown;
    try {
      result = await match.route.handler(ctx);
    } catch (err) {
      error = err;
    }
    if (resetAfter) {
      req.socket.destroy();
      return;
    }
    if (result) send(res, entry, result.status, result.body, result.headers);
    else sendError(res, entry, error);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) {
        const body = googleErrorBody(500, 'internalError', `BigQuery stand-in failure: ${messageOf(err)}`);
        res.writeHead(500, { 'content-type': JSON_TYPE });
        res.end(JSON.stringify(body));
      }
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    // A port already taken: what started before the server must not outlive the failed start (the
    // Storage Write server would keep the test process alive).
    await storageWrite?.close();
    await engine.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    projectId,
    location,
    faults,
    requests,
    get storageWrite() {
      return storageWriteOrThrow();
    },
    writeClient(clientOptions) {
      return storageWriteOrThrow().writeClient(clientOptions);
    },
    client(clientOptions?: BigQueryOptions) {
      return new BigQuery({
        projectId,
        apiEndpoint: endpoint,
        authClient: new PassThroughClient(),
        ...clientOptions,
      });
    },
    async run(sql: string, params?: Record<string, unknown>) {
      const queryParameters: QueryParameter[] | undefined = params ? inferParameters(params) : undefined;
      const rows = await engine.run(sql, queryParameters);
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, codec.plain(v)])));
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const t of timers) {
        clearTimeout(t.timer);
        t.resolve();
      }
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await storageWrite?.close();
      await engine.close();
    },
  };
}
