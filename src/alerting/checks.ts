/**
 * Option checks of the alerting layer: zod schemas whose first issue becomes an
 * {@link AlertConfigError} naming the field. Values are never echoed: a webhook URL or a key is a credential.
 * @module
 */
import * as z from 'zod';
import type { ConfigEnv } from '../config/index.js';
import { OPTION_ALIASES, suggestKey } from '../shared/check-options.js';
import { lazy } from '../shared/lazy.js';
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

/** The parts of a zod schema this walk reads (zod 4's `_zod.def`). */
interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
  valueType?: { _zod: { def: SchemaDef } };
  options?: Array<{ _zod: { def: SchemaDef } }>;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional']);

/** The object schemas a value at `path` may be checked by (several for a union of objects). */
function objectsAt(def: SchemaDef, path: readonly PropertyKey[]): SchemaDef[] {
  while (WRAPPERS.has(def.type) && def.innerType) def = def.innerType._zod.def;
  if (def.type === 'pipe' && def.in) return objectsAt(def.in._zod.def, path);
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => objectsAt(o._zod.def, path));
  if (path.length === 0) return def.type === 'object' ? [def] : [];
  const [part, ...rest] = path;
  if (def.type === 'object') {
    const child = def.shape?.[String(part)];
    return child ? objectsAt(child._zod.def, rest) : [];
  }
  const inner = def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
  return inner ? objectsAt(inner._zod.def, rest) : [];
}

/** What to say about an unknown key: the key it most likely meant, and the known ones. */
function unknownKeyProblem(key: string, known: readonly string[]): string {
  const best = suggestKey(key, known, OPTION_ALIASES);
  const hint = best === undefined ? '' : ` (did you mean '${best}'?)`;
  return `unknown option${hint}${known.length > 0 ? `; known options are ${known.join(', ')}` : ''}`;
}

/**
 * `value` parsed by `schema`, or an {@link AlertConfigError} for its first problem. An unknown key is
 * reported first, with the closest known key: a misspelt option also makes the right one look missing.
 */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues as z.core.$ZodIssue[];
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? (issues[0] as z.core.$ZodIssue);
  if (issue.code !== 'unrecognized_keys')
    throw new AlertConfigError(pathOf(prefix, issue.path), issue.message);
  const key = String(issue.keys[0]);
  const def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  const known = [...new Set(objectsAt(def, issue.path).flatMap((o) => Object.keys(o.shape ?? {})))];
  throw new AlertConfigError(pathOf(prefix, [...issue.path, key]), unknownKeyProblem(key, known));
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An `https://` URL (`http://` only on loopback, for stand-ins); the URL itself never appears in a message. */
export const serviceUrl = lazy(() =>
  z.string().refine(
    (text) => {
      try {
        const url = new URL(text);
        return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
      } catch {
        return false;
      }
    },
    { message: 'expected an https:// URL (http:// only on 127.0.0.1 or localhost); the value is not shown' },
  ),
);

/** One email address, as SendGrid and SMTP servers take it. */
export const emailAddress = lazy(() =>
  z.email({ message: 'expected an email address such as alerts@example.com' }),
);

/**
 * A non-empty list of addresses, none twice (in any case): SendGrid refuses a mail that names an
 * address twice, so every alert would fail.
 */
export const recipients = lazy(() =>
  z
    .array(emailAddress())
    .min(1, { message: 'expected at least one recipient' })
    .max(1000)
    .superRefine((list, ctx) => {
      const first = new Map<string, number>();
      list.forEach((address, i) => {
        const earlier = first.get(address.toLowerCase());
        if (earlier === undefined) {
          first.set(address.toLowerCase(), i);
          return;
        }
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `repeats the recipient at index ${earlier} (${list[earlier]}): list each address once`,
        });
      });
    }),
);

/** A secret given as its value or as a function that fetches it (from Secret Manager, say). */
export const credential = lazy(() =>
  z.union(
    [
      z.string().trim().min(1, { message: 'expected a non-empty secret or a function returning one' }),
      z.custom<() => string | Promise<string>>((v) => typeof v === 'function'),
    ],
    { message: 'expected a non-empty secret or a function returning one' },
  ),
);

export const positiveInt = (max: number) => z.int().min(1).max(max);

/** A function (callbacks, clocks). */
export const fn = <T>() => z.custom<T>((v) => typeof v === 'function', { message: 'expected a function' });

/**
 * An `env` option: variables by name. `process.env` is one, yet `z.record` refused it (its prototype
 * is not `Object.prototype`).
 */
export const envRecord = () =>
  z.custom<ConfigEnv>(
    (v) =>
      !!v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => x === undefined || typeof x === 'string'),
    { message: 'expected an object of strings (process.env)' },
  );

/** A sender: an address, or an address and a display name. */
export const sender = lazy(() =>
  z.union([
    emailAddress(),
    z.strictObject({ email: emailAddress(), name: z.string().min(1).max(100).optional() }),
  ]),
);

/** A channel's name: what routes and results call it. */
export const channelName = lazy(() =>
  z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/i, { message: 'expected a short name of letters, digits, - and _' }),
);

/** The options every HTTP channel takes: its name, per-attempt timeout, attempts and `fetch`. */
export const httpChannelFields = lazy(() => ({
  name: channelName().optional(),
  attemptTimeoutMs: positiveInt(120_000).optional(),
  maxAttempts: positiveInt(10).optional(),
  fetch: fn<AlertFetch>().optional(),
}));
