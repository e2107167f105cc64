/**
 * The options of `createAlertManager`, checked once with messages that name the field.
 * @module
 */
import * as z from 'zod';
import type { ConfigEnv } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import type { Clock } from '../retry/index.js';
import { lazy } from '../shared/lazy.js';
import type { ShutdownCoordinator } from '../shutdown/index.js';
import type { AlertChannel } from './channels/channel.js';
import { envRecord, fn, parseOptions, positiveInt } from './checks.js';
import { AlertConfigError } from './errors.js';
import type { AlertSeverity } from './finding.js';
import { ALERT_SEVERITIES } from './levels.js';
import { DEFAULT_RATE_LIMITS, type RateLimitRule } from './rate-limit/rules.js';
import { MAX_CLAIM_LEASE_MS } from './rate-limit/state.js';
import type { RateLimitStore } from './rate-limit/store.js';

/**
 * Options of `createAlertManager`. Every field is optional; by default `critical` and `error` go to email
 * and Slack, everything else to Slack, under {@link DEFAULT_RATE_LIMITS} kept in `store`.
 *
 * @example
 * ```ts
 * import { createAlertManager, gcsRateLimitStore, slackChannel, type AlertManagerOptions } from 'gcp-pipeline-resilience';
 * import { Storage } from '@google-cloud/storage';
 * const options: AlertManagerOptions = {
 *   channels: [slackChannel({ webhookUrl: process.env.SLACK_WEBHOOK_URL! })],
 *   store: gcsRateLimitStore({ storage: new Storage(), bucket: 'my-project-alert-state' }),
 *   environment: 'production',
 * };
 * const alerts = createAlertManager(options);
 * ```
 */
export interface AlertManagerOptions {
  /** Where alerts go besides the log line. Names must be unique; `'log'` is reserved. */
  channels?: AlertChannel[];
  /**
   * Channel names per severity. Default: `critical` and `error` to every channel, the other
   * severities to every channel except one named `email`. A name that is not configured is an error.
   */
  routes?: Partial<Record<AlertSeverity, string[]>>;
  /**
   * Where the rate limits live. Default `memoryRateLimitStore()`: this process only. Give every
   * instance the same shared store (`gcsRateLimitStore`) so a limit holds across instances and cold starts.
   */
  store?: RateLimitStore;
  /** Rules by key prefix, over {@link DEFAULT_RATE_LIMITS} (the longest matching prefix wins). */
  rateLimits?: Record<string, RateLimitRule>;
  /** Hold back everything that is not `critical` (a backfill would flood the channels). Default false. */
  backfillMode?: boolean;
  /** Shown in Slack's footer and the email subject. Default `ENVIRONMENT`, else `'production'`. */
  environment?: string;
  /** Receives the structured line written for every alert. Default `cloudLoggingLogger()` (stdout JSON). */
  logger?: Logger;
  /** Bound of one `send`: rate limit, channels and recording. Default 9000 ms (under the monitor's 10 s). */
  deadlineMs?: number;
  /**
   * Bound of each rate-limit step (claim, record), retries included: a store request that fails or
   * times out is made again until this budget is spent, however many tries that takes. Default 3000 ms, or a third of
   * `deadlineMs` when that is shorter; at most a third of `deadlineMs`, so that a store that does not
   * answer always leaves the channels at least a third of the deadline to send the alert.
   */
  storeTimeoutMs?: number;
  /**
   * How long a claimed slot stays held without being recorded or released: after a crash mid-send,
   * the next sender of the same alert sends once this has passed. Default 60 000 ms; at least `deadlineMs`,
   * at most one hour.
   */
  claimLeaseMs?: number;
  /** Wall-clock time in epoch ms, written into the shared records. Default `Date.now`. */
  now?: () => number;
  /** Sleeps and timeouts (inject a test clock). Default the system clock. */
  clock?: Clock;
  /** Read for `ENVIRONMENT`. Default `process.env`. */
  env?: ConfigEnv;
  /**
   * The shutdown a send in flight joins, so that SIGTERM (Cloud Run stopping the instance) waits for
   * it to be delivered, recorded and logged before the process exits (within the coordinator's
   * limit, 8 s by default). Default: the process-wide one (`onShutdown`); `false`: none.
   */
  shutdown?: ShutdownCoordinator | false;
}

/** An object carrying these methods: the structural check of an injected collaborator. */
const withMethods = <T>(methods: readonly string[], message?: string) =>
  z.custom<T>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    message === undefined ? undefined : { message },
  );

const rule = lazy(() =>
  z.strictObject({
    windowMinutes: z
      .number()
      .positive()
      .max(7 * 24 * 60),
    maxPerWindow: positiveInt(100).optional(),
  }),
);

const channel = lazy(() =>
  z.custom<AlertChannel>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as AlertChannel).name === 'string' &&
      typeof (v as AlertChannel).send === 'function',
    { message: 'expected a channel: an object with a name and a send(message, context) method' },
  ),
);

const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;

const schema = lazy(() =>
  z.strictObject({
    channels: z.array(channel()).max(20).optional(),
    routes: z
      .partialRecord(z.enum(ALERT_SEVERITIES as [AlertSeverity, ...AlertSeverity[]]), z.array(z.string()))
      .optional(),
    store: withMethods<RateLimitStore>(
      ['read', 'write'],
      'expected a rate-limit store: an object with read and write methods',
    ).optional(),
    rateLimits: z.record(z.string().max(200), rule()).optional(),
    backfillMode: z.boolean().optional(),
    environment: z.string().min(1).max(60).optional(),
    logger: withMethods<Logger>(
      LOGGER_METHODS,
      'expected a logger with debug, info, warn and error methods',
    ).optional(),
    deadlineMs: positiveInt(600_000).optional(),
    storeTimeoutMs: positiveInt(600_000).optional(),
    claimLeaseMs: positiveInt(MAX_CLAIM_LEASE_MS).optional(),
    now: fn<() => number>().optional(),
    clock: withMethods<Clock>(['now', 'sleep'], 'expected a clock with now() and sleep()')
      .refine((c) => c.schedule === undefined || typeof c.schedule === 'function', {
        message: 'expected schedule(ms, callback) to be a function returning a cancel function',
      })
      .optional(),
    env: envRecord().optional(),
    shutdown: z.union([z.literal(false), withMethods<ShutdownCoordinator>(['onShutdown'])]).optional(),
  }),
);

/** The checked options with the routes resolved to channel names. */
export interface ResolvedManagerOptions extends AlertManagerOptions {
  channels: AlertChannel[];
  routes: Record<AlertSeverity, string[]>;
  rateLimits: Record<string, RateLimitRule>;
  deadlineMs: number;
  storeTimeoutMs: number;
  claimLeaseMs: number;
  environment: string;
}

/** Checks `options` and fills in the defaults; throws {@link AlertConfigError}. */
export function resolveManagerOptions(options: unknown): ResolvedManagerOptions {
  // Only undefined means the defaults: null is refused, as by every factory (docs/decisions/options.md).
  const o = parseOptions(schema(), options === undefined ? {} : options, '') as AlertManagerOptions;
  const channels = o.channels ?? [];
  const names = new Set<string>();
  channels.forEach((c, i) => {
    if (c.name === 'log')
      throw new AlertConfigError(`channels[${i}].name`, "'log' is reserved for the log line");
    if (names.has(c.name))
      throw new AlertConfigError(`channels[${i}].name`, `a second channel named ${c.name}`);
    names.add(c.name);
  });
  const all = channels.map((c) => c.name);
  const routes = {} as Record<AlertSeverity, string[]>;
  for (const severity of ALERT_SEVERITIES) {
    const given = o.routes?.[severity];
    if (given === undefined) {
      routes[severity] =
        severity === 'critical' || severity === 'error' ? all : all.filter((name) => name !== 'email');
      continue;
    }
    given.forEach((name, i) => {
      if (!names.has(name)) {
        throw new AlertConfigError(
          `routes.${severity}[${i}]`,
          `no channel named ${JSON.stringify(name)} (configured: ${all.join(', ') || 'none'})`,
        );
      }
    });
    routes[severity] = [...new Set(given)];
  }
  const deadlineMs = o.deadlineMs ?? 9000;
  const claimLeaseMs = o.claimLeaseMs ?? Math.max(60_000, deadlineMs);
  if (claimLeaseMs < deadlineMs) {
    throw new AlertConfigError(
      'claimLeaseMs',
      `must be at least deadlineMs (${deadlineMs}): a lease shorter than a send lets a second instance send the same alert meanwhile`,
    );
  }
  const storeMax = Math.max(1, Math.floor(deadlineMs / 3));
  if (o.storeTimeoutMs !== undefined && o.storeTimeoutMs > storeMax) {
    throw new AlertConfigError(
      'storeTimeoutMs',
      `must be at most a third of deadlineMs (${storeMax}): a store that does not answer would leave the channels too little of the deadline to send the alert`,
    );
  }
  const env = o.env ?? process.env;
  return {
    ...o,
    channels,
    routes,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...o.rateLimits },
    deadlineMs,
    storeTimeoutMs: o.storeTimeoutMs ?? Math.min(3000, storeMax),
    claimLeaseMs,
    environment: o.environment ?? (env.ENVIRONMENT?.trim() || 'production'),
  };
}
