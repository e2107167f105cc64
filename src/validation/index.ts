export { type DeadLetterReason, deadLetterAttributes } from './dead-letter.js';
export {
  DEAD_LETTER_ATTRIBUTE_NAMES,
  DEAD_LETTER_INFO_ATTRIBUTE,
  PUBSUB_DEAD_LETTER_ATTRIBUTES,
} from './dead-letter-attributes.js';
export { type DecodedMessage, type DecodeOptions, decodePubSubMessage } from './decode.js';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  type Envelope,
  type EnvelopeBody,
  type EnvelopeKind,
  type MessageMeta,
} from './envelope.js';
export { GradingTriggerMessage } from './grading-trigger.js';
export {
  createMessageHandler,
  type HandlingOutcome,
  type HandlingResult,
  type InvalidMessagePolicy,
  type MessageHandler,
  type MessageHandlerBaseOptions,
  type MessageHandlerFunction,
  type MessageHandlerOptions,
  type MessageOutcomeEvent,
  type SubscriberMessage,
} from './handler.js';
export { HealthSummaryRequest, ScraperAvailabilityRequest, SelfHealRequest } from './http-requests.js';
export { type ToJsonSchemaOptions, toJsonSchema } from './json-schema.js';
export { formatIssuePath, type ParseMessageOptions, parseMessage, schemaName } from './parse.js';
export {
  Phase2CompletionMessage,
  Phase3AnalyticsMessage,
  Phase3CompletionMessage,
} from './phase-messages.js';
export {
  calendarDate,
  isCalendarDate,
  nonNegativeCount,
  PhaseStatus,
  queryBoolean,
  relativeOrCalendarDate,
  ScraperStatus,
  Sport,
} from './primitives.js';
export { type MessagePublisher, type PublishValidatedOptions, publishValidated } from './publish.js';
export { ScraperCompletionMessage } from './scraper-completion.js';
