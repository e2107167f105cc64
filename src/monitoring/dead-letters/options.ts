import type { ConfigEnv } from '../../config/index.js';
import {
  atMost,
  integerAt,
  lookbackAt,
  objectAt,
  refuseUnknownKeys,
  resourceIdAt,
  resourceProject,
  sportConfigAt,
} from '../checks.js';
import {
  type DeadLetterSubscription,
  defaultDeadLetterSubscriptions,
  resolveDeadLetterSubscription,
} from '../dead-letter-config.js';
import { MonitorConfigError } from '../errors.js';

/**
 * Options of {@link checkDeadLetters} (and the `deadLetters` part of {@link MonitorOptions}).
 *
 * @example
 * ```ts
 * import { checkDeadLetters, createMonitor, type DeadLetterCheckOptions } from 'gcp-pipeline-resilience';
 * const nba: DeadLetterCheckOptions = { sport: 'nba', threshold: 0, sampleSize: 3, lookbackMinutes: 15 };
 * const once = await checkDeadLetters(nba);               // one check
 * const monitor = createMonitor({ deadLetters: nba });    // or as part of every monitor run
 * ```
 */
export interface DeadLetterCheckOptions {
  /** The project of the subscriptions. Default: the sport config's (`GCP_PROJECT_ID`, ...). */
  projectId?: string;
  /** Whose default subscriptions to watch when `subscriptions` is not given. Default: `SPORT` / `nba`. */
  sport?: string;
  /** The subscriptions to watch. Default: {@link defaultDeadLetterSubscriptions} of the sport. */
  subscriptions?: DeadLetterSubscription[];
  /** Watch only these of the configured subscriptions (ids); an id that is not configured is an error. */
  only?: string[];
  /** A subscription is reported when it holds more than this many messages. Default 0. */
  threshold?: number;
  /** How many messages to sample from a subscription over the threshold (0: none, nothing pulled). Default 3, at most 100. */
  sampleSize?: number;
  /** Most messages a peek pulls when Cloud Monitoring has no count. Default 100, at most 1000. */
  peekLimit?: number;
  /** The window of `dead_letter_message_count` on source subscriptions. Default 15 minutes. */
  lookbackMinutes?: number;
  /**
   * Bounds each call to Google, retries included (the clients' own default lets Cloud Monitoring
   * retry an unavailable service for 90 s). Default 20 000 ms.
   */
  callTimeoutMs?: number;
  /** The environment the sport config reads. Default `process.env`. */
  env?: ConfigEnv;
}

export const DEAD_LETTER_OPTION_KEYS = [
  'projectId',
  'sport',
  'subscriptions',
  'only',
  'threshold',
  'sampleSize',
  'peekLimit',
  'lookbackMinutes',
  'callTimeoutMs',
  'env',
] as const;

/** The checked configuration of a dead-letter check. */
export interface ResolvedDeadLetterOptions {
  projectId: string;
  subscriptions: ReturnType<typeof resolveDeadLetterSubscription>[];
  threshold: number;
  sampleSize: number;
  peekLimit: number;
  lookbackMinutes: number;
  callTimeoutMs: number;
}

/**
 * Most messages one peek pulls. Each is held, its data kept, until the peek hands them all back: a
 * `peekLimit` of a million was accepted and meant a million 10 MB messages in memory and leased.
 */
const MAX_PEEK_LIMIT = 1000;
/** Most messages sampled per subscription: every sample goes into the report and each alert. */
const MAX_SAMPLE_SIZE = 100;

/** Checks the options (throws {@link MonitorConfigError}) and fills in the defaults. */
export function resolveDeadLetterOptions(
  value: unknown,
  field: string,
  projectIdFallback?: string,
): ResolvedDeadLetterOptions {
  const raw = objectAt(value ?? {}, field || 'options');
  refuseUnknownKeys(raw, [...DEAD_LETTER_OPTION_KEYS], field);
  const at = (key: string) => (field ? `${field}.${key}` : key);
  const env = raw.env as ConfigEnv | undefined;
  const sport = sportConfigAt(raw.sport, env, at);
  // The same rule as the environment's GCP_PROJECT_ID: the default subscriptions are named in it.
  const projectId =
    raw.projectId === undefined
      ? (projectIdFallback ?? sport.projectId)
      : resourceProject(raw.projectId, at('projectId'));
  const listed =
    raw.subscriptions === undefined
      ? defaultDeadLetterSubscriptions(sport.sport, { ...env, GCP_PROJECT_ID: projectId })
      : raw.subscriptions;
  if (!Array.isArray(listed) || listed.length === 0) {
    throw new MonitorConfigError(
      at('subscriptions'),
      'expected a non-empty array of dead-letter subscriptions',
    );
  }
  let subscriptions = listed.map((s, i) =>
    resolveDeadLetterSubscription(s, `${at('subscriptions')}[${i}]`, projectId),
  );
  const seen = new Set<string>();
  subscriptions.forEach((s, i) => {
    if (seen.has(s.subscription)) {
      throw new MonitorConfigError(
        `${at('subscriptions')}[${i}].subscription`,
        `${s.subscription} is listed twice`,
      );
    }
    seen.add(s.subscription);
  });
  if (raw.only !== undefined) {
    if (!Array.isArray(raw.only) || raw.only.length === 0) {
      throw new MonitorConfigError(at('only'), 'expected a non-empty array of subscription ids');
    }
    const only = raw.only.map((id, i) => resourceIdAt(id, `${at('only')}[${i}]`, 'subscription'));
    for (const [i, id] of only.entries()) {
      if (!seen.has(id)) {
        throw new MonitorConfigError(
          `${at('only')}[${i}]`,
          `unknown subscription ${JSON.stringify(id)}: configured are ${[...seen].join(', ')}`,
        );
      }
    }
    subscriptions = subscriptions.filter((s) => only.includes(s.subscription));
  }
  return {
    projectId,
    subscriptions,
    threshold: integerAt(raw.threshold, at('threshold'), 0, 0),
    sampleSize: atMost(integerAt(raw.sampleSize, at('sampleSize'), 0, 3), MAX_SAMPLE_SIZE, at('sampleSize')),
    peekLimit: atMost(integerAt(raw.peekLimit, at('peekLimit'), 0, 100), MAX_PEEK_LIMIT, at('peekLimit')),
    lookbackMinutes: lookbackAt(raw.lookbackMinutes, at('lookbackMinutes')),
    callTimeoutMs: integerAt(raw.callTimeoutMs, at('callTimeoutMs'), 1000, 20_000),
  };
}
