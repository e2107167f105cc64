/**
 * Attribute names, one home each. Semantic-convention names (OpenTelemetry semantic conventions
 * 1.3x: `db.*`, `messaging.*`, `error.type`) where one exists; the library's own under `resilience.`.
 * Internal: the README's "Observability" section lists them.
 *
 * An `enum` rather than an object: the bundler writes each name where it is used and drops the
 * table, so an application carries only the names of the layers it imports.
 */
export enum ATTR {
  errorType = 'error.type',
  dbSystem = 'db.system.name',
  dbNamespace = 'db.namespace',
  dbCollection = 'db.collection.name',
  dbOperation = 'db.operation.name',
  dbQueryText = 'db.query.text',
  dbStatusCode = 'db.response.status_code',
  messagingSystem = 'messaging.system.name',
  messagingDestination = 'messaging.destination.name',
  messagingSubscription = 'messaging.destination.subscription.name',
  messagingOperationType = 'messaging.operation.type',
  messagingOperationName = 'messaging.operation.name',
  messagingMessageId = 'messaging.message.id',
  messagingBodySize = 'messaging.message.body.size',
  pubsubDeliveryAttempt = 'gcp.pubsub.message.delivery_attempt',
  pubsubOrderingKey = 'gcp.pubsub.message.ordering_key',
  httpMethod = 'http.request.method',
  httpStatus = 'http.response.status_code',
  httpResendCount = 'http.request.resend_count',
  serverAddress = 'server.address',
  operation = 'resilience.operation.name',
  attempt = 'resilience.attempt.number',
  outcome = 'resilience.outcome',
  giveUpReason = 'resilience.retry.give_up_reason',
  retryDelay = 'resilience.retry.delay_ms',
  breakerName = 'resilience.circuit_breaker.name',
  breakerState = 'resilience.circuit_breaker.state',
  breakerFrom = 'resilience.circuit_breaker.from_state',
  budgetName = 'resilience.retry_budget.name',
  handlerOutcome = 'resilience.message_handler.outcome',
  handlerReason = 'resilience.message_handler.reason',
  rowCount = 'resilience.bigquery.row_count',
}

/** `db.system.name` of BigQuery: no value is registered yet (docs/decisions/telemetry.md). */
export const BIGQUERY_SYSTEM = 'gcp.bigquery';

/** `messaging.system.name` of Pub/Sub, as registered. */
export const PUBSUB_SYSTEM = 'gcp.pubsub';

/** The instrumentation scope of every tracer and meter the library gets. */
export const SCOPE_NAME = 'gcp-pipeline-resilience';

/** Span and metric attributes (the API's type, without importing the API). */
export type Attributes = Record<string, string | number | boolean | undefined>;
