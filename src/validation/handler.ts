import type { z } from 'zod';
import {
  MessageDecodeError,
  MessageValidationError,
  PipelineError,
  toPipelineError,
} from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import type { Clock } from '../retry/clock.js';
import { checkOptions, OPTION_ALIASES, type OptionSpec } from '../shared/check-options.js';
import { isPlainObject } from '../shared/is-plain-object.js';
import { isThenable } from '../shared/is-thenable.js';
import type { NodeBuffer } from '../shared/node-types.js';
import { safeLogger } from '../shared/safe-logger.js';
import type { ShutdownCoordinator } from '../shutdown/coordinator.js';
import { shutdownOption } from '../shutdown/option.js';
import { metricsEnabled } from '../telemetry/api.js';
import { ATTR, PUBSUB_SYSTEM } from '../telemetry/attributes.js';
import { runInTrace } from '../telemetry/current-trace.js';
import { notify } from '../telemetry/listeners.js';
import { count, handlerOutcomes, processDuration, recordSeconds } from '../telemetry/metrics.js';
import { endSpan, inSpan, type Span, startSpan } from '../telemetry/spans.js';
import {
  PUBSUB_TRACEPARENT_ATTRIBUTE,
  parseTraceparent,
  type RequestHeaders,
  type TraceParent,
  traceParentFromHeaders,
} from '../telemetry/trace-context.js';
import { assertSyncSchema } from './async-schema.js';
import { type DeadLetterReason, deadLetterMessage } from './dead-letter.js';
import { DEAD_LETTER_TOO_LARGE, deadLetterTooLarge } from './dead-letter-too-large.js';
import {
  decodeBody,
  type Envelope,
  type MessageMeta,
  maxBytesOption,
  pushRequestBody,
  rawBytes,
  readEnvelope,
} from './envelope.js';
import { attempt, type Answer as DrainAnswer, handlingDrain } from './handler-drain.js';
import {
  handlerClockOption,
  handlerTimeoutOption,
  handlingBudget,
  type TimedCall,
  withHandlerTimeout,
} from './handler-timeout.js';
import { transientOption, transientVerdict } from './handler-transient.js';
import { isSchemaFault, parseMessage, schemaName } from './parse.js';
import type { MessagePublisher } from './publish.js';
import { publishTraced, shortName } from './publish-span.js';
import { assertZod4Schema } from './zod4-schema.js';

/**
 * The function that does the work for one message. Resolve to have the message acked; throw to have it
 * redelivered (a transient error) or dead-lettered (a permanent one).
 *
 * @example
 * ```ts
 * import { createMessageHandler, Phase2CompletionMessage, type MessageHandlerFunction } from 'gcp-pipeline-resilience';
 * import { PubSub } from '@google-cloud/pubsub';
 * declare function recordCompletion(gameDate: string, processor: string, messageId?: string): Promise<void>;
 * const work: MessageHandlerFunction<Phase2CompletionMessage> = async (data, meta) => {
 *   await recordCompletion(data.game_date, data.processor_name, meta.messageId);
 * };
 * const handler = createMessageHandler(Phase2CompletionMessage, work, {
 *   deadLetterTopic: new PubSub().topic('nba-phase2-dead-letter'),
 * });
 * ```
 */
export type MessageHandlerFunction<T> = (data: T, meta: MessageMeta) => unknown;

/**
 * What happens to a message whose data is bad (undecodable or invalid): `'dead-letter'` publishes it
 * to `deadLetterTopic` with the reason as attributes, then acks it; `'nack'` leaves it to Pub/Sub
 * (redelivered until the subscription's own dead-letter policy takes it); `'ack-and-log'` acks it and
 * logs it at error level (a `logger` other than `silentLogger` is required, and a message whose log
 * line cannot be written is redelivered, not acked: acking with no trace is what the handler must
 * never do).
 *
 * A valid message whose handler failed for good, or that failed transiently on
 * `maxDeliveryAttempts`, is published to `deadLetterTopic` whenever there is one, whatever this
 * policy says (a replay can still process it once the cause is fixed); only without a topic does
 * this policy decide for it too. The whole table (outcome per policy, topic and failure):
 *
 * | `onInvalid` | topic | invalid data | permanent handler error | transient, attempt >= `maxDeliveryAttempts` |
 * |---|---|---|---|---|
 * | `'dead-letter'` (default) | yes | `dead_lettered` | `dead_lettered` | `dead_lettered` |
 * | `'nack'` | yes | `nacked` | `dead_lettered` | `dead_lettered` |
 * | `'ack-and-log'` | yes | `discarded` | `dead_lettered` | `dead_lettered` |
 * | `'nack'` | no | `nacked` | `nacked` | `retry` (the subscription's policy decides) |
 * | `'ack-and-log'` | no | `discarded` | `discarded` | `retry` (the subscription's policy decides) |
 *
 * (`'dead-letter'` without a topic is refused when the handler is made.)
 *
 * @example
 * ```ts
 * import {
 *   cloudLoggingLogger,
 *   createMessageHandler,
 *   type InvalidMessagePolicy,
 *   Phase2CompletionMessage,
 * } from 'gcp-pipeline-resilience';
 * declare function work(data: Phase2CompletionMessage): Promise<void>;
 * // 'nack' when the subscription has its own dead-letter policy; 'ack-and-log' to drop with a log line.
 * const onInvalid: InvalidMessagePolicy = process.env.DLQ_POLICY_ON_SUBSCRIPTION ? 'nack' : 'ack-and-log';
 * const handler = createMessageHandler(Phase2CompletionMessage, work, {
 *   onInvalid,
 *   logger: cloudLoggingLogger(),
 * });
 * ```
 */
export type InvalidMessagePolicy = 'dead-letter' | 'ack-and-log' | 'nack';

/**
 * The options of {@link createMessageHandler} other than where bad messages go.
 *
 * @example
 * ```ts
 * import { cloudLoggingLogger, createMessageHandler, Phase2CompletionMessage, type MessageHandlerBaseOptions } from 'gcp-pipeline-resilience';
 * declare function work(data: Phase2CompletionMessage): Promise<void>;
 * // Shared by every handler of the service; each adds its own dead-letter choice.
 * const common: MessageHandlerBaseOptions = { maxDeliveryAttempts: 5, logger: cloudLoggingLogger() };
 * const handler = createMessageHandler(Phase2CompletionMessage, work, { ...common, onInvalid: 'nack' });
 * ```
 */
export interface MessageHandlerBaseOptions {
  /** One entry per message outcome. Default: silent. */
  logger?: Logger;
  /**
   * On this delivery attempt a transient failure is dead-lettered instead of redelivered. Needs a
   * `deadLetterTopic` and a delivery attempt from Pub/Sub (the subscription must have a dead-letter
   * policy; otherwise Pub/Sub reports no attempt count); without them the message is redelivered and
   * the subscription's own policy decides.
   */
  maxDeliveryAttempts?: number;
  /**
   * Decides whether a handler error is worth a redelivery. Default: `isTransientError`, and a
   * `CircuitBreakerOpenError` (the service is down for now; the subscription's retry policy paces
   * the redeliveries, `maxDeliveryAttempts` bounds them). Called
   * synchronously: it must return `true` or `false`. An `async` function is refused when the handler
   * is made; any other answer that is not a boolean (a Promise, `undefined`), or a throw, is logged at
   * error level and the failure counts as transient (redelivered; dead-lettered on `maxDeliveryAttempts`).
   */
  isTransient?: (error: PipelineError) => boolean;
  /** Largest accepted data, in bytes. Default 10 MiB. */
  maxBytes?: number;
  /** The schema's name in logs and errors; defaults to its `title`. */
  name?: string;
  /**
   * The subscription the messages come from, for spans and metrics
   * (`messaging.destination.subscription.name`) when the input does not say (a push body does, and
   * so does a `Message` of `@google-cloud/pubsub`).
   */
  subscription?: string;
  /** Called once per message with what was decided. A listener that throws is logged and ignored. */
  onOutcome?: (event: MessageOutcomeEvent) => void;
  /**
   * How long the handling of one message may take, in ms, dead-lettering included. Default 600000
   * (10 minutes, Pub/Sub's longest ack deadline); set it a little under your subscription's ack
   * deadline (push) or your own bound on one message's work. When a failed message is dead-lettered
   * or logged (with a `deadLetterTopic`, or any `onInvalid` but `'nack'`), the handler call gets nine
   * tenths of it and the dead-letter publish (or the asynchronous write of `'ack-and-log'`'s discard
   * line) the last tenth, at most 30 s: the two together never take longer than this limit. With
   * `'nack'` and no topic the handler call has all of it. A handler call past its share counts as a transient failure
   * (`OperationTimeoutError`): the message is redelivered (on `maxDeliveryAttempts`, dead-lettered as
   * `max_delivery_attempts`), `meta.signal` is aborted, and whatever the call does later is logged
   * and ignored; a redelivery then runs the handler again, possibly while the old call is still
   * going: at-least-once, as every Pub/Sub delivery is. A dead-letter publish or discard line past
   * its share: redelivered, never acked.
   */
  handlerTimeoutMs?: number;
  /**
   * Where `handlerTimeoutMs` is timed (its `schedule`, which must be a function when given: checked
   * here). Default: the real clock. For tests.
   */
  clock?: Clock;
  /**
   * The shutdown the handlings join: on SIGTERM (or SIGINT) the process waits for the handlings in
   * flight, which are answered as usual; one still running when the drain's time is up (the
   * coordinator's limit less a margin of at most 1 s for the answers) is answered for redelivery
   * (`retry`, code `SHUTTING_DOWN`, `meta.signal` aborted), never acked unfinished, and a delivery
   * that arrives once the shutdown has begun is answered for redelivery without being handled.
   * With streaming pull (`subscription()`), the ack of a handling that ends during the drain, and the
   * nack of one cut off or refused, is sent to Pub/Sub before the shutdown ends, within its limit
   * (the client would otherwise hold it in its batch as the process exits: an ack lost means the
   * message is processed again, a nack lost that it is redelivered only when its lease runs out).
   * A `subscription.close()` joined to the same shutdown runs at once, beside the drain: create that
   * subscription with `closeOptions: { behavior: 'WAIT' }`; with the client's default (`'NACK'`)
   * it nacks the handlings still in the drain and ignores their acks, and their work is done again.
   * Default: the process-wide coordinator; `false` joins none.
   */
  shutdown?: ShutdownCoordinator | false;
}

/**
 * What `onOutcome` receives for each message (each push request, CloudEvent or delivery).
 *
 * @example
 * ```ts
 * import type { MessageOutcomeEvent } from 'gcp-pipeline-resilience';
 * const onOutcome = (e: MessageOutcomeEvent) => {
 *   if (e.outcome === 'dead_letter_failed') console.error(`message ${e.messageId} stuck: ${e.error?.code}`);
 * };
 * ```
 */
export interface MessageOutcomeEvent {
  outcome: HandlingOutcome;
  /** True when the message is acknowledged. */
  ack: boolean;
  /** Why it was (or should have been) dead-lettered. */
  reason?: DeadLetterReason;
  /** The failure, when there was one. */
  error?: PipelineError;
  /** The schema's name. */
  schema: string;
  messageId: string | undefined;
  deliveryAttempt: number | undefined;
  /** From receiving the input to the decision, ms, dead-lettering included. */
  durationMs: number;
}

/**
 * Options of {@link createMessageHandler}. Where messages that can never succeed go is always an
 * explicit choice: a `deadLetterTopic` (then they are dead-lettered unless `onInvalid` says
 * otherwise), or, without one, `onInvalid: 'nack'` or `'ack-and-log'`. Nothing is ever acked
 * silently.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * import {
 *   cloudLoggingLogger,
 *   createMessageHandler,
 *   Phase2CompletionMessage,
 * } from 'gcp-pipeline-resilience';
 * const pubsub = new PubSub();
 * declare function work(data: Phase2CompletionMessage): Promise<void>;
 * createMessageHandler(Phase2CompletionMessage, work, {
 *   deadLetterTopic: pubsub.topic('nba-phase2-raw-complete-dlq'),
 *   maxDeliveryAttempts: 5,
 *   logger: cloudLoggingLogger(),
 * });
 * // No topic of your own: let the subscription's dead-letter policy take them.
 * createMessageHandler(Phase2CompletionMessage, work, { onInvalid: 'nack' });
 * ```
 */
export type MessageHandlerOptions = MessageHandlerBaseOptions &
  (
    | {
        /**
         * Where permanently failing messages, and those that fail on `maxDeliveryAttempts`, go (a
         * `Topic` of the client); undecodable and invalid ones too unless `onInvalid` says otherwise.
         */
        deadLetterTopic: MessagePublisher;
        /** What happens to undecodable and invalid messages. Default `'dead-letter'`. */
        onInvalid?: InvalidMessagePolicy;
      }
    | {
        deadLetterTopic?: undefined;
        /** Required without a `deadLetterTopic`. */
        onInvalid: 'ack-and-log' | 'nack';
      }
  );

/**
 * What happened to one message: `processed` (acked), `dead_lettered` (acked after the dead-letter
 * publish succeeded), `discarded` (acked and logged at error level: it could never succeed and
 * `onInvalid` is `'ack-and-log'`), `nacked` (it could never succeed and `onInvalid` is `'nack'`: left
 * to the subscription's dead-letter policy), `retry` (redelivered: transient failure),
 * `dead_letter_failed` (redelivered: the dead-letter publish failed, and a message is never acked
 * before it is safe somewhere), `dead_letter_too_large` (redelivered: the message cannot be
 * dead-lettered within Pub/Sub's 10 MB per request, even with our attributes folded or left out; the
 * subscription's own dead-letter policy is the backstop) or `no_body` (redelivered: there was no
 * message at all, e.g. a push endpoint without a JSON body parser).
 *
 * @example
 * ```ts
 * import type { MessageHandler } from 'gcp-pipeline-resilience';
 * declare const handler: MessageHandler; // from createMessageHandler
 * declare const body: unknown; // a push request's body
 * const { outcome } = await handler.handle(body);
 * if (outcome === 'dead_letter_failed') console.error('message kept for redelivery: dead-letter topic down');
 * ```
 */
export type HandlingOutcome =
  | 'processed'
  | 'dead_lettered'
  | 'discarded'
  | 'nacked'
  | 'retry'
  | 'dead_letter_failed'
  | 'dead_letter_too_large'
  | 'no_body';

/**
 * The transport-neutral result of {@link MessageHandler.handle}.
 *
 * @example
 * ```ts
 * import type { HandlingResult, MessageHandler } from 'gcp-pipeline-resilience';
 * declare const handler: MessageHandler; // from createMessageHandler
 * declare const message: unknown; // a push body, a CloudEvent or a subscriber Message
 * const result: HandlingResult = await handler.handle(message);
 * result.ack; // false when Pub/Sub should redeliver
 * ```
 */
export interface HandlingResult {
  /** True to acknowledge, false to have Pub/Sub redeliver. */
  ack: boolean;
  outcome: HandlingOutcome;
  /** Set when the message was (or should have been) dead-lettered. */
  reason?: DeadLetterReason;
  /** The failure, when there was one (the dead-letter publish error for `dead_letter_failed`). */
  error?: PipelineError;
}

/**
 * The acknowledgeable message of a streaming-pull subscription (a `Message` of `@google-cloud/pubsub`).
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * import type { MessageHandler, SubscriberMessage } from 'gcp-pipeline-resilience';
 * declare const handler: MessageHandler; // from createMessageHandler
 * const subscription = new PubSub().subscription('nba-phase2-raw-complete-sub');
 * subscription.on('message', (message: SubscriberMessage) => void handler.subscription(message));
 * ```
 */
export interface SubscriberMessage {
  id: string;
  data: NodeBuffer;
  attributes: Record<string, string>;
  publishTime?: Date;
  deliveryAttempt?: number;
  ack(): void;
  nack(): void;
}

/**
 * The three adapters (plus the core) returned by {@link createMessageHandler}.
 *
 * @example
 * ```ts
 * import { createMessageHandler, Phase2CompletionMessage, type MessageHandler } from 'gcp-pipeline-resilience';
 * import { createServer } from 'node:http';
 * declare function work(data: Phase2CompletionMessage): Promise<void>;
 * function serve(handler: MessageHandler, port: number) {
 *   return createServer(async (req, res) => {
 *     const chunks: Buffer[] = [];
 *     for await (const chunk of req) chunks.push(chunk as Buffer);
 *     const { status } = await handler.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
 *     res.writeHead(status).end();
 *   }).listen(port);
 * }
 * serve(createMessageHandler(Phase2CompletionMessage, work, { onInvalid: 'nack' }), 8080);
 * ```
 */
export interface MessageHandler {
  /**
   * HTTP push endpoint: resolves to `{ status }`, 200 to ack, 503 (or 500) to have Pub/Sub redeliver.
   * A request without a body (`undefined`, `null` or `{}`: no JSON body parser, or one that did not
   * match the content type) is a server misconfiguration: 500, logged at error level, never
   * dead-lettered. Pass the request's `headers` to link the handling to the request's trace
   * (`traceparent`, `X-Cloud-Trace-Context`).
   */
  push(body: unknown, headers?: RequestHeaders): Promise<{ status: number; outcome: HandlingOutcome }>;
  /** CloudEvent function: resolves to ack, rejects (with the typed error) to redeliver. */
  cloudEvent(event: unknown): Promise<void>;
  /** Streaming pull: calls `message.ack()` or `message.nack()`, then resolves. Never rejects. */
  subscription(message: SubscriberMessage): Promise<void>;
  /** The decision itself, for any other transport. Never rejects. `headers` as for `push`. */
  handle(input: unknown, headers?: RequestHeaders): Promise<HandlingResult>;
}

const HANDLER_OPTIONS: OptionSpec = {
  deadLetterTopic: 'object',
  onInvalid: 'string',
  logger: 'object',
  maxDeliveryAttempts: 'number',
  isTransient: 'function',
  maxBytes: 'number',
  name: 'string',
  subscription: 'string',
  onOutcome: 'function',
  handlerTimeoutMs: 'number',
  clock: 'object',
  shutdown: ['object', 'boolean'],
};

/**
 * Builds the message-processing entry points of a processor. The rules:
 * - data that cannot be decoded or fails the schema -> acked, and published (raw, with the reason as
 *   attributes) to `deadLetterTopic` when there is one: redelivering it could never succeed;
 * - `handler` succeeds -> acked;
 * - `handler` throws a transient error -> redelivered (nack / non-2xx / rejection), except on
 *   `maxDeliveryAttempts`, where it is dead-lettered;
 * - `handler` throws a permanent error -> acked and dead-lettered (with a `deadLetterTopic`, whatever
 *   `onInvalid` says: it is about bad data; see {@link InvalidMessagePolicy} for the whole table);
 * - the dead-letter publish fails -> redelivered, never acked: a message is never lost;
 * - the schema throws instead of reporting issues -> redelivered and logged at error level (a broken
 *   schema, not bad data; dead-lettered only on `maxDeliveryAttempts`). An `async` refinement or
 *   transform is refused here, with `UnsupportedSchemaError`.
 * Each outcome is logged once with the message id, delivery attempt and error code.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * import { createMessageHandler, Phase2CompletionMessage } from 'gcp-pipeline-resilience';
 * const pubsub = new PubSub();
 * declare function orchestrate(gameDate: string, processor: string): Promise<void>;
 * type Reply = { sendStatus(code: number): void };
 * declare const app: { post(path: string, route: (req: { body: unknown }, res: Reply) => Promise<void>): void };
 * declare const functions: { cloudEvent(name: string, fn: (event: unknown) => Promise<unknown>): void };
 * const handler = createMessageHandler(Phase2CompletionMessage, async (msg, meta) => {
 *   await orchestrate(msg.game_date, msg.processor_name);
 * }, { deadLetterTopic: pubsub.topic('nba-phase2-raw-complete-dlq') });
 *
 * // HTTP push (Express):
 * app.post('/pubsub', async (req, res) => res.sendStatus((await handler.push(req.body)).status));
 * // CloudEvent function:
 * functions.cloudEvent('phase2', (event) => handler.cloudEvent(event));
 * // Streaming pull:
 * pubsub.subscription('phase2-sub').on('message', (m) => void handler.subscription(m));
 * ```
 */
export function createMessageHandler<S extends z.ZodType>(
  schema: S,
  handler: MessageHandlerFunction<z.output<S>>,
  options: MessageHandlerOptions,
): MessageHandler {
  assertZod4Schema(schema, 'createMessageHandler');
  assertSyncSchema(schema, 'createMessageHandler');
  checkOptions('createMessageHandler', options, HANDLER_OPTIONS, OPTION_ALIASES);
  const onInvalid = invalidPolicyOf(options);
  const { maxDeliveryAttempts } = options;
  if (
    maxDeliveryAttempts !== undefined &&
    !(Number.isInteger(maxDeliveryAttempts) && maxDeliveryAttempts >= 1)
  ) {
    throw new RangeError(`maxDeliveryAttempts must be a positive integer, received ${maxDeliveryAttempts}`);
  }
  // A logger that throws (EPIPE) must not turn every delivery into a redelivery.
  const logger = options.logger === undefined ? silentLogger : safeLogger(options.logger);
  const isTransient = transientOption(options.isTransient, 'createMessageHandler');
  const maxBytes = maxBytesOption(options.maxBytes, 'createMessageHandler');
  const name = schemaName(schema, options.name);
  const handlerTimeoutMs = handlerTimeoutOption(options.handlerTimeoutMs, 'createMessageHandler');
  // With a topic, a valid message that failed is dead-lettered whatever `onInvalid` says (see
  // `policyFor`): the handler call then shares the limit with that publish.
  const budget = handlingBudget(
    handlerTimeoutMs,
    onInvalid !== 'nack' || options.deadLetterTopic !== undefined,
    'createMessageHandler',
  );
  handlerClockOption(options.clock, 'createMessageHandler');
  const drain = handlingDrain(
    shutdownOption(options.shutdown, 'createMessageHandler'),
    name,
    (message, error) => logger.warn(message, { schema: name, error }),
  );
  /** The fields of every log line about one message. */
  const logFields = (envelope: Envelope) => ({
    schema: name,
    messageId: envelope.messageId,
    deliveryAttempt: envelope.deliveryAttempt,
  });
  /** The handlings running now, by message (see `deliveryKey`). */
  const inFlight = new Map<string, InFlight>();

  async function handle(envelope: Envelope, stop: AbortSignal): Promise<HandlingResult> {
    const fields = logFields(envelope);
    let data: z.output<S>;
    try {
      data = parseMessage(schema, decodeBody(envelope, maxBytes), { name });
    } catch (caught) {
      const error = toPipelineError(caught);
      if (isSchemaFault(caught)) return schemaFault(envelope, error, fields);
      return reject(envelope, reasonOf(error), error, fields, budget.totalMs);
    }
    const call = await withHandlerTimeout(
      (signal) => handler(data, metaOf(envelope, signal)),
      budget.handlerMs,
      options.clock,
      () => `${name} handler for message ${envelope.messageId ?? '(no id)'}`,
      stop,
    );
    if (call.status === 'timed_out') return timedOut(envelope, call, fields);
    if (call.status === 'failed' && (call.aborted || stop.aborted)) return cutOff(call.error, stop, fields);
    if (call.status === 'failed') {
      const error = toPipelineError(call.error);
      const transient = transientVerdict(isTransient, error, (message) =>
        logger.error(`${name}: ${message}`, { ...fields, code: error.code, error }),
      );
      if (!transient) return reject(envelope, 'handler_failed', error, fields, budget.followUpMs);
      if (lastAttempt(envelope))
        return reject(envelope, 'max_delivery_attempts', error, fields, budget.followUpMs);
      logger.warn(`${name} message failed transiently; it will be redelivered`, {
        ...fields,
        outcome: 'retry',
        code: error.code,
        error,
      });
      return { ack: false, outcome: 'retry', error };
    }
    logger.debug(`${name} message processed`, { ...fields, outcome: 'processed' });
    return { ack: true, outcome: 'processed' };
  }

  /**
   * A handler call that outlived `handlerTimeoutMs`: a transient failure whatever `isTransient` says
   * (nobody knows whether its work happened, so it is redelivered, never acked, and dead-lettered
   * only on the last allowed attempt). What the call does later is logged, never acted on: the
   * message has been answered.
   */
  function timedOut(
    envelope: Envelope,
    call: Extract<TimedCall, { status: 'timed_out' }>,
    fields: Record<string, unknown>,
  ): Promise<HandlingResult> | HandlingResult {
    const { error } = call;
    void call.late.then((late) => {
      const lateError = late.status === 'failed' ? toPipelineError(late.error) : undefined;
      logger.warn(
        `${name} handler settled after its ${budget.handlerMs} ms timeout (${late.status === 'done' ? 'succeeded' : 'failed'}); the message was already answered for redelivery, so this result is ignored`,
        {
          ...fields,
          late: late.status,
          ...(lateError === undefined ? {} : { code: lateError.code, error: lateError }),
        },
      );
    });
    if (lastAttempt(envelope))
      return reject(envelope, 'max_delivery_attempts', error, fields, budget.followUpMs);
    logger.warn(
      `${name} handler did not settle within ${budget.handlerMs} ms; the message will be redelivered`,
      {
        ...fields,
        outcome: 'retry',
        code: error.code,
        error,
      },
    );
    return { ack: false, outcome: 'retry', error };
  }

  /**
   * The schema threw instead of reporting issues (a bug in a refinement or transform, an async
   * refinement that a synchronous parse cannot run): a configuration error, as a push without a body
   * is, not bad data. Dead-lettering it as `validation_failed` would ack every valid message while
   * the schema is broken; it is logged at error level and redelivered, so that once the schema is
   * fixed every message is processed. `maxDeliveryAttempts` (then `max_delivery_attempts`, code
   * `SCHEMA_ERROR`, replayable) and the subscription's dead-letter policy still bound the
   * redeliveries.
   */
  function schemaFault(
    envelope: Envelope,
    fault: PipelineError,
    fields: Record<string, unknown>,
  ): Promise<HandlingResult> | HandlingResult {
    const error = new PipelineError(
      `${name} schema is broken (a configuration error, not a bad message; redelivered): ${fault.message}`,
      { code: 'SCHEMA_ERROR', transient: true, cause: fault.cause },
    );
    if (lastAttempt(envelope))
      return reject(envelope, 'max_delivery_attempts', error, fields, budget.totalMs);
    logger.error(error.message, { ...fields, outcome: 'retry', code: error.code, error });
    return { ack: false, outcome: 'retry', error };
  }

  /**
   * A handler call that failed after the shutdown aborted its `meta.signal`: the failure is that
   * abort (a `DOMException` `AbortError` would otherwise be a permanent `CancelledError` and the
   * message dead-lettered), the work was cut short, not refused. The drain has already answered the
   * message for redelivery, so nothing more is done with it (no dead-letter publish): this result
   * only reaches the drain's log line about the late end.
   */
  function cutOff(thrown: unknown, stop: AbortSignal, fields: Record<string, unknown>): HandlingResult {
    // `stop` is the only signal aborted before a call can fail: its reason is the drain's error.
    const error = toPipelineError(stop.reason);
    logger.warn(`${name} handler failed after the shutdown aborted it`, {
      ...fields,
      outcome: 'retry',
      code: error.code,
      handlerError: toPipelineError(thrown),
    });
    return { ack: false, outcome: 'retry', error };
  }

  function lastAttempt(envelope: Envelope): boolean {
    return (
      maxDeliveryAttempts !== undefined &&
      options.deadLetterTopic !== undefined &&
      envelope.deliveryAttempt !== undefined &&
      envelope.deliveryAttempt >= maxDeliveryAttempts
    );
  }

  async function reject(
    envelope: Envelope,
    reason: DeadLetterReason,
    error: PipelineError,
    fields: Record<string, unknown>,
    stepMs: number,
  ): Promise<HandlingResult> {
    const topic = options.deadLetterTopic;
    const described = { ...fields, reason, code: error.code, error };
    const policy = policyFor(reason, onInvalid, topic !== undefined);
    if (policy === 'nack') {
      logger.error(
        `${name} message can never succeed (${reason}); nacked for the subscription's dead-letter policy`,
        { ...described, outcome: 'nacked' },
      );
      return { ack: false, outcome: 'nacked', reason, error };
    }
    if (policy === 'ack-and-log' || topic === undefined) {
      // The caller's own logger, not the isolated one: the log line is the only trace of an acked
      // message, so when it cannot be written (EPIPE) the message is redelivered, not acked. A
      // logger that writes asynchronously is waited for, under the step's share of `handlerTimeoutMs`
      // (a write that never settles must not hold the message for ever), and its rejection or
      // timeout counts the same.
      const written = await withHandlerTimeout(
        () => {
          const line: unknown = options.logger?.error(
            `${name} message discarded (${reason}): acked without processing (onInvalid: 'ack-and-log')`,
            { ...described, outcome: 'discarded' },
          );
          return isThenable(line) ? line : undefined;
        },
        stepMs,
        options.clock,
        () => `${name} error log line of discarded message ${envelope.messageId ?? '(no id)'}`,
      );
      if (written.status !== 'done') {
        return {
          ack: false,
          outcome: 'retry',
          error: new PipelineError(
            `${name} message could not be discarded: its error log line was not written${written.status === 'timed_out' ? ` within ${stepMs} ms` : ''}; it will be redelivered`,
            { code: 'DISCARD_NOT_LOGGED', transient: true, cause: written.error },
          ),
        };
      }
      return { ack: true, outcome: 'discarded', reason, error };
    }
    try {
      const deadLetterMessageId = await deadLetterPublish(topic, envelope, reason, error, fields, stepMs);
      logger.error(`${name} message dead-lettered (${reason})`, {
        ...described,
        outcome: 'dead_lettered',
        deadLetterTopic: topic.name,
        deadLetterMessageId,
      });
      return { ack: true, outcome: 'dead_lettered', reason, error };
    } catch (caught) {
      const publishError = toPipelineError(caught);
      const outcome =
        publishError.code === DEAD_LETTER_TOO_LARGE ? 'dead_letter_too_large' : 'dead_letter_failed';
      logger.error(`${name} message could not be dead-lettered (${reason}); it will be redelivered`, {
        ...described,
        outcome,
        deadLetterTopic: topic.name,
        deadLetterCode: publishError.code,
        deadLetterError: publishError,
      });
      return { ack: false, outcome, reason, error: publishError };
    }
  }

  /**
   * The dead-letter publish, under what is left of `handlerTimeoutMs` (`stepMs`, see
   * `handlingBudget`): a publish that never settles (a publisher of the caller's that hangs) must
   * not hold the message and its redeliveries for ever, nor outlive the message's lease. Past the limit it counts as failed (the message is redelivered, never
   * acked); if it lands later the message is dead-lettered twice, which a replay recognizes
   * (`source_message_id`) and republishes once.
   */
  async function deadLetterPublish(
    topic: MessagePublisher,
    envelope: Envelope,
    reason: DeadLetterReason,
    error: PipelineError,
    fields: Record<string, unknown>,
    stepMs: number,
  ): Promise<string> {
    const message = deadLetterMessage(envelope, reason, error);
    if (message === undefined) throw deadLetterTooLarge(envelope, name);
    const call = await withHandlerTimeout(
      () => publishTraced(topic, message),
      stepMs,
      options.clock,
      () => `${name} dead-letter publish of message ${envelope.messageId ?? '(no id)'}`,
    );
    if (call.status === 'done') return call.value;
    if (call.status === 'failed') throw call.error;
    void call.late.then((late) => {
      logger.warn(
        `${name} dead-letter publish settled after its ${stepMs} ms timeout (${late.status === 'done' ? 'published: the message may be dead-lettered twice' : 'failed'})`,
        { ...fields, late: late.status },
      );
    });
    throw call.error;
  }

  async function safeHandle(envelope: Envelope, stop: AbortSignal): Promise<HandlingResult> {
    try {
      return await handle(envelope, stop);
    } catch (caught) {
      // Nothing known gets here (the logger and isTransient are guarded); redelivery is the safe answer.
      return { ack: false, outcome: 'retry', error: toPipelineError(caught) };
    }
  }

  /** Resolves to the no-body result when there is no message at all (and logs it), else undefined. */
  function noMessage(input: unknown, via: string): HandlingResult | undefined {
    if (input !== undefined && input !== null && !isEmptyPlainObject(input)) return undefined;
    const error = new PipelineError(
      `${name} ${via} had no message (${input === undefined ? 'undefined' : input === null ? 'null' : 'an empty object'}): ` +
        'a server misconfiguration (no JSON body parser, or one that did not match the content type), not a bad message; answered for redelivery',
      { code: 'NO_MESSAGE', transient: true },
    );
    logger.error(error.message, { schema: name, outcome: 'no_body', code: error.code });
    return { ack: false, outcome: 'no_body', error };
  }

  /**
   * One input from receipt to decision: inside a CONSUMER span `process <subscription>` that continues
   * the trace the message carries (else the request's), with the outcome recorded in the span, the
   * metrics and `onOutcome`.
   */
  function observed(
    input: unknown,
    via: string,
    headers: RequestHeaders | undefined,
    answer?: Answer,
  ): Promise<HandlingResult> {
    const timed = options.onOutcome !== undefined || metricsEnabled();
    const started = timed ? performance.now() : 0;
    const missing = noMessage(input, via);
    if (missing !== undefined) {
      finish(missing, undefined, undefined, started);
      answer?.(missing);
      return Promise.resolve(missing);
    }
    const envelope = readEnvelope(input);
    const key = deliveryKey(envelope, options.subscription);
    const running = key === undefined ? undefined : inFlight.get(key);
    if (running !== undefined && sameData(running.envelope, envelope)) {
      // Delivered again while its first delivery is still being handled (a lease or push deadline
      // ran out): running the handler twice at once would do its work twice. This delivery waits
      // for that handling and gets its outcome, so both deliveries are acked or both redelivered.
      logger.debug(`${name} message delivered again while it is being handled; it gets that outcome`, {
        schema: name,
        messageId: envelope.messageId,
        deliveryAttempt: envelope.deliveryAttempt,
      });
      // Its answer goes with the running handling's, inside the drain: the redelivery holds the
      // newest ack id, the one Pub/Sub honours, and a process ending on SIGTERM must not lose it.
      // Once the handling has answered, its flush may still be pending inside the drain: this one
      // answers at once, its flush joining the drain's wait.
      if (answer !== undefined) {
        const { answered } = running;
        if (answered === undefined) running.joined.push(answer);
        else {
          const flush = attempt(() => answer(answered));
          if (flush) drain.hold(flush, true);
        }
      }
      return running.result.then((result) => {
        finish(result, envelope, undefined, started);
        return result;
      });
    }
    const entry: Omit<InFlight, 'result'> & Partial<InFlight> = { envelope, joined: [] };
    const handled = handleObserved(input, envelope, headers, started, answerWithJoined(answer, entry));
    if (key !== undefined) {
      entry.result = handled;
      inFlight.set(key, entry as InFlight);
      const forget = () => {
        if (inFlight.get(key)?.result === handled) inFlight.delete(key);
      };
      handled.then(forget, forget);
    }
    return handled;
  }

  /** The handling of one delivery nobody else is handling, in its CONSUMER span. */
  function handleObserved(
    input: unknown,
    envelope: Envelope,
    headers: RequestHeaders | undefined,
    started: number,
    answer: Answer | undefined,
  ): Promise<HandlingResult> {
    const { parent, link } = traceOf(envelope, input, headers);
    const subscription = shortName(envelope.subscription ?? options.subscription);
    const span = startSpan(`process ${subscription ?? name}`, {
      kind: 'consumer',
      ...(parent === undefined ? {} : { parent }),
      ...(link === undefined ? {} : { link }),
      attributes: {
        [ATTR.messagingSystem]: PUBSUB_SYSTEM,
        [ATTR.messagingOperationType]: 'process',
        [ATTR.messagingOperationName]: 'process',
        ...(subscription === undefined
          ? {}
          : { [ATTR.messagingDestination]: subscription, [ATTR.messagingSubscription]: subscription }),
        ...(envelope.messageId === undefined ? {} : { [ATTR.messagingMessageId]: envelope.messageId }),
        ...(envelope.deliveryAttempt === undefined
          ? {}
          : { [ATTR.pubsubDeliveryAttempt]: envelope.deliveryAttempt }),
      },
    });
    const fields = logFields(envelope);
    return drain
      .run(
        (stop) => runInTrace(parent ?? link, () => inSpan(span, () => safeHandle(envelope, stop))),
        (error): HandlingResult => {
          logger.warn(error.message, { ...fields, outcome: 'retry', code: error.code });
          return { ack: false, outcome: 'retry', error };
        },
        (late) =>
          logger.warn(
            `${name} handling cut off by the shutdown ended after all (${late.outcome}); its message had been answered for redelivery`,
            { ...fields, late: late.outcome },
          ),
        answer,
      )
      .then((result) => {
        finish(result, envelope, span, started);
        return result;
      });
  }

  function finish(
    result: HandlingResult,
    envelope: Envelope | undefined,
    span: Span | undefined,
    started: number,
  ): void {
    const attributes: Record<string, string> = {
      [ATTR.messagingSystem]: PUBSUB_SYSTEM,
      [ATTR.handlerOutcome]: result.outcome,
    };
    if (result.reason !== undefined) attributes[ATTR.handlerReason] = result.reason;
    if (result.outcome !== 'processed' && result.error !== undefined)
      attributes[ATTR.errorType] = result.error.code;
    endSpan(span, result.outcome === 'processed' ? undefined : result.error, attributes);
    if (started === 0 && options.onOutcome === undefined) return;
    const durationMs = performance.now() - started;
    count(handlerOutcomes, 1, attributes);
    recordSeconds(processDuration, durationMs, attributes);
    if (options.onOutcome === undefined) return;
    const event: MessageOutcomeEvent = {
      outcome: result.outcome,
      ack: result.ack,
      schema: name,
      messageId: envelope?.messageId,
      deliveryAttempt: envelope?.deliveryAttempt,
      durationMs,
    };
    if (result.reason !== undefined) event.reason = result.reason;
    if (result.error !== undefined) event.error = result.error;
    notify(options.onOutcome, event, (hookError) =>
      logger.warn(`${name}: onOutcome listener threw; ignoring it`, { schema: name, hookError }),
    );
  }

  /**
   * The reply to a push request or a CloudEvent is written by the caller's framework on the
   * microtasks after `push()` or `cloudEvent()` settles, after the drain let the handling go: during
   * a shutdown the drain waits one more turn of the event loop for it, or the process may end first
   * and Pub/Sub redeliver work that was done. Once the shutdown is over, only for an ack: each such
   * hold starts a run of its own (added to the report), and a lost 5xx costs nothing (Pub/Sub
   * redelivers either way), while a process that outlives its shutdown still gets deliveries refused
   * or without a body.
   */
  function replyTurn(result: HandlingResult): HandlingResult {
    drain.hold(() => new Promise((resolve) => setImmediate(resolve)), result.ack);
    return result;
  }

  return {
    handle: (input, headers) => observed(input, 'input', headers),
    async push(body, headers) {
      const result = replyTurn(await observed(pushRequestBody(body), 'push request', headers));
      if (result.outcome === 'no_body') return { status: 500, outcome: result.outcome };
      if (result.ack) return { status: 200, outcome: result.outcome };
      return { status: result.outcome === 'retry' ? 503 : 500, outcome: result.outcome };
    },
    async cloudEvent(event) {
      const result = replyTurn(await observed(event, 'CloudEvent', undefined));
      if (!result.ack)
        throw result.error ?? toPipelineError(new Error(`${name} message must be redelivered`));
    },
    async subscription(message) {
      await observed(message, 'subscription message', undefined, (result) => answerMessage(message, result));
    },
  };
}

/** Sends a handling's answer; may return a flush (see `HandlingDrain.run`). Never throws. */
type Answer = DrainAnswer<HandlingResult>;

/** A handling running now, and the answers of the redeliveries that joined it before it answered. */
interface InFlight {
  envelope: Envelope;
  result: Promise<HandlingResult>;
  joined: Answer[];
  /** Its answer, once sent: a later joiner is answered with it at once, its flush held by the drain. */
  answered?: HandlingResult;
}

/**
 * The handling's answer, sent with those of the redeliveries that joined it by then. Its flush
 * waits for every one of theirs; one that throws or rejects does not end the wait for the others.
 */
function answerWithJoined(
  own: Answer | undefined,
  entry: { joined: Answer[]; answered?: HandlingResult },
): Answer {
  return (result) => {
    const answers = [...entry.joined.splice(0), ...(own ? [own] : [])];
    entry.answered = result;
    const flushes = answers.map((send) => attempt(() => send(result))).filter((flush) => flush !== undefined);
    return flushes.length === 0
      ? undefined
      : () => Promise.allSettled(flushes.map((flush) => attempt(flush)));
  };
}

/**
 * Acks or nacks a streaming-pull message, and returns the flush that waits for the client to send
 * it. The client batches acks and nacks (100 ms by default) and `ack()` does not say when one was
 * sent: a process that exits in between loses it, and Pub/Sub redelivers a message whose work was
 * done. The subscriber of `@google-cloud/pubsub` (`message._subscriber`, where the client keeps it;
 * not public API) sends what it holds at once and settles once sent with `_waitForFlush()`, what
 * `subscription.close()` itself waits for. The drain calls it only during a shutdown (outside one,
 * a flush per message would undo the client's batching). A message without it (another client, a
 * hand-made one) is answered as before, with nothing to wait for.
 */
function answerMessage(
  message: SubscriberMessage,
  result: HandlingResult,
): (() => PromiseLike<unknown>) | undefined {
  try {
    result.ack ? message.ack() : message.nack();
    const subscriber = (message as { _subscriber?: { _waitForFlush?: () => PromiseLike<unknown> } })
      ._subscriber;
    return typeof subscriber?._waitForFlush === 'function' ? () => subscriber._waitForFlush!() : undefined;
  } catch {
    // ack()/nack() are fire-and-forget in the client; a throw here means the message is already
    // handled or the subscription is closing, and Pub/Sub will redeliver after the deadline anyway.
    // A message whose subscriber cannot be read has nothing to wait for.
    return undefined;
  }
}

/**
 * The trace a message continues: its `googclient_traceparent` attribute (the span that published
 * it), else a CloudEvent's `traceparent` extension, else the request's headers. When the message
 * names a trace and the request another, the request's is kept as a link.
 */
function traceOf(
  envelope: Envelope,
  input: unknown,
  headers: RequestHeaders | undefined,
): { parent?: TraceParent; link?: TraceParent } {
  try {
    return readTrace(envelope, input, headers);
  } catch {
    // Trace context is optional: headers or an event that cannot be read must not stop the handling.
    return {};
  }
}

function readTrace(
  envelope: Envelope,
  input: unknown,
  headers: RequestHeaders | undefined,
): { parent?: TraceParent; link?: TraceParent } {
  const fromMessage =
    parseTraceparent(envelope.attributes[PUBSUB_TRACEPARENT_ATTRIBUTE]) ??
    (envelope.kind === 'cloud_event'
      ? parseTraceparent((input as { traceparent?: unknown }).traceparent)
      : undefined);
  const fromRequest = traceParentFromHeaders(headers);
  if (fromMessage === undefined) return fromRequest === undefined ? {} : { parent: fromRequest };
  if (fromRequest === undefined || fromRequest.traceId === fromMessage.traceId)
    return { parent: fromMessage };
  return { parent: fromMessage, link: fromRequest };
}

/**
 * What the handler gets besides the data. `signal` is not enumerable: a meta compared or spread
 * as data stays the four fields it always was. The attributes are a copy (a spread keeps an own
 * `__proto__` key): the envelope's are what a dead letter is built from, the message as it
 * arrived, whatever the handler did to its own.
 */
function metaOf(envelope: Envelope, signal: AbortSignal): MessageMeta {
  const meta: MessageMeta = {
    messageId: envelope.messageId,
    attributes: { ...envelope.attributes },
    publishTime: envelope.publishTime,
    deliveryAttempt: envelope.deliveryAttempt,
  };
  Object.defineProperty(meta, 'signal', { value: signal, enumerable: false });
  return meta;
}

/**
 * What identifies a message across its deliveries: its Pub/Sub id within its subscription. `undefined`
 * for inputs without an id (bare bytes, strings, objects), which are never taken for one another.
 */
function deliveryKey(envelope: Envelope, subscription: string | undefined): string | undefined {
  if (envelope.messageId === undefined) return undefined;
  return `${envelope.subscription ?? subscription ?? ''}\u0000${envelope.messageId}`;
}

/** True when two deliveries carry the same data (a redelivery, not another message reusing an id). */
function sameData(a: Envelope, b: Envelope): boolean {
  return Buffer.from(rawBytes(a)).equals(rawBytes(b));
}

function isEmptyPlainObject(value: unknown): boolean {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    return isPlainObject(value) && Object.keys(value).length === 0;
  } catch {
    // An object that cannot be inspected (a revoked Proxy) is not "no message": decoding reports it.
    return false;
  }
}

/** The explicit choice for messages that can never succeed, checked at construction. */
function invalidPolicyOf(options: MessageHandlerOptions | undefined): InvalidMessagePolicy {
  if (options === undefined || options === null) {
    throw new TypeError(
      "createMessageHandler needs options: a deadLetterTopic, or onInvalid: 'nack' | 'ack-and-log' (where messages that can never succeed go)",
    );
  }
  const { deadLetterTopic, onInvalid, logger } = options as {
    deadLetterTopic?: unknown;
    onInvalid?: unknown;
    logger?: unknown;
  };
  if (
    onInvalid !== undefined &&
    onInvalid !== 'dead-letter' &&
    onInvalid !== 'nack' &&
    onInvalid !== 'ack-and-log'
  ) {
    throw new TypeError(
      `createMessageHandler: onInvalid must be 'dead-letter', 'nack' or 'ack-and-log', got ${JSON.stringify(onInvalid)}`,
    );
  }
  if (deadLetterTopic === undefined && (onInvalid === undefined || onInvalid === 'dead-letter')) {
    throw new TypeError(
      "createMessageHandler: without a deadLetterTopic, say where messages that can never succeed go: onInvalid: 'nack' (the subscription's dead-letter policy takes them) or 'ack-and-log' (acked and logged at error level)",
    );
  }
  if (onInvalid === 'ack-and-log' && (logger === undefined || logger === silentLogger)) {
    throw new TypeError(
      `createMessageHandler: onInvalid: 'ack-and-log' needs a logger${logger === undefined ? '' : ' other than silentLogger'}; acking a message with no trace is what it must never do`,
    );
  }
  if (onInvalid === 'ack-and-log' && typeof (logger as { error?: unknown }).error !== 'function') {
    throw new TypeError(
      "createMessageHandler: onInvalid: 'ack-and-log' needs a logger with an error() method: it writes the only trace of each discarded message",
    );
  }
  return (onInvalid as InvalidMessagePolicy | undefined) ?? 'dead-letter';
}

/**
 * Where a message that will not be processed goes. `onInvalid` is about messages whose data is bad
 * (undecodable or invalid). A valid message whose handler failed for good (`handler_failed`) or
 * that used up its deliveries (`max_delivery_attempts`) is dead-lettered whenever there is a
 * topic: acking it with a log line, or leaving it to a subscription that may have no dead-letter
 * policy, would lose data that a replay could still process once the cause is fixed. Without a
 * topic, `onInvalid` decides for every kind (`'nack'` or `'ack-and-log'`, an explicit choice).
 */
function policyFor(
  reason: DeadLetterReason,
  onInvalid: InvalidMessagePolicy,
  hasTopic: boolean,
): InvalidMessagePolicy {
  const validButFailed = reason === 'handler_failed' || reason === 'max_delivery_attempts';
  return hasTopic && validButFailed ? 'dead-letter' : onInvalid;
}

function reasonOf(error: PipelineError): DeadLetterReason {
  if (error instanceof MessageDecodeError) return error.reason;
  if (error instanceof MessageValidationError) return 'validation_failed';
  return 'unrecognized_input';
}
