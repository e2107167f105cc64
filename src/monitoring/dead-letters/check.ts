import type { v1 } from '@google-cloud/pubsub';
import type { Finding } from '../../alerting/index.js';
import { NotFoundError, PipelineError, toPipelineError } from '../../errors/index.js';
import type { ClientSet } from '../clients.js';
import type { DeadLetterSubscription } from '../dead-letter-config.js';
import { deadLetterFindings } from '../findings.js';
import { mapLimit } from '../map-limit.js';
import { readDeadLetterMetrics, type SubscriptionMetrics } from './metrics.js';
import type { ResolvedDeadLetterOptions } from './options.js';
import { peekSubscription } from './peek.js';
import { type DeadLetterSample, toSample } from './sample.js';

/**
 * Where a dead-letter subscription stands: `ok` (at or below the threshold), `messages` (above it),
 * `not_found` (the subscription does not exist: a deployment problem, reported as such), `failed`
 * (its count could not be read; `error` says why).
 *
 * @example
 * ```ts
 * import { checkDeadLetters, type DeadLetterStatus } from 'gcp-pipeline-resilience';
 * const needsAttention = (s: DeadLetterStatus) => s !== 'ok';
 * const result = await checkDeadLetters({ sport: 'nba' });
 * for (const q of result.subscriptions.filter((s) => needsAttention(s.status))) console.log(q.subscription, q.status);
 * ```
 */
export type DeadLetterStatus = 'ok' | 'messages' | 'not_found' | 'failed';

/**
 * What the dead-letter check found for one subscription.
 *
 * @example
 * ```ts
 * import { checkDeadLetters } from 'gcp-pipeline-resilience';
 * const result = await checkDeadLetters({ sport: 'nba' });
 * for (const s of result.subscriptions) console.log(s.subscription, s.status, s.messages, s.oldestAgeSeconds);
 * ```
 */
export interface DeadLetterSubscriptionResult extends DeadLetterSubscription {
  status: DeadLetterStatus;
  recoveryCommand: string;
  /** Undelivered messages (unknown for `not_found` and `failed`). */
  messages?: number;
  /** Where `messages` came from: Cloud Monitoring, or a peek when Monitoring had no data. */
  countSource?: 'monitoring' | 'peek';
  /** True when `messages` may be short of the truth (a peek: Pull may return fewer than there are). */
  countIsLowerBound: boolean;
  /** Age in seconds of the oldest undelivered message. */
  oldestAgeSeconds?: number;
  /** `dead_letter_message_count` of the source subscription over the lookback, when it is configured. */
  deadLetteredInLookback?: number;
  /** `dead_letter_reason` counts among the sampled messages. */
  reasons: Record<string, number>;
  sample: DeadLetterSample[];
  /** Things that went wrong without making the result unusable (a failed release, a metric not readable). */
  warnings: string[];
  /** Why the subscription is `failed` (or `not_found`). */
  error?: PipelineError;
}

/**
 * What {@link checkDeadLetters} resolves to.
 *
 * @example
 * ```ts
 * import { checkDeadLetters } from 'gcp-pipeline-resilience';
 * const { totalMessages, findings } = await checkDeadLetters({ sport: 'nba' });
 * if (findings.length > 0) console.log(`${totalMessages} dead-lettered messages`);
 * ```
 */
export interface DeadLetterCheckResult {
  projectId: string;
  /** ISO 8601. */
  checkedAt: string;
  threshold: number;
  lookbackMinutes: number;
  subscriptions: DeadLetterSubscriptionResult[];
  /** Sum of the known counts. */
  totalMessages: number;
  /** Set when Cloud Monitoring could not be read (the counts then come from peeks). */
  monitoringError?: PipelineError;
  /** What needs attention: one finding per subscription above the threshold, missing or unreadable. */
  findings: Finding[];
}

/** Gauges are sampled once a minute; five minutes of window always holds one sample. */
const GAUGE_WINDOW_MS = 5 * 60_000;
const CONCURRENCY = 4;

type Config = ResolvedDeadLetterOptions['subscriptions'][number];

interface Context {
  options: ResolvedDeadLetterOptions;
  subscriber: () => Promise<v1.SubscriberClient>;
  now: Date;
  signal: AbortSignal | undefined;
}

function baseResult(config: Config): DeadLetterSubscriptionResult {
  const result: DeadLetterSubscriptionResult = {
    subscription: config.subscription,
    status: 'failed',
    severity: config.severity,
    description: config.description,
    phaseFrom: config.phaseFrom,
    phaseTo: config.phaseTo,
    recoveryCommand: config.recoveryCommand,
    countIsLowerBound: false,
    reasons: {},
    sample: [],
    warnings: [],
  };
  if (config.sourceTopic) result.sourceTopic = config.sourceTopic;
  if (config.sourceSubscription) result.sourceSubscription = config.sourceSubscription;
  return result;
}

/** What `GetSubscription` said: missing, found (with its own dead-letter policy, if any), or unknown. */
type Existence =
  | { found: false }
  | { found: true; deadLetterPolicy?: { topic: string; maxDeliveryAttempts: number } }
  | { found: undefined };

/** Whether the subscription exists: unknown when Pub/Sub would not say (no `subscriptions.get` permission). */
async function exists(
  subscriber: v1.SubscriberClient,
  path: string,
  result: DeadLetterSubscriptionResult,
  timeout: number,
): Promise<Existence> {
  try {
    const [subscription] = await subscriber.getSubscription({ subscription: path }, { timeout });
    const policy = subscription?.deadLetterPolicy;
    if (!policy?.deadLetterTopic) return { found: true };
    return {
      found: true,
      // Pub/Sub's default when the policy leaves it at 0.
      deadLetterPolicy: {
        topic: policy.deadLetterTopic,
        maxDeliveryAttempts: policy.maxDeliveryAttempts || 5,
      },
    };
  } catch (caught) {
    const error = toPipelineError(caught);
    if (error instanceof NotFoundError) {
      result.error = error;
      return { found: false };
    }
    result.warnings.push(`could not read the subscription's metadata: ${error.code} ${error.message}`);
    return { found: undefined };
  }
}

/**
 * Why a subscription is not peeked: every Pull counts a delivery attempt, and on a subscription with a
 * dead-letter policy of its own enough peeks (one per monitor run) would forward its messages away.
 */
function notPeekedBecause(policy: { topic: string; maxDeliveryAttempts: number }): string {
  return (
    `not peeked: it has a dead-letter policy of its own (to ${policy.topic} after ${policy.maxDeliveryAttempts} ` +
    'delivery attempts), and each peek counts one attempt, so repeated checks would forward its messages there'
  );
}

async function checkOne(
  config: Config,
  metrics: SubscriptionMetrics | undefined,
  deadLettered: number | undefined,
  ctx: Context,
): Promise<DeadLetterSubscriptionResult> {
  const result = baseResult(config);
  const path = `projects/${ctx.options.projectId}/subscriptions/${config.subscription}`;
  try {
    ctx.signal?.throwIfAborted();
    const subscriber = await ctx.subscriber();
    const existence = await exists(subscriber, path, result, ctx.options.callTimeoutMs);
    if (existence.found === false) {
      result.status = 'not_found';
      return result;
    }
    const ownPolicy = existence.found ? existence.deadLetterPolicy : undefined;
    if (metrics?.undelivered !== undefined) {
      result.messages = metrics.undelivered;
      result.countSource = 'monitoring';
    }
    if (metrics?.oldestAgeSeconds !== undefined) result.oldestAgeSeconds = metrics.oldestAgeSeconds;
    if (deadLettered !== undefined) result.deadLetteredInLookback = deadLettered;

    const { sampleSize, peekLimit, threshold } = ctx.options;
    const wantsSample = sampleSize > 0 && (result.messages === undefined || result.messages > threshold);
    const needsCount = result.messages === undefined;
    const wantsPeek = (needsCount && peekLimit > 0) || (wantsSample && result.messages !== 0);
    if (wantsPeek && ownPolicy) {
      if (needsCount) {
        result.error = new PipelineError(
          `Cloud Monitoring had no data for it, and it is ${notPeekedBecause(ownPolicy)}`,
          { code: 'NO_DATA' },
        );
        return result;
      }
      result.warnings.push(`no sample: ${notPeekedBecause(ownPolicy)}`);
    } else if (wantsPeek) {
      const limit = needsCount ? Math.max(peekLimit, sampleSize) : sampleSize;
      await peekInto(result, subscriber, path, limit, ctx);
      if (
        needsCount &&
        result.messages !== undefined &&
        result.messages >= limit &&
        result.messages <= threshold
      ) {
        // A full peek is a floor, and a floor at or under the threshold proves nothing: with
        // `threshold >= peekLimit` a queue of any size read `ok` whenever Monitoring was unreadable.
        result.error = new PipelineError(
          `Cloud Monitoring had no data for it, and the peek filled its limit of ${limit} message(s) without passing the threshold (${threshold}): whether more wait is unknown; Cloud Monitoring's count is needed (or a peekLimit above the threshold, at most 1000)`,
          { code: 'NO_DATA' },
        );
        return result;
      }
    }
    if (result.messages === undefined) {
      result.error ??= new PipelineError(
        'Cloud Monitoring had no data for it and peeking is off (peekLimit 0)',
        {
          code: 'NO_DATA',
        },
      );
      return result;
    }
    result.status = result.messages > threshold ? 'messages' : 'ok';
    return result;
  } catch (caught) {
    const error = toPipelineError(caught);
    if (error instanceof NotFoundError) result.status = 'not_found';
    result.error = error;
    return result;
  }
}

async function peekInto(
  result: DeadLetterSubscriptionResult,
  subscriber: v1.SubscriberClient,
  path: string,
  limit: number,
  ctx: Context,
): Promise<void> {
  let peeked: Awaited<ReturnType<typeof peekSubscription>>;
  try {
    peeked = await peekSubscription(subscriber, path, limit, {
      timeout: ctx.options.callTimeoutMs,
      signal: ctx.signal,
    });
  } catch (caught) {
    // Without a count the failure is the result's; with one it is only a missing sample.
    if (result.messages === undefined) throw caught;
    const error = toPipelineError(caught);
    result.warnings.push(`could not sample the messages: ${error.code} ${error.message}`);
    return;
  }
  if (peeked.releaseError) {
    result.warnings.push(
      `${peeked.messages.length} peeked message(s) could not be handed back (${peeked.releaseError.code}); ` +
        'they stay in the subscription and are deliverable again once their ack deadline passes',
    );
  }
  if (result.messages === undefined) {
    result.messages = peeked.messages.length;
    result.countSource = 'peek';
    result.countIsLowerBound = true;
  }
  if (result.oldestAgeSeconds === undefined && result.countSource === 'peek') {
    const times = peeked.messages.flatMap((m) => (m.publishTime ? [m.publishTime.getTime()] : []));
    if (times.length > 0)
      result.oldestAgeSeconds = Math.max(0, Math.floor((ctx.now.getTime() - Math.min(...times)) / 1000));
  }
  const samples = peeked.messages.map(toSample);
  // Counted in a Map: a reason is any text (`constructor`, `__proto__`), and an object's inherited
  // members would be read as counts.
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const reason = sample.deadLetterReason ?? 'unknown';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  result.reasons = Object.fromEntries(counts);
  result.sample = samples.slice(0, ctx.options.sampleSize);
}

/** Runs the dead-letter check on checked options. */
export async function runDeadLetterCheck(
  options: ResolvedDeadLetterOptions,
  clients: ClientSet,
  now: Date,
  signal?: AbortSignal,
): Promise<DeadLetterCheckResult> {
  const dlqIds = options.subscriptions.map((s) => s.subscription);
  const sourceIds = options.subscriptions.flatMap((s) =>
    s.sourceSubscription ? [s.sourceSubscription] : [],
  );
  let metrics: Awaited<ReturnType<typeof readDeadLetterMetrics>> | undefined;
  let monitoringError: PipelineError | undefined;
  try {
    metrics = await readDeadLetterMetrics(await clients.monitoring(), options.projectId, dlqIds, sourceIds, {
      now,
      lookbackMs: options.lookbackMinutes * 60_000,
      gaugeWindowMs: GAUGE_WINDOW_MS,
      timeout: options.callTimeoutMs,
      ...(signal ? { signal } : {}),
    });
  } catch (caught) {
    signal?.throwIfAborted();
    monitoringError = toPipelineError(caught);
  }
  const ctx: Context = { options, subscriber: () => clients.subscriber(), now, signal };
  const subscriptions = await mapLimit(options.subscriptions, CONCURRENCY, (config) =>
    checkOne(
      config,
      metrics?.dlq.get(config.subscription),
      config.sourceSubscription ? metrics?.source.get(config.sourceSubscription) : undefined,
      ctx,
    ),
  );
  signal?.throwIfAborted();
  const result: DeadLetterCheckResult = {
    projectId: options.projectId,
    checkedAt: now.toISOString(),
    threshold: options.threshold,
    lookbackMinutes: options.lookbackMinutes,
    subscriptions,
    totalMessages: subscriptions.reduce((sum, s) => sum + (s.messages ?? 0), 0),
    ...(monitoringError ? { monitoringError } : {}),
    findings: [],
  };
  result.findings = deadLetterFindings(result);
  return result;
}
