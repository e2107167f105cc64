import type { ServerResponse } from 'node:http';
import { OperationTimeoutError, toPipelineError } from '../../errors/index.js';
import { cloudLoggingLogger } from '../../logging/index.js';
import { safeLogger } from '../../shared/safe-logger.js';
import { type MonitorHttpResponse, monitorRequestHandler, SHUTTING_DOWN } from '../http.js';
import type { Monitor } from '../monitor.js';
import { MAX_BODY_BYTES, readBody } from '../request-body.js';

/**
 * The default drain, ms from SIGTERM to the last answer: below Cloud Run's 10 s between SIGTERM and
 * SIGKILL, with room for the process to close its clients and exit.
 */
export const DEFAULT_DRAIN_MS = 8000;

/** Options of `serve`. */
export interface ServeOptions {
  /** Total time from SIGTERM to the last answer, ms. Default `DEFAULT_DRAIN_MS`. */
  drainMs?: number;
}

/**
 * The part of the drain kept after the runs are stopped: for the alert being sent to be cut short and
 * recorded in the rate-limit store (an alert manager keeps its `storeTimeoutMs` for that), and for the
 * answers to go out. A quarter of the drain, at most 2 s.
 */
function stopReserveMs(drainMs: number): number {
  return Math.min(2000, Math.floor(drainMs / 4));
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(body));
}

/**
 * A response the handler may write once: after the drain answered it, the handler's late answer is
 * dropped instead of throwing `ERR_HTTP_HEADERS_SENT`.
 */
function writeOnce(res: ServerResponse): MonitorHttpResponse {
  return {
    get statusCode() {
      return res.statusCode;
    },
    set statusCode(status: number) {
      if (!res.headersSent) res.statusCode = status;
    },
    setHeader(name, value) {
      if (!res.headersSent) res.setHeader(name, value);
    },
    end(body) {
      if (!res.writableEnded) res.end(body);
    },
  };
}

interface InFlight {
  res: ServerResponse;
  stop: AbortController;
}

/**
 * Serves the monitor's handler on `port` until SIGTERM or SIGINT (Cloud Run's stop signal), then
 * drains within `drainMs` (default 8 s, below Cloud Run's 10 s grace period):
 *
 * 1. at once: no new connection is accepted, idle keep-alive connections are closed, and a request
 *    that still arrives on an open one is answered 503 `SHUTTING_DOWN` with `connection: close`;
 * 2. the runs in flight go on until `drainMs` minus a reserve (a quarter, at most 2 s), then are
 *    stopped: a run still checking answers 503 (no alert was sent); a run sending its alerts finishes
 *    the one being sent (cut short and recorded by an alert manager), sends no more and answers 503
 *    with its report (`not_sent` for the rest);
 * 3. at `drainMs` whatever has not answered is answered 503 and its connection closed; the promise
 *    resolves once the server is closed, with 128 + the number of the signal that started the drain
 *    (143 SIGTERM, 130 SIGINT): the status a shell reports for a process that signal ended. The
 *    `gpr` binary ends the process by that signal, as the shutdown coordinator does for every
 *    process it drains: a supervisor sees what it sent (systemd counts an end by SIGTERM as clean;
 *    exit 0 said the server stopped on its own).
 *
 * The SIGTERM listener stays until the drain ends, so the shutdown coordinator (which waits for the
 * alert manager's sends in flight) does not end the process by raising the signal again meanwhile.
 * `node:http` is loaded here, not at import: only `gpr serve` needs it, and loading it costs every
 * importer of the package about 10 ms of CPU.
 */
export async function serve(
  monitor: Monitor,
  port: number,
  log: (line: string) => void,
  options: ServeOptions = {},
): Promise<number> {
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const { createServer } = await import('node:http');
  // Its own 500s go to the same stream as its other lines, as Cloud Logging entries at ERROR (the
  // error's message scrubbed of credentials, no cause, no query string): a failing monitor is seen.
  // Wrapped: a stderr that throws (EPIPE) must not cost the request its answer.
  const logger = safeLogger(cloudLoggingLogger({ write: log }));
  const handle = monitorRequestHandler(monitor, { logger });
  const inFlight = new Set<InFlight>();
  let draining = false;
  const server = createServer((req, res) => {
    if (draining) {
      answer(
        res,
        503,
        { error: { code: SHUTTING_DOWN, message: 'the instance is shutting down: send the request again' } },
        { connection: 'close', 'retry-after': '1' },
      );
      return;
    }
    const entry: InFlight = { res, stop: new AbortController() };
    inFlight.add(entry);
    res.once('close', () => inFlight.delete(entry));
    const refuse = (status: number, message: string) =>
      answer(res, status, { error: { code: 'BAD_REQUEST', field: 'body', message } });
    // The handler parses the body whatever its content type (Cloud Scheduler sends octet-stream).
    readBody(req)
      .then(
        (body) =>
          body === undefined
            ? refuse(413, `request body over ${MAX_BODY_BYTES} bytes`)
            : handle({ method: req.method, url: req.url, body }, writeOnce(res), entry.stop.signal),
        (error: unknown) => refuse(400, toPipelineError(error).message),
      )
      .catch((caught: unknown) => {
        // The handler itself failed (not the run, which it answers): still one answer, and said.
        const error = toPipelineError(caught);
        logger.error(`monitor request failed: ${req.method ?? 'GET'} answered 500`, { error, status: 500 });
        answer(res, 500, { error: { code: error.code, message: error.message } });
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // The port taken, not the one asked for: with 0 the system picks it and only the server knows.
    server.listen(port, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      log(`gpr monitor listening on :${bound} (GET /health, POST /check)`);
    });
    const stopRuns = () => {
      const reason = new OperationTimeoutError(
        `the instance is shutting down: runs in flight are stopped ${stopReserveMs(drainMs)} ms before the ${drainMs} ms drain ends`,
        { timeoutMs: drainMs },
      );
      for (const entry of inFlight) entry.stop.abort(reason);
    };
    const cutOff = () => {
      for (const { res } of inFlight) {
        answer(
          res,
          503,
          {
            error: {
              code: SHUTTING_DOWN,
              message: `the instance is shutting down: the run did not answer within the ${drainMs} ms drain (an alert may still be being sent)`,
            },
          },
          { connection: 'close', 'retry-after': '1' },
        );
      }
      server.closeAllConnections();
    };
    // Ignored while a drain runs: a second SIGTERM must neither restart it nor end the process.
    const onSignal = (signal: NodeJS.Signals) => {
      if (draining) return;
      draining = true;
      // The answers still to come close their connection: a keep-alive one would hold the close.
      for (const { res } of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      const stopTimer = setTimeout(stopRuns, Math.max(0, drainMs - stopReserveMs(drainMs)));
      const cutTimer = setTimeout(cutOff, drainMs);
      server.close(() => {
        clearTimeout(stopTimer);
        clearTimeout(cutTimer);
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve(signal === 'SIGINT' ? 130 : 143);
      });
      server.closeIdleConnections();
      // Said once the listening socket is closed: from here no new connection is served.
      log(`gpr monitor: draining ${inFlight.size} request(s) within ${drainMs} ms`);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
