/**
 * Monitoring: the dead-letter monitor, the Cloud Logging error check, dead-letter replay, one
 * report, and the HTTP handler and CLI over the same code.
 * @packageDocumentation
 */

export { type CliIo, runCli } from './cli/run.js';
export type {
  MonitorLoggingClient,
  MonitorMetricClient,
  MonitorPubSubClient,
  MonitorSubscriberClient,
} from './client-types.js';
export type { MonitorClients } from './clients.js';
export {
  type DeadLetterSubscription,
  defaultDeadLetterSubscriptions,
} from './dead-letter-config.js';
export type {
  DeadLetterCheckResult,
  DeadLetterStatus,
  DeadLetterSubscriptionResult,
} from './dead-letters/check.js';
export type { DeadLetterCheckOptions } from './dead-letters/options.js';
export type { DeadLetterSample } from './dead-letters/sample.js';
export { MonitorConfigError } from './errors.js';
export {
  createMonitorHandler,
  type MonitorHandlerOptions,
  type MonitorHttpRequest,
  type MonitorHttpResponse,
} from './http.js';
export { DEFAULT_LOGGING_CATEGORIES, type LoggingErrorCategory } from './logging-categories.js';
export type {
  LoggingCategoryResult,
  LoggingCheckOptions,
  LoggingCheckResult,
  LoggingSample,
} from './logging-check.js';
export {
  type CheckRunOptions,
  checkDeadLetters,
  checkLoggingErrors,
  createMonitor,
  type Monitor,
  type MonitorOptions,
  type MonitorReplayOptions,
  type MonitorRunOptions,
} from './monitor.js';
export {
  type ReplayDuplicate,
  type ReplayEvent,
  type ReplayOptions,
  type ReplayResult,
  type ReplayRunOptions,
  replayDeadLetters,
} from './replay.js';
export { REPLAY_ATTRIBUTES } from './replay-attributes.js';
export type { CheckOutcome, MonitorReport, NotificationRecord } from './report.js';
