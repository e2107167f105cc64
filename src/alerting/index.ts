/**
 * Alerting: the alert manager (Slack, SendGrid and SMTP email, a structured log line), its rate limits
 * shared by every instance through a compare-and-set store, and the shape of the monitor's findings.
 * @packageDocumentation
 */
export type { AlertChannel, AlertMessage, ChannelContext } from './channels/channel.js';
export type { Credential } from './channels/credential.js';
export type { AlertFetch } from './channels/http-post.js';
export { type EmailSender, type SendGridChannelOptions, sendGridChannel } from './channels/sendgrid.js';
export { type SlackChannelOptions, slackChannel } from './channels/slack.js';
export { SLACK_LIMITS } from './channels/slack-limits.js';
export {
  type SlackBlock,
  type SlackPayloadOptions,
  type SlackTextObject,
  type SlackWebhookPayload,
  slackPayload,
} from './channels/slack-payload.js';
export { type SmtpChannelOptions, smtpChannel } from './channels/smtp.js';
export { SmtpError } from './channels/smtp-error.js';
export { AlertConfigError, AlertDeliveryError } from './errors.js';
export type { AlertDelivery, AlertSeverity, AlertSink, Finding } from './finding.js';
export { ALERT_LEVEL_STYLES, ALERT_SEVERITIES } from './levels.js';
export {
  type AlertInput,
  type AlertManager,
  createAlertManager,
  type SendOptions,
} from './manager.js';
export type { AlertManagerOptions } from './options.js';
export type { GcsStorageClient } from './rate-limit/client-types.js';
export { type GcsRateLimitStoreOptions, gcsRateLimitStore } from './rate-limit/gcs-store.js';
export { memoryRateLimitStore } from './rate-limit/memory-store.js';
export { DEFAULT_RATE_LIMITS, type RateLimitRule } from './rate-limit/rules.js';
export type { RateLimitStore, StoredRecord } from './rate-limit/store.js';
export type { AlertResult, ChannelOutcome, RateLimitDecision } from './result.js';
