import { type DecodeFailure, MessageDecodeError } from '../errors/index.js';
import { lazy } from '../shared/lazy.js';
import { contentJson } from './content-json.js';

/**
 * Pub/Sub's limit on a message's data, and the default `maxBytes` of decoding: 10 MiB. A payload over
 * it did not come from Pub/Sub and is refused before it is base64-decoded or parsed.
 *
 * @example
 * ```ts
 * import {
 *   decodePubSubMessage,
 *   DEFAULT_MAX_MESSAGE_BYTES,
 *   Phase2CompletionMessage,
 * } from 'gcp-pipeline-resilience';
 * declare const body: unknown; // a push request's body
 * decodePubSubMessage(Phase2CompletionMessage, body, { maxBytes: DEFAULT_MAX_MESSAGE_BYTES / 10 });
 * ```
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * The `maxBytes` option, checked: a number of bytes, `>= 0` (`0` refuses any data, `Infinity` sets
 * no limit of its own). `NaN` (or a string that is not a number) would switch the limit off without
 * a word, since every comparison with it is false, and a negative limit is a mistake: both are a
 * `RangeError` naming the caller.
 *
 * @internal
 */
export function maxBytesOption(value: unknown, caller: string): number {
  if (value === undefined) return DEFAULT_MAX_MESSAGE_BYTES;
  if (typeof value === 'number' && value >= 0) return value;
  const got = typeof value === 'number' ? String(value) : `a ${typeof value}`;
  throw new RangeError(`${caller}: maxBytes must be a number of bytes >= 0, received ${got}`);
}

/**
 * What a handler learns about a message besides its data.
 *
 * @example
 * ```ts
 * import { createMessageHandler, type MessageMeta, Phase2CompletionMessage } from 'gcp-pipeline-resilience';
 * const handle = createMessageHandler(Phase2CompletionMessage, async (data, meta: MessageMeta) => {
 *   console.log(meta.messageId, meta.deliveryAttempt);
 * }, { onInvalid: 'nack' });
 * ```
 */
export interface MessageMeta {
  /** The Pub/Sub message id; `undefined` for bare bytes, strings and objects. */
  messageId: string | undefined;
  /** The message attributes (string values only); `{}` when there are none. */
  attributes: Record<string, string>;
  /** When Pub/Sub accepted the message, when the input says. */
  publishTime: Date | undefined;
  /**
   * 1 on first delivery, counting up on each redelivery. `undefined` when not known: the input does not
   * say, or the subscription has no dead-letter policy (Pub/Sub then reports 0).
   */
  deliveryAttempt: number | undefined;
  /**
   * Aborted when the handling gives up on this call (`handlerTimeoutMs`): stop the work, its result
   * is ignored and the message is redelivered. Always set by `createMessageHandler` (not enumerable).
   */
  readonly signal?: AbortSignal;
}

/**
 * The input shapes a message handler tells apart; used in logs and as the `source_input` attribute of a
 * dead-lettered message.
 *
 * @example
 * ```ts
 * import type { EnvelopeKind } from 'gcp-pipeline-resilience';
 * function describe(kind: EnvelopeKind): string {
 *   return kind === 'push' ? 'a push subscription request' : `a ${kind} input`;
 * }
 * ```
 */
export type EnvelopeKind = 'push' | 'cloud_event' | 'subscriber_message' | 'bytes' | 'string' | 'object';

/**
 * The message body before decoding, as an {@link Envelope} carries it. Its use is shown with
 * `deadLetterAttributes`.
 *
 * @example
 * ```ts
 * import type { EnvelopeBody } from 'gcp-pipeline-resilience';
 * function describeBody(body: EnvelopeBody): string {
 *   if (body.kind === 'missing' || body.kind === 'invalid') return `no message: ${body.detail}`;
 *   return body.kind === 'value' ? 'a parsed value' : `${body.kind} data`;
 * }
 * ```
 */
export type EnvelopeBody =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'base64'; text: string }
  | { kind: 'json_text'; text: string }
  | { kind: 'value'; value: unknown }
  | { kind: 'missing'; detail: string }
  | { kind: 'invalid'; reason: DecodeFailure; detail: string };

/**
 * An input taken apart but not yet decoded: what the handler needs to dead-letter a message whose
 * body cannot be decoded: the input to `deadLetterAttributes`.
 *
 * @example
 * ```ts
 * import { deadLetterAttributes, type Envelope, NotFoundError } from 'gcp-pipeline-resilience';
 * const envelope: Envelope = {
 *   kind: 'push',
 *   body: { kind: 'base64', text: 'e30=' },
 *   subscription: 'projects/p/subscriptions/nba-phase2-raw-complete-sub',
 *   messageId: '42',
 *   attributes: {},
 *   publishTime: undefined,
 *   deliveryAttempt: 1,
 * };
 * const attributes = deadLetterAttributes(envelope, 'handler_failed', new NotFoundError('no such table'));
 * ```
 */
export interface Envelope extends MessageMeta {
  kind: EnvelopeKind;
  body: EnvelopeBody;
  subscription: string | undefined;
  /**
   * The message's ordering key, when it has one (a subscriber `Message`'s `orderingKey`, a push
   * body's `message.orderingKey`): kept by dead-lettering (`source_ordering_key`) so that a replay
   * republishes the message with it.
   */
  orderingKey?: string;
}

/**
 * Tells the accepted input shapes apart without decoding anything. Never throws: an input that
 * cannot be read at all (a getter or a Proxy trap that throws, a revoked Proxy) is an
 * `unrecognized_input` body, which decoding refuses with a typed error.
 *
 * @internal
 */
export function readEnvelope(input: unknown): Envelope {
  try {
    return readShape(input);
  } catch (caught) {
    return bare('object', {
      kind: 'invalid',
      reason: 'unrecognized_input',
      detail: `the input cannot be read (reading it threw ${thrownName(caught)})`,
    });
  }
}

/** The class name of what reading an input threw, without reading anything that could throw again. */
function thrownName(caught: unknown): string {
  try {
    if (caught instanceof Error) return `a ${caught.name}`;
    return caught === null ? 'null' : `a ${typeof caught}`;
  } catch {
    return 'a value that cannot be read';
  }
}

function readShape(input: unknown): Envelope {
  if (input === undefined || input === null) {
    return bare('object', { kind: 'missing', detail: `the input is ${String(input)}` });
  }
  if (input instanceof Uint8Array) return bare('bytes', { kind: 'bytes', bytes: input });
  if (input instanceof ArrayBuffer) return bare('bytes', { kind: 'bytes', bytes: new Uint8Array(input) });
  if (typeof input === 'string') return bare('string', stringBody(input));
  if (typeof input === 'number' || typeof input === 'boolean')
    return bare('object', { kind: 'value', value: input });
  if (typeof input !== 'object') {
    return bare('object', {
      kind: 'invalid',
      reason: 'unrecognized_input',
      detail: `a ${typeof input} is not a message`,
    });
  }
  const record = input as Record<string, unknown>;
  const unparsed = unparsedEventBody(record);
  if (unparsed === undefined && isSubscriberMessage(record)) return fromSubscriberMessage(record);
  const eventBody =
    unparsed ?? (isRecord(record.data) && isRecord(record.data.message) ? record.data : undefined);
  if (eventBody !== undefined) {
    // A CloudEvent's data is the push body itself ({ message, subscription }), structured or raw.
    const envelope = fromPushBody(eventBody, 'cloud_event');
    if (envelope.messageId === undefined && typeof record.id === 'string') envelope.messageId = record.id;
    return envelope;
  }
  if (isPushBody(record)) return fromPushBody(record, 'push');
  return bare('object', { kind: 'value', value: input });
}

/**
 * The push body (`{ message, subscription }`) a CloudEvent holds as data that was not parsed as
 * JSON: the Functions Framework parses a binary-mode event's body by its content type (`text/*`
 * gives a string, an unknown type a Buffer), and a structured event with binary data carries
 * `data_base64`. Only for an object with a `specversion`; `undefined` when the data is not the
 * JSON text of an object with a `message` object (the input is then read as before).
 */
function unparsedEventBody(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const { data } = record;
  if (typeof record.specversion !== 'string' || isRecord(data)) return undefined;
  const parsed = decodedAccepted(
    typeof data === 'string'
      ? { kind: 'json_text', text: data }
      : data instanceof Uint8Array
        ? { kind: 'bytes', bytes: data }
        : { kind: 'base64', text: String(record.data_base64 ?? '') },
  );
  // Not a push body: the input is read as before.
  return isRecord(parsed) && isRecord(parsed.message) ? parsed : undefined;
}

/**
 * A body an HTTP layer has already accepted, decoded as a message's data is (strict base64, UTF-8,
 * one BOM, JSON) with no size bound of its own; `undefined` when it does not decode.
 */
function decodedAccepted(body: EnvelopeBody): unknown {
  try {
    return decodeBody(bare('object', body), Number.POSITIVE_INFINITY);
  } catch {
    return undefined;
  }
}

/**
 * Decodes an envelope's body to a JSON value, or throws a permanent `MessageDecodeError` whose `reason`
 * says why: `missing_data`, `too_large`, `invalid_base64`, `invalid_utf8`, `invalid_json` or
 * `unrecognized_input`.
 *
 * @internal
 */
export function decodeBody(envelope: Envelope, maxBytes: number): unknown {
  const { body } = envelope;
  const where = describe(envelope);
  switch (body.kind) {
    case 'value':
      return body.value;
    case 'missing':
      throw decodeError('missing_data', `${where}: no data (${body.detail})`);
    case 'invalid':
      throw decodeError(body.reason, `${where}: ${body.detail}`);
    case 'json_text': {
      const size = Buffer.byteLength(body.text, 'utf8');
      if (size > maxBytes) throw tooLarge(where, size, maxBytes);
      // One leading byte-order mark, as TextDecoder strips from bytes (`buffer.toString()` keeps it).
      return parseJson(body.text.charCodeAt(0) === 0xfeff ? body.text.slice(1) : body.text, where);
    }
    case 'base64': {
      if (body.text.length === 0) throw decodeError('missing_data', `${where}: data is empty`);
      // The exact decoded size, known before decoding, so an oversized string is never copied.
      const padding = body.text.endsWith('==') ? 2 : body.text.endsWith('=') ? 1 : 0;
      const estimated = Math.floor((body.text.length * 3) / 4) - padding;
      if (estimated > maxBytes) throw tooLarge(where, estimated, maxBytes);
      if (!isBase64(body.text)) throw decodeError('invalid_base64', `${where}: data is not valid base64`);
      return decodeBytes(Buffer.from(body.text, 'base64'), where, maxBytes);
    }
    case 'bytes':
      return decodeBytes(body.bytes, where, maxBytes);
  }
}

/**
 * The message's data as it arrived (the base64 decoded when it can be), for the dead-letter topic: the
 * bytes a person needs to see why it failed, whatever the failure.
 *
 * @internal
 */
export function rawBytes(envelope: Envelope): Uint8Array {
  const { body } = envelope;
  switch (body.kind) {
    case 'bytes':
      return body.bytes;
    case 'base64':
      return isBase64(body.text) ? Buffer.from(body.text, 'base64') : Buffer.from(body.text, 'utf8');
    case 'json_text':
      return Buffer.from(body.text, 'utf8');
    case 'value':
      return Buffer.from(contentJson(body.value), 'utf8');
    case 'missing':
    case 'invalid':
      return new Uint8Array(0);
  }
}

// Built on first use: the first TextDecoder of a process loads Node's encoding module.
const utf8 = lazy(() => new TextDecoder('utf-8', { fatal: true }));

function decodeBytes(bytes: Uint8Array, where: string, maxBytes: number): unknown {
  if (bytes.length === 0) throw decodeError('missing_data', `${where}: data is empty`);
  if (bytes.length > maxBytes) throw tooLarge(where, bytes.length, maxBytes);
  let text: string;
  try {
    text = utf8().decode(bytes);
  } catch (cause) {
    throw decodeError('invalid_utf8', `${where}: data is not valid UTF-8`, cause);
  }
  return parseJson(text, where);
}

function parseJson(text: string, where: string): unknown {
  if (text.trim().length === 0) throw decodeError('missing_data', `${where}: data is blank`);
  try {
    return JSON.parse(text);
  } catch (thrown) {
    // V8 quotes up to ten characters either side of the fault: data (an unquoted secret's start,
    // cut so that its key no longer shows) that would reach logs and the dead letter's attributes.
    const kept = (thrown as Error).message.split('"')[0]!.replace(/[\s,.]+$/, '') || 'a syntax error';
    throw decodeError('invalid_json', `${where}: data is not JSON (${kept})`, new SyntaxError(kept));
  }
}

/**
 * Strict base64 (standard or URL-safe alphabet, padding optional but correct when present). Node's own
 * decoder skips characters it does not know, so `'not base64!'` would otherwise decode to garbage.
 */
function isBase64(text: string): boolean {
  if (text.length % 4 === 1) return false;
  if (text.includes('=') && text.length % 4 !== 0) return false;
  return /^[A-Za-z0-9+/_-]*={0,2}$/.test(text);
}

/**
 * A string starting with `{` or `[` is JSON text; anything else is the base64 `data` of a message
 * (never ambiguous: base64 has neither character).
 */
function stringBody(text: string): EnvelopeBody {
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return { kind: 'json_text', text };
  if (text.trim().length === 0) return { kind: 'missing', detail: 'the string is empty' };
  return { kind: 'base64', text: text.trim() };
}

function isSubscriberMessage(record: Record<string, unknown>): boolean {
  return (
    record.data instanceof Uint8Array &&
    (typeof record.ack === 'function' || typeof record.id === 'string' || typeof record.ackId === 'string')
  );
}

/**
 * A push request's body as the handler reads it: a framework without a JSON body parser
 * (`express.text()`, `express.raw()`, a bare `node:http` server) gives the text or bytes of
 * `{ message, subscription }`. Read as a bare message, Pub/Sub's envelope would fail validation and
 * be dead-lettered whole, its attributes inside its data. Text or bytes that hold a push body are
 * that body; anything else is given back unchanged, to be read as before.
 *
 * @internal
 */
export function pushRequestBody(body: unknown): unknown {
  const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
  if (typeof bytes !== 'string' && !(bytes instanceof Uint8Array)) return body;
  const parsed = decodedAccepted(
    typeof bytes === 'string' ? { kind: 'json_text', text: bytes } : { kind: 'bytes', bytes },
  );
  return isRecord(parsed) && isPushBody(parsed) ? parsed : body;
}

function isPushBody(
  record: Record<string, unknown>,
): record is Record<string, unknown> & { message: object } {
  const message = record.message;
  if (!isRecord(message)) return false;
  return ['data', 'messageId', 'message_id', 'attributes', 'publishTime', 'publish_time'].some(
    (key) => key in message,
  );
}

function fromSubscriberMessage(record: Record<string, unknown>): Envelope {
  return {
    kind: 'subscriber_message',
    body: { kind: 'bytes', bytes: record.data as Uint8Array },
    messageId: typeof record.id === 'string' ? record.id : undefined,
    attributes: readAttributes(record.attributes),
    publishTime: readTime(record.publishTime),
    deliveryAttempt: readAttempt(record.deliveryAttempt),
    subscription: subscriberName(record),
    ...orderingKeyOf(record.orderingKey),
  };
}

/**
 * The subscription a `Message` of `@google-cloud/pubsub` came from (its subscriber's `name`, the
 * only place the client keeps it): a message id is unique per topic, so one handler on two
 * subscriptions of a topic gets the same id from each, and only the subscription tells them apart.
 * `undefined` for any other message. A getter that throws makes the input unreadable, as any other.
 */
function subscriberName(record: Record<string, unknown>): string | undefined {
  const name = (record._subscriber as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

function fromPushBody(record: Record<string, unknown>, kind: 'push' | 'cloud_event'): Envelope {
  const message = record.message as Record<string, unknown>;
  const id = message.messageId ?? message.message_id;
  return {
    kind,
    body: pushData(message.data),
    messageId: typeof id === 'string' ? id : undefined,
    attributes: readAttributes(message.attributes),
    publishTime: readTime(message.publishTime ?? message.publish_time),
    deliveryAttempt: readAttempt(record.deliveryAttempt ?? record.delivery_attempt),
    subscription: typeof record.subscription === 'string' ? record.subscription : undefined,
    ...orderingKeyOf(message.orderingKey ?? message.ordering_key),
  };
}

/** `{ orderingKey }` when `value` is a non-empty key (Pub/Sub's "no key" is the empty string). */
function orderingKeyOf(value: unknown): { orderingKey?: string } {
  return typeof value === 'string' && value !== '' ? { orderingKey: value } : {};
}

function pushData(data: unknown): EnvelopeBody {
  if (data === undefined || data === null) return { kind: 'missing', detail: 'message.data is absent' };
  if (typeof data === 'string') return { kind: 'base64', text: data };
  if (data instanceof Uint8Array) return { kind: 'bytes', bytes: data };
  return {
    kind: 'invalid',
    reason: 'invalid_base64',
    detail: `message.data is a ${typeName(data)}, not a base64 string`,
  };
}

function bare(kind: EnvelopeKind, body: EnvelopeBody): Envelope {
  return {
    kind,
    body,
    messageId: undefined,
    attributes: {},
    publishTime: undefined,
    deliveryAttempt: undefined,
    subscription: undefined,
  };
}

/**
 * The string attributes, each an own property: an attribute named `__proto__` (a push body's JSON
 * holds it as such) is kept, where an assignment would have set the prototype and lost it.
 */
function readAttributes(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function readTime(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function readAttempt(value: unknown): number | undefined {
  const attempt = typeof value === 'string' ? Number(value) : value;
  return typeof attempt === 'number' && Number.isInteger(attempt) && attempt > 0 ? attempt : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describe(envelope: Envelope): string {
  const label = envelope.kind.replace('_', ' ');
  return envelope.messageId === undefined ? label : `${label} ${envelope.messageId}`;
}

function tooLarge(where: string, size: number, maxBytes: number): MessageDecodeError {
  return decodeError('too_large', `${where}: data is ${size} bytes, over the ${maxBytes}-byte limit`);
}

function decodeError(reason: DecodeFailure, message: string, cause?: unknown): MessageDecodeError {
  return new MessageDecodeError(message, cause === undefined ? { reason } : { reason, cause });
}
