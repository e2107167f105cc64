import type { AlertSeverity } from '../alerting/index.js';
import { type ConfigEnv, getSportConfig, type SportConfig } from '../config/index.js';
import { objectAt, refuseUnknownKeys, resourceIdAt, severityAt, stringAt } from './checks.js';
import { MonitorConfigError } from './errors.js';

/**
 * One dead-letter subscription the monitor watches, with what an on-call engineer needs to act.
 *
 * @example
 * ```ts
 * import { createMonitor, defaultDeadLetterSubscriptions, type DeadLetterSubscription } from 'gcp-pipeline-resilience';
 * const mlbRaw: DeadLetterSubscription = {
 *   subscription: 'mlb-phase2-raw-complete-dlq-sub',
 *   severity: 'critical',
 *   description: 'Phase 2 raw-data completions that could not be processed',
 *   phaseFrom: 'phase2',
 *   phaseTo: 'phase3',
 *   sourceTopic: 'mlb-phase2-raw-complete',
 *   sourceSubscription: 'mlb-phase2-raw-complete-sub',
 *   recoveryCommand: 'npx gpr dlq replay --from mlb-phase2-raw-complete-dlq-sub --to mlb-phase2-raw-complete --dry-run',
 * };
 * const monitor = createMonitor({
 *   deadLetters: { subscriptions: [...defaultDeadLetterSubscriptions('nba'), mlbRaw] },
 * });
 * ```
 */
export interface DeadLetterSubscription {
  /** The dead-letter subscription's id (in the monitor's project). */
  subscription: string;
  /** How urgent messages in it are. */
  severity: AlertSeverity;
  description: string;
  /** The pipeline phase whose output it holds, and the phase that failed to take it. */
  phaseFrom: string;
  phaseTo: string;
  /** Where a replay republishes its messages (the topic the failed consumer reads). */
  sourceTopic?: string;
  /** The subscription whose dead-letter policy feeds it, for `dead_letter_message_count`. */
  sourceSubscription?: string;
  /** What to run first; shown in findings. Default: the `gpr dlq replay --dry-run` for it. */
  recoveryCommand?: string;
}

const KEYS = [
  'subscription',
  'severity',
  'description',
  'phaseFrom',
  'phaseTo',
  'sourceTopic',
  'sourceSubscription',
  'recoveryCommand',
] as const;

/** The command that lists what a replay of `subscription` would republish. */
export function replayCommand(subscription: string, topic: string | undefined, projectId: string): string {
  return topic
    ? `npx gpr dlq replay --project ${projectId} --from ${subscription} --to ${topic} --dry-run`
    : `npx gpr dlq status --project ${projectId} --subscription ${subscription}`;
}

interface Phase {
  /** The phase topic; the DLQ subscription is `<topic>-dlq-sub`. */
  phase: string;
  severity: AlertSeverity;
  description: string;
  phaseFrom: string;
  phaseTo: string;
}

/** The sport-prefixed phase topics whose dead letters the monitor watches by default. */
const PHASE_TOPICS: readonly Phase[] = [
  {
    phase: 'phase1-scrapers-complete',
    severity: 'critical',
    description: 'Phase 1 scraper completions that Phase 2 could not process',
    phaseFrom: 'phase1',
    phaseTo: 'phase2',
  },
  {
    phase: 'scraper-complete',
    severity: 'critical',
    description: 'Scraper completions on the legacy topic that Phase 2 could not process',
    phaseFrom: 'phase1',
    phaseTo: 'phase2',
  },
  {
    phase: 'phase2-raw-complete',
    severity: 'critical',
    description: 'Phase 2 raw-data completions that Phase 3 analytics could not process',
    phaseFrom: 'phase2',
    phaseTo: 'phase3',
  },
];

/** The unprefixed topics of the NBA platform, dead-lettered to `<topic>-dead-letter-sub` or `<topic>-dlq-sub`. */
const NBA_TOPICS: ReadonlyArray<Phase & { subscription: string }> = [
  {
    phase: 'analytics-ready',
    subscription: 'analytics-ready-dead-letter-sub',
    severity: 'warning',
    description: 'Analytics-ready notifications that Phase 4 precompute could not process',
    phaseFrom: 'phase3',
    phaseTo: 'phase4',
  },
  {
    phase: 'line-changed',
    subscription: 'line-changed-dead-letter-sub',
    severity: 'warning',
    description: 'Betting-line changes that the prediction refresh could not process',
    phaseFrom: 'lines',
    phaseTo: 'phase5',
  },
  {
    phase: 'prediction-request',
    subscription: 'prediction-request-dlq-sub',
    severity: 'warning',
    description: 'Prediction requests that the Phase 5 workers could not process',
    phaseFrom: 'phase4',
    phaseTo: 'phase5',
  },
];

/**
 * The dead-letter subscriptions of a sport, named from its config. For `nba` these are six
 * (`nba-phase1-scrapers-complete-dlq-sub`, `nba-scraper-complete-dlq-sub`,
 * `nba-phase2-raw-complete-dlq-sub` critical; `analytics-ready-dead-letter-sub`,
 * `line-changed-dead-letter-sub`, `prediction-request-dlq-sub` warning). Other sports get the three
 * sport-prefixed ones; the three unprefixed topics belong to the NBA platform.
 *
 * @param sport - `'nba'`, `'mlb'`, or omitted for `SPORT` / `nba` (as {@link getSportConfig}).
 *
 * @example
 * ```ts
 * import { defaultDeadLetterSubscriptions } from 'gcp-pipeline-resilience';
 * defaultDeadLetterSubscriptions('nba').map((s) => s.subscription);
 * // ['nba-phase1-scrapers-complete-dlq-sub', 'nba-scraper-complete-dlq-sub', 'nba-phase2-raw-complete-dlq-sub',
 * //  'analytics-ready-dead-letter-sub', 'line-changed-dead-letter-sub', 'prediction-request-dlq-sub']
 * ```
 */
export function defaultDeadLetterSubscriptions(sport?: string, env?: ConfigEnv): DeadLetterSubscription[] {
  const config: SportConfig = getSportConfig(sport, env);
  const build = (phase: Phase, topic: string, subscription: string): DeadLetterSubscription => ({
    subscription,
    severity: phase.severity,
    description: phase.description,
    phaseFrom: phase.phaseFrom,
    phaseTo: phase.phaseTo,
    sourceTopic: topic,
    recoveryCommand: replayCommand(subscription, topic, config.projectId),
  });
  const prefixed = PHASE_TOPICS.map((phase) => {
    const topic = config.topic(phase.phase);
    return build(phase, topic, `${config.topic(`${phase.phase}-dlq`)}-sub`);
  });
  if (config.sport !== 'nba') return prefixed;
  return [...prefixed, ...NBA_TOPICS.map((phase) => build(phase, phase.phase, phase.subscription))];
}

/** Checks one configured subscription and fills in its recovery command. */
export function resolveDeadLetterSubscription(
  value: unknown,
  field: string,
  projectId: string,
): Required<Omit<DeadLetterSubscription, 'sourceTopic' | 'sourceSubscription'>> &
  Pick<DeadLetterSubscription, 'sourceTopic' | 'sourceSubscription'> {
  const raw = objectAt(value, field);
  refuseUnknownKeys(raw, KEYS, field);
  const subscription = resourceIdAt(raw.subscription, `${field}.subscription`, 'subscription');
  const sourceTopic =
    raw.sourceTopic === undefined
      ? undefined
      : resourceIdAt(raw.sourceTopic, `${field}.sourceTopic`, 'topic');
  const sourceSubscription =
    raw.sourceSubscription === undefined
      ? undefined
      : resourceIdAt(raw.sourceSubscription, `${field}.sourceSubscription`, 'subscription');
  if (sourceSubscription === subscription) {
    throw new MonitorConfigError(
      `${field}.sourceSubscription`,
      'must differ from the dead-letter subscription itself',
    );
  }
  return {
    subscription,
    severity: severityAt(raw.severity, `${field}.severity`),
    description: stringAt(raw.description, `${field}.description`, subscription),
    phaseFrom: stringAt(raw.phaseFrom, `${field}.phaseFrom`, 'unknown'),
    phaseTo: stringAt(raw.phaseTo, `${field}.phaseTo`, 'unknown'),
    ...(sourceTopic ? { sourceTopic } : {}),
    ...(sourceSubscription ? { sourceSubscription } : {}),
    recoveryCommand: stringAt(
      raw.recoveryCommand,
      `${field}.recoveryCommand`,
      replayCommand(subscription, sourceTopic, projectId),
    ),
  };
}
