import type { z } from 'zod';
import type { ValidationIssue } from '../errors/index.js';
import { isPlainObject } from '../shared/is-plain-object.js';
import type { NodeBuffer } from '../shared/node-types.js';
import { issuesError, schemaName } from './parse.js';
import { faithfulJson } from './publish-fidelity.js';
import { publishTraced } from './publish-span.js';
import {
  MAX_ATTRIBUTE_KEY_BYTES,
  MAX_ATTRIBUTE_VALUE_BYTES,
  MAX_ATTRIBUTES,
  MAX_ORDERING_KEY_BYTES,
} from './pubsub-limits.js';
import { assertZod4Schema } from './zod4-schema.js';

/**
 * What publishing needs from a topic: `publishMessage({ data, attributes })` resolving to the message id.
 * A `Topic` of `@google-cloud/pubsub` is one (`pubsub.topic('name')`); so is any object of your own with
 * that method (a fake in unit tests, a wrapper that adds tracing).
 *
 * @example
 * ```ts
 * import { Phase2CompletionMessage, publishValidated, type MessagePublisher } from 'gcp-pipeline-resilience';
 * import { PubSub } from '@google-cloud/pubsub';
 * const completions: MessagePublisher = new PubSub().topic('nba-phase2-raw-complete');
 * await publishValidated(completions, Phase2CompletionMessage, {
 *   processor_name: 'bdl_player_boxscores', game_date: '2026-11-28', record_count: 412,
 * });
 * ```
 */
export interface MessagePublisher {
  publishMessage(message: {
    data: NodeBuffer;
    attributes?: Record<string, string>;
    orderingKey?: string;
  }): Promise<string>;
  /** The topic's name, used in logs when present (`projects/p/topics/t` on a real `Topic`). */
  readonly name?: string;
}

/**
 * Options of {@link publishValidated}.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * import { Phase2CompletionMessage, publishValidated } from 'gcp-pipeline-resilience';
 * const topic = new PubSub().topic('nba-phase2-raw-complete', { messageOrdering: true });
 * const payload = { processor_name: 'BdlGamesProcessor', game_date: '2026-01-24', record_count: 240 };
 * await publishValidated(topic, Phase2CompletionMessage, payload, {}, { orderingKey: payload.game_date });
 * ```
 */
export interface PublishValidatedOptions {
  /**
   * Passed to `publishMessage`. Checked first, like the attributes: a string of at most 1024 bytes
   * of UTF-8 without a lone surrogate, or a `MessageValidationError` and nothing is published. `''`
   * is Pub/Sub's "no key". Open the topic with `{ messageOrdering: true }`: other Pub/Sub clients
   * require it to send keys (the Node client sends them either way).
   */
  orderingKey?: string;
  /** The schema's name in error messages; defaults to its `title`. */
  name?: string;
  /**
   * Publish without the payload's keys that the schema does not know, instead of refusing it. Off by
   * default: a key the schema drops (`recordCount` for `record_count`) is data the caller meant to
   * send, and publishing without it loses that data without a word.
   */
  dropUnknownKeys?: boolean;
}

/**
 * Validates `payload` against `schema`, serializes the parsed value (defaults filled in) as UTF-8 JSON
 * and publishes it with the topic's own `publishMessage`. Resolves to the message id.
 *
 * What is published never lacks anything the caller gave. A payload that fails validation throws
 * `MessageValidationError` and nothing is published; so does one with a key the schema does not know
 * (it would be dropped: `recordCount` for `record_count` names the key it may have meant; opt in to
 * dropping with `dropUnknownKeys: true`), a value JSON cannot carry as it is (a `Map`, a `Set`, a
 * `bigint`, `NaN`, `undefined` in an array), or a parsed value that a consumer parsing the JSON with
 * the same schema would not read back as it is (a `z.date()`, a transform that is not idempotent),
 * and so do attributes or an ordering key Pub/Sub would refuse or change. Each issue names its path. Consumers (`parseMessage`) still drop unknown keys: a newer producer's
 * field must not dead-letter an older consumer. A publish
 * failure is rethrown as its typed class (`toPipelineError`: `ServiceUnavailableError`,
 * `DeadlineExceededError`, `NotFoundError`, ...), with the client's error as `cause`.
 *
 * With an OpenTelemetry SDK registered, the publish is a PRODUCER span `send <topic>` and the
 * message carries its W3C trace context in the `googclient_traceparent` attribute (as the Pub/Sub
 * client's own tracing does), so the handler that receives it continues the same trace.
 *
 * There is no retry here on purpose: the client already retries Publish (UNAVAILABLE, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED, INTERNAL, ... with backoff for up to 600 s per its GAPIC config) and that retry
 * cannot be switched off cleanly, so a second layer would multiply attempts during an outage. A
 * rejection that reaches you has already been retried. See docs/decisions/validation.md.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * import { Phase2CompletionMessage, publishValidated } from 'gcp-pipeline-resilience';
 * const topic = new PubSub().topic('nba-phase2-raw-complete');
 * const id = await publishValidated(topic, Phase2CompletionMessage, {
 *   processor_name: 'BdlGamesProcessor', game_date: '2026-01-24', record_count: 240,
 * }, { source: 'bdl' });
 * ```
 */
export async function publishValidated<S extends z.ZodType>(
  topic: MessagePublisher,
  schema: S,
  payload: z.input<S>,
  attributes?: Record<string, string>,
  options?: PublishValidatedOptions,
): Promise<string> {
  assertZod4Schema(schema, 'publishValidated');
  const name = schemaName(schema, options?.name);
  const message: { data: Buffer; attributes?: Record<string, string>; orderingKey?: string } = {
    data: Buffer.from(faithfulJson(schema, payload, name, options?.dropUnknownKeys === true), 'utf8'),
  };
  if (attributes !== undefined) {
    checkAttributes(attributes, name);
    if (Object.keys(attributes).length > 0) message.attributes = { ...attributes };
  }
  if (options?.orderingKey !== undefined) {
    checkOrderingKey(options.orderingKey, name);
    message.orderingKey = options.orderingKey;
  }
  return publishTraced(topic, message);
}

/**
 * Refuses an ordering key Pub/Sub would refuse or change, before anything is queued: the client
 * queues a keyed message under its key and learns of a key over 1024 bytes only from the Publish
 * answer; a key that is not a string, or holds a lone surrogate (no UTF-8 form), went out as another
 * key. The empty string is Pub/Sub's "no key" and passes.
 */
function checkOrderingKey(key: unknown, name: string): void {
  const bytes = typeof key === 'string' ? Buffer.byteLength(key, 'utf8') : 0;
  const problem =
    typeof key !== 'string'
      ? `must be a string, got ${key === null ? 'null' : `a ${typeof key}`}`
      : /\p{Surrogate}/u.test(key)
        ? 'holds a lone surrogate, which has no UTF-8 form'
        : bytes > MAX_ORDERING_KEY_BYTES
          ? `must be at most ${MAX_ORDERING_KEY_BYTES} bytes of UTF-8, got ${bytes}`
          : undefined;
  if (problem) throw issuesError(name, [{ path: ['orderingKey'], message: problem, code: 'custom' }]);
}

/**
 * Refuses attributes Pub/Sub (or its client) would refuse, before anything is sent: a value that is not
 * a string, an empty key, a key over 256 or a value over 1024 bytes of UTF-8, more than 100 of them, or
 * something other than a plain object (a `Map` would go out with no attributes at all). One `MessageValidationError` lists every issue, with its path
 * (`attributes.<key>`): the same error a payload that fails its schema gets.
 */
function checkAttributes(attributes: unknown, name: string): void {
  const issues: ValidationIssue[] = [];
  const issue = (path: PropertyKey[], message: string) => issues.push({ path, message, code: 'custom' });
  // Not a plain object: a Map (its entries are not own keys) went out with no attributes at all.
  if (typeof attributes !== 'object' || attributes === null || !isPlainObject(attributes)) {
    const got = Array.isArray(attributes)
      ? 'an array'
      : attributes === null
        ? 'null'
        : `a ${typeof attributes === 'object' ? attributes.constructor?.name : typeof attributes}`;
    issue(['attributes'], `must be a plain object of strings, got ${got}`);
  } else {
    const entries = Object.entries(attributes);
    if (entries.length > MAX_ATTRIBUTES)
      issue(['attributes'], `at most ${MAX_ATTRIBUTES} attributes, got ${entries.length}`);
    for (const [key, value] of entries) {
      if (key === '') issue([], 'attributes: a key must not be empty');
      const keyBytes = Buffer.byteLength(key, 'utf8');
      if (keyBytes > MAX_ATTRIBUTE_KEY_BYTES)
        issue(
          ['attributes', key],
          `the key must be at most ${MAX_ATTRIBUTE_KEY_BYTES} bytes of UTF-8, got ${keyBytes}`,
        );
      if (typeof value !== 'string') {
        issue(
          ['attributes', key],
          `must be a string, got ${value === undefined ? 'undefined' : value === null ? 'null' : `a ${typeof value}`}`,
        );
        continue;
      }
      const valueBytes = Buffer.byteLength(value, 'utf8');
      if (valueBytes > MAX_ATTRIBUTE_VALUE_BYTES)
        issue(
          ['attributes', key],
          `must be at most ${MAX_ATTRIBUTE_VALUE_BYTES} bytes of UTF-8, got ${valueBytes}`,
        );
    }
  }
  if (issues.length > 0) throw issuesError(name, issues);
}
