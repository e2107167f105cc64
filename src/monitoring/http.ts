import { type PipelineError, toPipelineError } from '../errors/index.js';
import { type Logger, serializeError, silentLogger } from '../logging/index.js';
import { describeValue } from '../shared/check-options.js';
import { safeLogger } from '../shared/safe-logger.js';
import { untilAborted } from '../shared/until-aborted.js';
import { refuseUnknownKeys } from './checks.js';
import { MonitorConfigError } from './errors.js';
import { createMonitor, type Monitor, type MonitorOptions } from './monitor.js';
import type { MonitorReport } from './report.js';
import { MAX_BODY_BYTES, readBody, unreadBodyStream } from './request-body.js';

/**
 * The request fields the handler reads: those of Node's `IncomingMessage`, Express and the Functions
 * Framework alike. `body` is a parsed JSON object, or its text or bytes (parsed here whatever the
 * content type); any other body is refused with a 400. A request stream whose body no framework read
 * (a bare `node:http` server) is read here, up to 64 KB; one that something else read without setting
 * `body` is refused with a 400 (its flags cannot be known).
 *
 * @example
 * ```ts
 * import { createMonitorHandler, type MonitorHttpRequest, type MonitorHttpResponse } from 'gcp-pipeline-resilience';
 * // Drive the handler from a framework that is not node:http (here: a test).
 * const handle = createMonitorHandler({ sport: 'nba' });
 * const request: MonitorHttpRequest = { method: 'POST', url: '/check?dry_run=1' };
 * let body = '';
 * const response: MonitorHttpResponse = { statusCode: 200, setHeader: () => undefined, end: (b?: string) => { body = b ?? ''; } };
 * await handle(request, response);
 * ```
 */
export interface MonitorHttpRequest {
  method?: string | undefined;
  url?: string | undefined;
  body?: unknown;
}

/**
 * The response methods the handler uses (Node's `ServerResponse` and Express's `res` both have them).
 *
 * @example
 * ```ts
 * import { createMonitorHandler, type MonitorHttpResponse } from 'gcp-pipeline-resilience';
 * // Capture the handler's answer (for a test, or a framework with its own response object).
 * const captured: { status?: number; body?: string } = {};
 * const response: MonitorHttpResponse = {
 *   statusCode: 200,
 *   setHeader: () => undefined,
 *   end(body?: string) {
 *     captured.status = this.statusCode;
 *     captured.body = body;
 *   },
 * };
 * await createMonitorHandler({ sport: 'nba' })({ method: 'GET', url: '/health' }, response);
 * ```
 */
export interface MonitorHttpResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/**
 * Options of {@link createMonitorHandler}.
 *
 * @example
 * ```ts
 * import { cloudLoggingLogger, createMonitor, createMonitorHandler, type MonitorHandlerOptions } from 'gcp-pipeline-resilience';
 * const options: MonitorHandlerOptions = { logger: cloudLoggingLogger({ labels: { service: 'dlq-monitor' } }) };
 * export const handler = createMonitorHandler(createMonitor({ sport: 'nba' }), options);
 * ```
 */
export interface MonitorHandlerOptions {
  /** One entry per request that failed unexpectedly (a 500). Default: silent. */
  logger?: Logger;
}

const FLAGS = {
  dry_run: 'dryRun',
  include_logging: 'includeLogging',
  include_dead_letters: 'includeDeadLetters',
} as const;
type Flag = keyof typeof FLAGS;

class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function flagValue(field: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const text =
    typeof value === 'number'
      ? String(value)
      : typeof value === 'string'
        ? value.trim().toLowerCase()
        : undefined;
  if (text === '1' || text === 'true' || text === 'yes') return true;
  if (text === '0' || text === 'false' || text === 'no') return false;
  throw new BadRequest(field, `${field} must be 1/0, true/false or yes/no, got ${JSON.stringify(value)}`);
}

/** Reads the run's flags from the query string and a parsed JSON body; an unknown one is refused. */
function readFlags(url: URL, body: unknown): Record<(typeof FLAGS)[Flag], boolean | undefined> {
  const flags: Record<string, boolean | undefined> = {};
  const take = (name: string, value: unknown, where: string) => {
    if (!Object.hasOwn(FLAGS, name)) {
      throw new BadRequest(
        name,
        `unknown ${where} parameter ${JSON.stringify(name)}: expected ${Object.keys(FLAGS).join(', ')}`,
      );
    }
    const key = FLAGS[name as Flag];
    const given = flagValue(name, value);
    // `?dry_run=1&dry_run=0` must not quietly become "send the alerts": which one was meant is unknown.
    if (flags[key] !== undefined && flags[key] !== given) {
      throw new BadRequest(name, `${name} is given twice with conflicting values`);
    }
    flags[key] = given;
  };
  for (const [name, value] of url.searchParams) take(name, value, 'query');
  for (const [name, value] of Object.entries(bodyFlags(body))) take(name, value, 'body');
  if (flags.includeLogging === false && flags.includeDeadLetters === false) {
    // Nothing would be looked at, and the answer would be a 200 `healthy`.
    throw new BadRequest(
      'include_dead_letters',
      'include_logging and include_dead_letters are both off: the run would check nothing',
    );
  }
  return flags as Record<(typeof FLAGS)[Flag], boolean | undefined>;
}

/**
 * The flags of a request body: a parsed JSON object, or the raw text or bytes of one, whatever the
 * content type said (Cloud Scheduler sends `application/octet-stream` unless told otherwise, and the
 * Functions Framework then gives the body as bytes). A body that is there but is not a JSON object
 * is a 400: ignored, `{"dry_run": true}` would have sent real alerts.
 */
function bodyFlags(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = (typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).trim();
    if (text === '') return {};
    try {
      value = JSON.parse(text);
    } catch {
      throw new BadRequest(
        'body',
        `the body must be a JSON object of flags (${Object.keys(FLAGS).join(', ')}); it is not JSON`,
      );
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest(
      'body',
      `the body must be a JSON object of flags (${Object.keys(FLAGS).join(', ')}), got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

function send(
  res: MonitorHttpResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(payload));
}

function errorBody(error: PipelineError | BadRequest): unknown {
  if (error instanceof BadRequest)
    return { error: { code: 'BAD_REQUEST', field: error.field, message: error.message } };
  return { error: serializeError(error) };
}

/**
 * The monitor over HTTP, for Cloud Run, Cloud Functions (`functions.http('monitor', handler)`) and
 * Cloud Scheduler, with the same code as the CLI:
 *
 * - `GET /health` -> 200 `{ status: 'ok', projectId, deadLetterSubscriptions }` (no call to Google);
 * - `POST /check` (or `POST /`) -> runs the monitor and answers 200 with the report's JSON, whatever
 *   it found (a `degraded` report included); query or JSON-body flags `dry_run`, `include_logging`,
 *   `include_dead_letters` take `1/0`, `true/false`, `yes/no`. An unknown or malformed flag, or one
 *   given twice with conflicting values, is a 400 naming it (a typo in `dry_run` must not send alerts);
 *   so are `include_logging` and `include_dead_letters` both off (a run that checks nothing).
 * - any other path 404, another method 405 with `Allow`; an unexpected failure 500 with the error's
 *   `{ name, code, message }` (never a stack).
 *
 * Give it a {@link Monitor} or the options to create one (checked now: a {@link MonitorConfigError}
 * is thrown at construction, before the first request). `undefined` means the default options;
 * `null` or anything else that is not an object, as either argument, is a `MonitorConfigError`
 * naming the argument.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMonitorHandler } from 'gcp-pipeline-resilience';
 *
 * const handler = createMonitorHandler({ sport: 'nba' });
 * createServer((req, res) => void handler(req, res)).listen(Number(process.env.PORT ?? 8080));
 * // Cloud Scheduler: POST https://<service>/check every 15 minutes
 * ```
 */
export function createMonitorHandler(
  monitor: Monitor | MonitorOptions = {},
  options: MonitorHandlerOptions = {},
): (req: MonitorHttpRequest, res: MonitorHttpResponse) => Promise<void> {
  if (!isObject(monitor)) {
    throw notAnObject('monitor', 'a Monitor (from createMonitor) or the options of one', monitor);
  }
  if (!isObject(options)) throw notAnObject('options', 'an object { logger? }', options);
  refuseUnknownKeys(options, ['logger'], 'options');
  const handle = monitorRequestHandler(isMonitor(monitor) ? monitor : createMonitor(monitor), options);
  // Two parameters only: Express passes `next` third, which must not be read as a stop signal.
  return (req, res) => handle(req, res);
}

/** The code a stopped run answers with (503): the instance is going down, try again elsewhere. */
export const SHUTTING_DOWN = 'SHUTTING_DOWN';

/**
 * The handler of {@link createMonitorHandler}, with a stop signal per request (`gpr serve`'s drain):
 * when it aborts, the run stops (no alert is started after it; the one being sent is finished and
 * recorded) and the answer is a 503 `SHUTTING_DOWN` saying what was done. Internal.
 */
export function monitorRequestHandler(
  target: Monitor,
  options: MonitorHandlerOptions = {},
): (req: MonitorHttpRequest, res: MonitorHttpResponse, signal?: AbortSignal) => Promise<void> {
  // A logger that throws (EPIPE on a closed stdout) must not turn a 500 into no answer at all.
  const logger = safeLogger(options.logger ?? silentLogger);
  /**
   * `send`, never throwing: a response already answered (a timeout middleware, a framework's own
   * error page) makes Node's `setHeader` throw, and a handler run as `void handler(req, res)` that
   * rejected was an unhandled rejection, which ends a Node 20 process: the whole service, for one
   * late answer. The answer that could not go out is logged instead.
   */
  const reply = (...args: Parameters<typeof send>): void => {
    try {
      send(...args);
    } catch (error) {
      logger.error(`monitor answer ${args[1]} could not be sent (was the response already answered?)`, {
        error,
        status: args[1],
      });
    }
  };
  return async (req, res, signal) => {
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://monitor.invalid');
    } catch {
      return reply(res, 400, {
        error: { code: 'BAD_REQUEST', field: 'url', message: 'malformed request URL' },
      });
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/health') {
      if (method !== 'GET' && method !== 'HEAD')
        return reply(res, 405, { error: { code: 'METHOD_NOT_ALLOWED' } }, { allow: 'GET, HEAD' });
      return reply(res, 200, {
        status: 'ok',
        projectId: target.projectId,
        deadLetterSubscriptions: target.deadLetterSubscriptions.map((s) => s.subscription),
      });
    }
    if (path !== '/check' && path !== '/') return reply(res, 404, { error: { code: 'NOT_FOUND', path } });
    if (method !== 'POST')
      return reply(res, 405, { error: { code: 'METHOD_NOT_ALLOWED' } }, { allow: 'POST' });
    let body = req.body;
    const unread = unreadBodyStream(req, body);
    const badBody = (status: number, message: string) =>
      reply(res, status, { error: { code: 'BAD_REQUEST', field: 'body', message } });
    /** The 503 of a request the shutdown stopped before its alerts: the caller sends it again. */
    const shuttingDown = (what: string) =>
      reply(
        res,
        503,
        { error: { code: SHUTTING_DOWN, message: `the instance is shutting down: ${what}` } },
        { 'retry-after': '1' },
      );
    if (unread === 'gone') {
      return badBody(400, 'the request body was read before this handler (set req.body); nothing was run');
    }
    if (unread !== undefined) {
      try {
        body = await untilAborted(readBody(unread), signal);
      } catch {
        if (signal?.aborted) return shuttingDown('send the request again');
        return badBody(400, 'the request body could not be read');
      }
      if (body === undefined) return badBody(413, `request body over ${MAX_BODY_BYTES} bytes`);
    }
    let flags: ReturnType<typeof readFlags>;
    try {
      flags = readFlags(url, body);
    } catch (error) {
      if (error instanceof BadRequest) return reply(res, 400, errorBody(error));
      throw error;
    }
    try {
      const report = await target.run({
        dryRun: flags.dryRun ?? false,
        ...(flags.includeLogging === undefined ? {} : { includeLogging: flags.includeLogging }),
        ...(flags.includeDeadLetters === undefined ? {} : { includeDeadLetters: flags.includeDeadLetters }),
        ...(signal ? { signal } : {}),
      });
      if (signal?.aborted) return reply(res, 503, stoppedAfterChecks(report), { 'retry-after': '1' });
      return reply(res, 200, report);
    } catch (caught) {
      if (signal?.aborted) return shuttingDown('the run was stopped during its checks; no alert was sent');
      const error = toPipelineError(caught);
      // The path without its query: a query string is the caller's, and may carry a token.
      logger.error(`monitor run failed: ${method} ${path} answered 500`, {
        error,
        method,
        path,
        status: 500,
      });
      return reply(res, 500, errorBody(error));
    }
  };
}

/** The 503 body of a run stopped while it sent its alerts: what was sent, and the report. */
function stoppedAfterChecks(report: MonitorReport): unknown {
  const { alertsSent, alertsSuppressed, alertsFailed, alertsNotSent } = report.summary;
  return {
    error: {
      code: SHUTTING_DOWN,
      message:
        `the instance is shutting down: the run was stopped while it sent its alerts ` +
        `(sent ${alertsSent}, suppressed ${alertsSuppressed}, failed ${alertsFailed}, not sent ${alertsNotSent})`,
    },
    report,
  };
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An argument of `createMonitorHandler` that is not an object: the function, the argument, what it takes. */
function notAnObject(field: string, expected: string, value: unknown): MonitorConfigError {
  return new MonitorConfigError(
    field,
    `createMonitorHandler expects ${expected}, got ${describeValue(value)}`,
  );
}

function isMonitor(value: Monitor | MonitorOptions): value is Monitor {
  return typeof (value as Monitor).run === 'function' && typeof (value as Monitor).replay === 'function';
}
