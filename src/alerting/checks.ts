/**
 * Option checks of the alerting layer: zod schemas whose first issue becomes an
 * {@link AlertConfigError} naming the field. Values are never echoed: a webhook URL or a key is a credential.
 * @module
 */
import { z } from 'zod';
import type { AlertFetch } from './channels/http-post.js';
import { AlertConfigError } from './errors.js';

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || 'options';
}

/** `value` parsed by `schema`, or an {@link AlertConfigError} for its first problem. */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = pathOf(prefix, keys.length > 0 ? [...issue.path, keys[0] as string] : issue.path);
  const problem = keys.length > 0 ? 'unknown option' : issue.message;
  throw new AlertConfigError(field, problem);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An `https://` URL (`http://` only on loopback, for stand-ins); the URL itself never appears in a message. */
export const serviceUrl = z.string().refine(
  (text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    } catch {
      return false;
    }
  },
  { message: 'expected an https:// URL (http:// only on 127.0.0.1 or localhost); the value is not shown' },
);

/** One email address, as SendGrid and SMTP servers take it. */
export const emailAddress = z.email({ message: 'expected an email address such as alerts@example.com' });

/** A non-empty list of addresses. */
export const recipients = z
  .array(emailAddress)
  .min(1, { message: 'expected at least one recipient' })
  .max(1000);

/** A secret given as its value or as a function that fetches it (from Secret Manager, say). */
export const credential = z.union(
  [
    z.string().trim().min(1, { message: 'expected a non-empty secret or a function returning one' }),
    z.custom<() => string | Promise<string>>((v) => typeof v === 'function'),
  ],
  { message: 'expected a non-empty secret or a function returning one' },
);

export const positiveInt = (max: number) => z.int().min(1).max(max);

/** A function (callbacks, clocks). */
export const fn = <T>() => z.custom<T>((v) => typeof v === 'function', { message: 'expected a function' });

/** A sender: an address, or an address and a display name. */
export const sender = z.union([
  emailAddress,
  z.strictObject({ email: emailAddress, name: z.string().min(1).max(100).optional() }),
]);

/** A channel's name: what routes and results call it. */
export const channelName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/i, { message: 'expected a short name of letters, digits, - and _' });

/** The options every HTTP channel takes: its name, per-attempt timeout, attempts and `fetch`. */
export const httpChannelFields = {
  name: channelName.optional(),
  attemptTimeoutMs: positiveInt(120_000).optional(),
  maxAttempts: positiveInt(10).optional(),
  fetch: fn<AlertFetch>().optional(),
};
