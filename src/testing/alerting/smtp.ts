/**
 * `startSmtpStandIn`: an SMTP submission server on 127.0.0.1 (smtp-server, an optional peer) with
 * STARTTLS, login, a fault plan per SMTP step, and a record of every message it accepted.
 * @module
 */
import type { Socket } from 'node:net';
import type { NodeBuffer } from '../../shared/node-types.js';
import { type CountedFaultRule, createFaultPlanOf, type FaultPlanOf } from '../shared/fault-plan.js';
import { importPeers } from '../shared/peers.js';

/**
 * The step of an SMTP session a fault acts at: the greeting (`connect`), `auth`, `mail` (MAIL FROM),
 * `rcpt` (each RCPT TO) or `data` (after the message was received, before it is accepted).
 *
 * @example
 * ```ts
 * import { startSmtpStandIn, type SmtpStep } from 'gcp-pipeline-resilience/testing';
 * const smtp = await startSmtpStandIn({ users: { alerts: 'pw' } });
 * // Drop the connection once at each step, one test run per step.
 * const steps: SmtpStep[] = ['mail', 'rcpt', 'data'];
 * for (const step of steps) smtp.faults.add({ step, times: 1, drop: true });
 * ```
 */
export type SmtpStep = 'connect' | 'auth' | 'mail' | 'rcpt' | 'data';

/**
 * A fault rule of the SMTP stand-in: at which step, how often, and what it does (exactly one of
 * `reply`, `drop`, `delayMs`, `rawReply`). `rawReply` writes its `text` as the server's reply, byte
 * for byte, instead of a well-formed one: a line that is not SMTP (`'HTTP/1.1 400 Bad Request\r\n'`),
 * the first line of a multi-line reply (`'250-first\r\n'`) or a line cut short (`'25'`); then the
 * server closes the connection (`afterwards: 'close'`, the default) or says nothing more (`'hang'`, until
 * the client gives up). The message of a `data` step hit by it is not accepted.
 *
 * @example
 * ```ts
 * import { startSmtpStandIn, type SmtpFaultRule } from 'gcp-pipeline-resilience/testing';
 * const drop: SmtpFaultRule = { step: 'data', times: 1, drop: true };
 * const busy: SmtpFaultRule = { step: 'mail', times: 2, reply: { code: 451, message: 'Try again later' } };
 * const notSmtp: SmtpFaultRule = { step: 'connect', times: 1, rawReply: { text: 'SSH-2.0-OpenSSH_9.6\r\n' } };
 * const cutShort: SmtpFaultRule = { step: 'rcpt', times: 1, rawReply: { text: '250-2.1.5 Ok\r\n', afterwards: 'hang' } };
 * const smtp = await startSmtpStandIn({ users: { alerts: 'pw' } });
 * for (const rule of [busy, drop, notSmtp, cutShort]) smtp.faults.add(rule);
 * ```
 */
export type SmtpFaultRule = CountedFaultRule & { step?: SmtpStep } & (
    | { reply: { code: number; message?: string } }
    | { drop: true }
    | { delayMs: number }
    | { rawReply: { text: string; afterwards?: 'close' | 'hang' } }
  );

/** The largest `rawReply.text`, characters: a malformed reply, not a flood. */
const MAX_RAW_REPLY = 64 * 1024;

function validateRule(rule: SmtpFaultRule): void {
  if (
    'reply' in rule &&
    !(Number.isInteger(rule.reply.code) && rule.reply.code >= 400 && rule.reply.code <= 599)
  ) {
    throw new TypeError(`Fault 'reply.code' must be an SMTP error code (400-599), got ${rule.reply.code}`);
  }
  if ('rawReply' in rule) {
    const raw = rule.rawReply as { text?: unknown; afterwards?: unknown } | null;
    if (typeof raw?.text !== 'string' || raw.text.length === 0 || raw.text.length > MAX_RAW_REPLY) {
      throw new TypeError(
        `Fault 'rawReply.text' must be a non-empty string of at most ${MAX_RAW_REPLY} characters, got ${typeof raw?.text === 'string' ? `${raw.text.length} characters` : typeof raw?.text}`,
      );
    }
    if (raw.afterwards !== undefined && raw.afterwards !== 'close' && raw.afterwards !== 'hang') {
      throw new TypeError(
        `Fault 'rawReply.afterwards' must be 'close' or 'hang', got ${JSON.stringify(raw.afterwards)}`,
      );
    }
  }
}

/**
 * Options of {@link startSmtpStandIn}.
 *
 * @example
 * ```ts
 * import { startSmtpStandIn } from 'gcp-pipeline-resilience/testing';
 * const smtp = await startSmtpStandIn({ users: { alerts: 's3cret' } });
 * ```
 */
export interface SmtpStandInOptions {
  /** Accounts that may log in; with none, login is not offered and not needed. */
  users?: Record<string, string>;
  /** Offer STARTTLS (default true). `false` makes a server that only speaks in clear. */
  starttls?: boolean;
  /** Your own certificate; default: smtp-server's built-in self-signed one (clients must not verify it). */
  tls?: { key: string | NodeBuffer; cert: string | NodeBuffer };
  /** Largest message accepted, bytes (552 above). Default 10 MiB. */
  maxMessageBytes?: number;
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
}

/**
 * A message the stand-in accepted.
 *
 * @example
 * ```ts
 * import { startSmtpStandIn } from 'gcp-pipeline-resilience/testing';
 * const smtp = await startSmtpStandIn();
 * // ... send an alert through smtpChannel({ host: smtp.host, port: smtp.port, tls: smtp.clientTls, ... }) ...
 * const [message] = smtp.messages;
 * message?.subject; // '[production] ERROR: phase2: insert failed'
 * ```
 */
export interface SmtpStandInMessage {
  readonly from: string;
  readonly to: string[];
  /** The decoded `Subject` header. */
  readonly subject: string;
  /** The message as sent (headers and MIME body). */
  readonly raw: string;
  /** Whether the session was encrypted (STARTTLS) when the message was sent. */
  readonly secure: boolean;
  /** The account that logged in, if any. */
  readonly user?: string;
}

/**
 * A running SMTP stand-in.
 *
 * @example
 * ```ts
 * import { smtpChannel } from 'gcp-pipeline-resilience';
 * import { startSmtpStandIn } from 'gcp-pipeline-resilience/testing';
 * const smtp = await startSmtpStandIn({ users: { alerts: 'pw' } });
 * const email = smtpChannel({
 *   host: smtp.host, port: smtp.port, user: 'alerts', password: 'pw', tls: smtp.clientTls,
 *   from: 'alerts@example.com', to: ['oncall@example.com'],
 * });
 * smtp.faults.add({ step: 'data', times: 1, drop: true });
 * await smtp.close();
 * ```
 */
export interface SmtpStandIn {
  readonly host: string;
  readonly port: number;
  /** What a client needs to accept the built-in certificate: `{ rejectUnauthorized: false }` (or your `ca`). */
  readonly clientTls: { rejectUnauthorized: boolean };
  readonly messages: SmtpStandInMessage[];
  /** Sessions opened, and what each one ended with. */
  readonly sessions: Array<{ id: string; secure: boolean; steps: SmtpStep[]; dropped: boolean }>;
  readonly faults: FaultPlanOf<SmtpFaultRule>;
  close(): Promise<void>;
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) in a header value. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => `%${hex}`);
      try {
        return decodeURIComponent(bytes);
      } catch {
        return text;
      }
    });
}

function subjectOf(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const match = /^Subject:(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  return match ? decodeHeader(match[1]!.replace(/\r?\n[ \t]/g, ' ').trim()) : '';
}

/**
 * Starts an SMTP submission stand-in on 127.0.0.1 with `smtp-server` (an optional peer): STARTTLS
 * (smtp-server's built-in certificate unless `tls` is given), login only over TLS when `users` are
 * given (535 otherwise), a size limit, and a fault plan per step: a `reply` with an SMTP code (4xx
 * temporary, 5xx permanent), a `drop` of the connection, a `delayMs`, or a malformed `rawReply`. Records every accepted
 * message with its envelope, decoded subject and whether it came over TLS.
 *
 * @example
 * ```ts
 * import { startSmtpStandIn } from 'gcp-pipeline-resilience/testing';
 * const smtp = await startSmtpStandIn();
 * smtp.faults.add({ step: 'data', times: 1, drop: true }); // the connection drops after DATA
 * console.log(smtp.host, smtp.port);
 * await smtp.close();
 * ```
 */
export async function startSmtpStandIn(options: SmtpStandInOptions = {}): Promise<SmtpStandIn> {
  const [mod] = await importPeers(
    'SMTP',
    ['smtp-server'],
    async () => [await import('smtp-server')] as const,
  );
  const messages: SmtpStandInMessage[] = [];
  const sessions: SmtpStandIn['sessions'] = [];
  const sockets = new Map<number, Socket>();
  const faults = createFaultPlanOf<SmtpFaultRule, SmtpStep>({
    actions: ['reply', 'drop', 'delayMs', 'rawReply'],
    validate: validateRule,
    matches: (rule, step) => rule.step === undefined || rule.step === step,
  });
  const users = options.users;
  const timers = new Set<NodeJS.Timeout>();

  type Session = { id: string; secure: boolean; remotePort: number; user?: unknown };
  const track = (session: Session) => {
    let entry = sessions.find((s) => s.id === session.id);
    if (!entry) {
      entry = { id: session.id, secure: false, steps: [], dropped: false };
      sessions.push(entry);
    }
    entry.secure = session.secure;
    return entry;
  };

  /** Applies the fault plan at `step`, then calls `next` (or answers with the fault). */
  const at = (step: SmtpStep, session: Session, callback: (err?: Error | null) => void, next: () => void) => {
    const entry = track(session);
    entry.steps.push(step);
    const picked = faults.pick(step);
    if (!picked) return next();
    const rule = picked.rule;
    if ('reply' in rule) {
      const error = Object.assign(new Error(rule.reply.message ?? `Injected fault at ${step}`), {
        responseCode: rule.reply.code,
      });
      return callback(error);
    }
    if ('drop' in rule) {
      entry.dropped = true;
      sockets.get(session.remotePort)?.destroy();
      return;
    }
    if ('rawReply' in rule) {
      // Written on the session's own socket (the TLS one after STARTTLS), and smtp-server is never
      // called back: the step neither goes on nor answers.
      const socket = connectionSocket(session.id) ?? sockets.get(session.remotePort);
      if (rule.rawReply.afterwards === 'hang') {
        socket?.write(rule.rawReply.text);
        return;
      }
      entry.dropped = true;
      if (socket) socket.end(rule.rawReply.text, () => socket.destroy());
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      next();
    }, rule.delayMs);
    timers.add(timer);
  };

  const server = new mod.SMTPServer({
    logger: false,
    secure: false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    disabledCommands: [...(options.starttls === false ? ['STARTTLS'] : []), ...(users ? [] : ['AUTH'])],
    authOptional: users === undefined,
    allowInsecureAuth: false,
    size: options.maxMessageBytes ?? 10 * 1024 * 1024,
    onConnect(session, callback) {
      at('connect', session as Session, callback, () => callback());
    },
    onAuth(auth, session, callback) {
      at('auth', session as Session, callback, () => {
        const expected = users?.[auth.username ?? ''];
        if (expected === undefined || expected !== auth.password) {
          return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
        }
        callback(null, { user: auth.username });
      });
    },
    onMailFrom(_address, session, callback) {
      at('mail', session as Session, callback, () => callback());
    },
    onRcptTo(_address, session, callback) {
      at('rcpt', session as Session, callback, () => callback());
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(
            Object.assign(new Error('Message exceeds fixed maximum message size'), { responseCode: 552 }),
          );
        }
        at('data', session as Session, callback, () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const envelope = session.envelope;
          const user = (session as Session).user;
          messages.push({
            from: envelope.mailFrom ? envelope.mailFrom.address : '',
            to: envelope.rcptTo.map((r) => r.address),
            subject: subjectOf(raw),
            raw,
            secure: session.secure,
            ...(typeof user === 'string' ? { user } : {}),
          });
          callback();
        });
      });
    },
  });
  const net = (server as unknown as { server: import('node:net').Server }).server;
  /** The socket smtp-server talks on for a session: the TLS one once STARTTLS upgraded it. */
  function connectionSocket(id: string): Socket | undefined {
    const connections = (server as unknown as { connections?: Set<{ id?: string; _socket?: Socket }> })
      .connections;
    for (const connection of connections ?? []) if (connection.id === id) return connection._socket;
    return undefined;
  }
  net.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    socket.on('close', () => sockets.delete(port));
  });
  server.on('error', () => {
    // A client that drops mid-session is an ordinary event for a stand-in, not a crash.
  });
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (net.address() as import('node:net').AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    clientTls: { rejectUnauthorized: false },
    messages,
    sessions,
    faults,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets.values()) socket.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
