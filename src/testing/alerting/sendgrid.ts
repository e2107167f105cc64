/**
 * `startSendGridStandIn`: SendGrid's v3 `mail/send` on 127.0.0.1: checks the key and the request as
 * SendGrid does, answers 202, records every mail it accepted.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { HttpFaultPlan } from '../http/faults.js';
import { type HttpStandInAnswer, type HttpStandInRequest, startHttpStandIn } from '../http/stand-in.js';

/**
 * Options of {@link startSendGridStandIn}.
 *
 * @example
 * ```ts
 * import { startSendGridStandIn } from 'gcp-pipeline-resilience/testing';
 * const sendgrid = await startSendGridStandIn({ apiKey: 'SG.test-key' });
 * ```
 */
export interface SendGridStandInOptions {
  /** The only key accepted (`Authorization: Bearer <key>`); others answer 401. Default: any non-empty key. */
  apiKey?: string;
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
}

/**
 * A mail the stand-in accepted.
 *
 * @example
 * ```ts
 * import { startSendGridStandIn } from 'gcp-pipeline-resilience/testing';
 * const sendgrid = await startSendGridStandIn();
 * // ... send an alert through sendGridChannel({ endpoint: sendgrid.endpoint, ... }) ...
 * const [mail] = sendgrid.mails;
 * mail?.to; // ['oncall@example.com']
 * ```
 */
export interface SendGridStandInMail {
  readonly messageId: string;
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  /** `content` by type: `text/plain`, `text/html`. */
  readonly content: Readonly<Record<string, string>>;
  /** The request body as sent. */
  readonly body: Record<string, unknown>;
}

/**
 * A running SendGrid stand-in.
 *
 * @example
 * ```ts
 * import { sendGridChannel } from 'gcp-pipeline-resilience';
 * import { startSendGridStandIn } from 'gcp-pipeline-resilience/testing';
 * const sendgrid = await startSendGridStandIn();
 * const email = sendGridChannel({ apiKey: 'SG.x', endpoint: sendgrid.endpoint, from: 'a@example.com', to: ['b@example.com'] });
 * await sendgrid.close();
 * ```
 */
export interface SendGridStandIn {
  readonly url: string;
  /** `'http://127.0.0.1:PORT/v3/mail/send'`: the channel's `endpoint`. */
  readonly endpoint: string;
  readonly mails: SendGridStandInMail[];
  readonly requests: HttpStandInRequest[];
  readonly faults: HttpFaultPlan;
  close(): Promise<void>;
}

/** SendGrid's largest request: 30 MB. */
const MAX_BYTES = 30 * 1024 * 1024;

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function errors(status: number, message: string, field?: string): HttpStandInAnswer {
  return { status, json: { errors: [{ message, field: field ?? null, help: null }] } };
}

/** Checks a `mail/send` body; the first problem, as SendGrid words it. */
function check(body: Record<string, unknown>): { message: string; field: string } | undefined {
  const personalizations = body.personalizations;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    return {
      message: 'The personalizations field is required and must have at least one personalization.',
      field: 'personalizations',
    };
  }
  if (personalizations.length > 1000)
    return { message: 'The personalizations field is limited to 1000.', field: 'personalizations' };
  for (const [i, p] of personalizations.entries()) {
    const to = (p as { to?: unknown }).to;
    if (!Array.isArray(to) || to.length === 0) {
      return {
        message:
          'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        field: `personalizations.${i}.to`,
      };
    }
    const seen = new Set<string>();
    for (const [j, r] of to.entries()) {
      const email = String((r as { email?: unknown }).email ?? '');
      if (!EMAIL.test(email)) {
        return { message: 'Does not contain a valid address.', field: `personalizations.${i}.to.${j}.email` };
      }
      if (seen.has(email.toLowerCase())) {
        return {
          message: `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${email}] in the personalizations.${i}.to field.`,
          field: `personalizations.${i}.to`,
        };
      }
      seen.add(email.toLowerCase());
    }
  }
  if (!EMAIL.test(String((body.from as { email?: unknown } | undefined)?.email ?? ''))) {
    return {
      message:
        'The from object must be provided for every email send. It is an object that requires the email parameter.',
      field: 'from.email',
    };
  }
  if (typeof body.subject !== 'string' || body.subject.trim() === '') {
    return {
      message:
        'The subject is required. You can get around this requirement if you use a template with a subject defined.',
      field: 'subject',
    };
  }
  const content = body.content;
  if (!Array.isArray(content) || content.length === 0) {
    return {
      message: 'Unless a valid template_id is provided, the content parameter is required.',
      field: 'content',
    };
  }
  for (const [i, c] of content.entries()) {
    const { type, value } = c as { type?: unknown; value?: unknown };
    if (typeof type !== 'string' || typeof value !== 'string' || value === '') {
      return {
        message: 'The content value must be a string at least one character in length.',
        field: `content.${i}.value`,
      };
    }
  }
  return undefined;
}

/**
 * Starts a SendGrid v3 stand-in on 127.0.0.1: `POST /v3/mail/send` checks the bearer key (401), the
 * size (413), the body (400 with SendGrid's `errors` array: personalizations, recipients, sender,
 * subject, content) and answers 202 with an `X-Message-Id`. Takes the HTTP stand-in's fault plan
 * (`status` with headers such as `Retry-After`, `delayMs`, `hang`, `reset`, ...).
 *
 * @example
 * ```ts
 * import { startSendGridStandIn } from 'gcp-pipeline-resilience/testing';
 * const sendgrid = await startSendGridStandIn({ apiKey: 'SG.test' });
 * sendgrid.faults.add({ times: 1, status: 503 });
 * await sendgrid.close();
 * ```
 */
export async function startSendGridStandIn(options: SendGridStandInOptions = {}): Promise<SendGridStandIn> {
  const mails: SendGridStandInMail[] = [];
  const handler = (request: HttpStandInRequest): HttpStandInAnswer => {
    if (request.method !== 'POST') return errors(405, 'method not allowed');
    const auth = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!auth || (options.apiKey !== undefined && auth !== options.apiKey)) {
      return errors(401, 'The provided authorization grant is invalid, expired, or revoked');
    }
    if (Buffer.byteLength(request.body, 'utf8') > MAX_BYTES) return errors(413, 'Payload Too Large');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return errors(400, 'Bad Request', 'body');
    }
    const problem = check(body);
    if (problem) return errors(400, problem.message, problem.field);
    const messageId = randomUUID().replaceAll('-', '').slice(0, 22);
    const personalizations = body.personalizations as Array<{ to: Array<{ email: string }> }>;
    mails.push({
      messageId,
      from: (body.from as { email: string }).email,
      to: personalizations.flatMap((p) => p.to.map((t) => t.email)),
      subject: body.subject as string,
      content: Object.fromEntries(
        (body.content as Array<{ type: string; value: string }>).map((c) => [c.type, c.value]),
      ),
      body,
    });
    return { status: 202, headers: { 'x-message-id': messageId } };
  };
  const service = await startHttpStandIn({
    ...(options.port !== undefined ? { port: options.port } : {}),
    routes: [
      { path: '/v3/mail/send', handler },
      { path: /.*/, handler: () => errors(404, 'resource not found') },
    ],
  });
  return {
    url: service.url,
    endpoint: `${service.url}/v3/mail/send`,
    mails,
    requests: service.requests,
    faults: service.faults,
    close: () => service.close(),
  };
}
