import { describe, expect, it } from 'vitest';
import {
  createMonitor,
  createMonitorHandler,
  type Monitor,
  MonitorConfigError,
  type MonitorHttpRequest,
  type MonitorRunOptions,
} from '../../../src/index.js';
import { monitorRequestHandler } from '../../../src/monitoring/http.js';

/** A monitor whose run records its options and answers a fixed report (the handler is what is tested). */
function fakeMonitor(
  run: (options: MonitorRunOptions) => Promise<unknown> = async () => ({ status: 'healthy' }),
) {
  const runs: MonitorRunOptions[] = [];
  const monitor = {
    projectId: 'p',
    deadLetterSubscriptions: [{ subscription: 'orders-dlq-sub' }],
    run: (options: MonitorRunOptions = {}) => {
      runs.push(options);
      return run(options);
    },
    replay: () => Promise.reject(new Error('not used')),
    checkDeadLetters: () => Promise.reject(new Error('not used')),
    checkLoggingErrors: () => Promise.reject(new Error('not used')),
    close: async () => undefined,
  } as unknown as Monitor;
  return { monitor, runs };
}

async function call(monitor: Monitor, req: MonitorHttpRequest) {
  const headers: Record<string, string> = {};
  const res = {
    statusCode: 0,
    body: '',
    setHeader: (name: string, value: string) => {
      headers[name] = value;
    },
    end(body?: string) {
      this.body = body ?? '';
    },
  };
  await createMonitorHandler(monitor)(req, res);
  return { status: res.statusCode, headers, json: JSON.parse(res.body) as Record<string, unknown> };
}

describe('createMonitorHandler', () => {
  it('GET /health answers without running the checks', async () => {
    const { monitor, runs } = fakeMonitor();
    const response = await call(monitor, { method: 'GET', url: '/health' });
    expect(response).toMatchObject({
      status: 200,
      json: { status: 'ok', projectId: 'p', deadLetterSubscriptions: ['orders-dlq-sub'] },
    });
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(runs).toEqual([]);
  });

  it('POST /check passes dry_run and include_logging from the query, as 1/0, true/false or yes/no', async () => {
    const { monitor, runs } = fakeMonitor();
    await call(monitor, { method: 'POST', url: '/check?dry_run=1&include_logging=0' });
    await call(monitor, { method: 'POST', url: '/check?dry_run=false&include_dead_letters=YES' });
    await call(monitor, { method: 'POST', url: '/' });
    expect(runs).toEqual([
      { dryRun: true, includeLogging: false },
      { dryRun: false, includeDeadLetters: true },
      { dryRun: false },
    ]);
  });

  it('reads the same flags from a JSON body (Cloud Scheduler, the Functions Framework)', async () => {
    const { monitor, runs } = fakeMonitor();
    await call(monitor, { method: 'POST', url: '/check', body: { dry_run: true, include_logging: 'no' } });
    expect(runs).toEqual([{ dryRun: true, includeLogging: false }]);
  });

  it('refuses an unknown or malformed flag with a 400 naming it, and runs nothing', async () => {
    const { monitor, runs } = fakeMonitor();
    const typo = await call(monitor, { method: 'POST', url: '/check?dryrun=1' });
    expect(typo).toMatchObject({ status: 400, json: { error: { code: 'BAD_REQUEST', field: 'dryrun' } } });
    const bad = await call(monitor, { method: 'POST', url: '/check?dry_run=maybe' });
    expect(bad).toMatchObject({
      status: 400,
      json: { error: { field: 'dry_run', message: expect.stringMatching(/1\/0/) } },
    });
    expect(runs).toEqual([]);
  });

  it('refuses a run with both checks turned off (a 200 "healthy" of nothing looked at), and runs nothing', async () => {
    const { monitor, runs } = fakeMonitor();
    const none = await call(monitor, {
      method: 'POST',
      url: '/check?include_logging=0',
      body: { include_dead_letters: false },
    });
    expect(none).toMatchObject({
      status: 400,
      json: {
        error: {
          code: 'BAD_REQUEST',
          message: expect.stringMatching(/both off: the run would check nothing/),
        },
      },
    });
    expect(runs).toEqual([]);
  });

  it('refuses a flag given twice with different values (query twice, or query and body), and runs nothing', async () => {
    const { monitor, runs } = fakeMonitor();
    const twice = await call(monitor, { method: 'POST', url: '/check?dry_run=1&dry_run=0' });
    expect(twice).toMatchObject({
      status: 400,
      json: {
        error: { code: 'BAD_REQUEST', field: 'dry_run', message: expect.stringMatching(/twice|conflict/) },
      },
    });
    const both = await call(monitor, { method: 'POST', url: '/check?dry_run=yes', body: { dry_run: false } });
    expect(both).toMatchObject({ status: 400, json: { error: { field: 'dry_run' } } });
    expect(runs).toEqual([]);
    // The same value twice is no conflict.
    await call(monitor, { method: 'POST', url: '/check?dry_run=1&dry_run=true', body: { dry_run: 'yes' } });
    expect(runs).toEqual([{ dryRun: true }]);
  });

  it('still answers 500 when its logger throws, and never rejects', async () => {
    const { monitor } = fakeMonitor(() => Promise.reject(new Error('boom')));
    const throwing = {
      debug() {},
      info() {},
      warn() {},
      error() {
        throw new Error('EPIPE');
      },
    };
    let body = '';
    const res = {
      statusCode: 0,
      setHeader: () => undefined,
      end: (b?: string) => {
        body = b ?? '';
      },
    };
    await expect(
      createMonitorHandler(monitor, { logger: throwing })({ method: 'POST', url: '/check' }, res),
    ).resolves.toBeUndefined();
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(body)).toMatchObject({ error: { message: expect.stringContaining('boom') } });
  });

  it('does not reject when the response was already answered (a timeout middleware): logged instead', async () => {
    const { createServer, request } = await import('node:http');
    const { monitor } = fakeMonitor();
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void errors.push(m) };
    const handler = createMonitorHandler(monitor, { logger });
    let outcome: Promise<void> | undefined;
    const server = createServer((_req, res) => {
      // Answered before the handler writes, as Express's connect-timeout does: Node's setHeader
      // then throws ERR_HTTP_HEADERS_SENT.
      res.writeHead(503).end('timed out');
      outcome = handler({ method: 'POST', url: '/check' }, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/check' }, (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode));
        });
        req.once('error', reject);
        req.end();
      });
      expect(status).toBe(503);
      await expect(outcome).resolves.toBeUndefined();
      expect(errors.join(' ')).toMatch(/could not be sent/);
    } finally {
      server.close();
    }
  });

  it('refuses, runs nothing, when a middleware read the body and did not give it as req.body', async () => {
    const { createServer, request } = await import('node:http');
    const { monitor, runs } = fakeMonitor();
    const handler = createMonitorHandler(monitor);
    const server = createServer((req, res) => {
      // A logging middleware that reads the stream for itself and sets nothing.
      req.resume();
      req.once('end', () => void handler(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const ask = (body: string) =>
        new Promise<{ status?: number; text: string }>((resolve, reject) => {
          const req = request(
            { port, host: '127.0.0.1', method: 'POST', path: '/check', agent: false },
            (res) => {
              let text = '';
              res.on('data', (chunk) => {
                text += chunk;
              });
              res.once('end', () => resolve({ status: res.statusCode, text }));
            },
          );
          req.once('error', reject);
          req.end(body);
        });
      // Before: the flags were gone without a word, and dry_run ran for real (alerts sent).
      const answer = await ask(JSON.stringify({ dry_run: true }));
      expect(answer.status).toBe(400);
      expect(answer.text).toMatch(/req\.body/);
      expect(runs).toEqual([]);
      // Without a body there is nothing to lose: the run goes on.
      expect((await ask('')).status).toBe(200);
      expect(runs).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('reads the flags of a body sent over HTTP/2 without a content-length (node:http2 compat server)', async () => {
    const http2 = await import('node:http2');
    const { monitor, runs } = fakeMonitor();
    const handler = createMonitorHandler(monitor);
    const server = http2.createServer((req, res) => void handler(req as never, res as never));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2.connect(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    try {
      const ask = (body: string | undefined) =>
        new Promise<number>((resolve, reject) => {
          // HTTP/2 has no transfer-encoding and content-length is optional: a streamed body has neither.
          const req = client.request({ ':method': 'POST', ':path': '/check' });
          let status = 0;
          req.once('response', (headers) => {
            status = Number(headers[':status']);
          });
          req.once('error', reject);
          req.on('data', () => undefined);
          req.once('end', () => resolve(status));
          if (body !== undefined) req.write(body);
          req.end();
        });
      // Before: the body was taken for absent, and dry_run ran for real (alerts sent).
      expect(await ask(JSON.stringify({ dry_run: true }))).toBe(200);
      expect(runs.at(-1)).toMatchObject({ dryRun: true });
      expect(await ask('{"bogus": 1}')).toBe(400);
      expect(await ask(undefined)).toBe(200);
      expect(runs.at(-1)).toMatchObject({ dryRun: false });
      expect(runs).toHaveLength(2);
    } finally {
      client.close();
      server.close();
    }
  });

  it('does not reject when a run stopped by shutdown fails and the response was already answered', async () => {
    const controller = new AbortController();
    const { monitor } = fakeMonitor(async () => {
      controller.abort();
      throw new Error('stopped');
    });
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void errors.push(m) };
    const res = {
      statusCode: 0,
      setHeader() {
        throw Object.assign(new Error('Cannot set headers after they are sent to the client'), {
          code: 'ERR_HTTP_HEADERS_SENT',
        });
      },
      end() {},
    };
    await expect(
      // The handler with a stop signal per request, as `gpr serve` drains with.
      monitorRequestHandler(monitor, { logger })({ method: 'POST', url: '/check' }, res, controller.signal),
    ).resolves.toBeUndefined();
    expect(errors.join(' ')).toMatch(/monitor answer 503 could not be sent/);
  });

  it('reads a body given as text or bytes, and refuses one that is not a JSON object', async () => {
    const { monitor, runs } = fakeMonitor();
    await call(monitor, { method: 'POST', url: '/check', body: Buffer.from('{"dry_run": true}') });
    await call(monitor, { method: 'POST', url: '/check', body: ' {"include_logging": "0"} ' });
    await call(monitor, { method: 'POST', url: '/check', body: Buffer.alloc(0) });
    expect(runs).toEqual([{ dryRun: true }, { dryRun: false, includeLogging: false }, { dryRun: false }]);
    for (const body of ['dry_run=1', [{ dry_run: true }], 'true', 1]) {
      const refused = await call(monitor, { method: 'POST', url: '/check', body });
      expect(refused).toMatchObject({ status: 400, json: { error: { code: 'BAD_REQUEST', field: 'body' } } });
    }
    expect(runs).toHaveLength(3);
  });

  it('answers 404 for another path and 405 with Allow for another method', async () => {
    const { monitor } = fakeMonitor();
    expect(await call(monitor, { method: 'GET', url: '/metrics' })).toMatchObject({ status: 404 });
    const get = await call(monitor, { method: 'GET', url: '/check' });
    expect(get).toMatchObject({ status: 405, headers: { allow: 'POST' } });
    expect(await call(monitor, { method: 'DELETE', url: '/health' })).toMatchObject({
      status: 405,
      headers: { allow: 'GET, HEAD' },
    });
  });

  it('answers 500 with the typed error, never a stack, when a run fails unexpectedly', async () => {
    const { monitor } = fakeMonitor(() =>
      Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    );
    const response = await call(monitor, { method: 'POST', url: '/check' });
    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: {
        name: 'NetworkError',
        code: 'NETWORK_ERROR',
        message: expect.stringContaining('ECONNRESET'),
        transient: true,
      },
    });
  });

  it('checks monitor options at construction', () => {
    expect(() => createMonitorHandler({ deadLetters: { threshold: -2 } })).toThrow(MonitorConfigError);
    expect(() =>
      createMonitorHandler(createMonitor({ env: { GCP_PROJECT_ID: 'test-project' } })),
    ).not.toThrow();
  });
});
