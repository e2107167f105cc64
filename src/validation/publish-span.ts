import { type PipelineError, toPipelineError } from '../errors/index.js';
import { ATTR, PUBSUB_SYSTEM } from '../telemetry/attributes.js';
import { endSpan, inSpan, setAttributes, startSpan, traceparentOf } from '../telemetry/spans.js';
import { PUBSUB_TRACEPARENT_ATTRIBUTE } from '../telemetry/trace-context.js';
import type { MessagePublisher } from './publish.js';
import {
  MAX_ATTRIBUTES,
  MAX_PUBLISH_REQUEST_BYTES,
  publishedBytes,
  REQUEST_OVERHEAD_ALLOWANCE,
} from './pubsub-limits.js';

/** The last segment of a resource name: `projects/p/topics/t` -> `t`. */
export function shortName(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return undefined;
  const slash = name.lastIndexOf('/');
  return slash === -1 ? name : name.slice(slash + 1);
}

/** A message as `publishMessage` takes it. */
export interface OutgoingMessage {
  data: Buffer;
  attributes?: Record<string, string>;
  orderingKey?: string;
}

/**
 * Publishes one message inside a PRODUCER span `send <topic>` (when an SDK is registered) and
 * carries the span's W3C `traceparent` in the `googclient_traceparent` attribute, as the Pub/Sub
 * client does, so that whoever handles the message continues the trace. An attribute of that name
 * set by the caller is kept, and none is added to a message that already has Pub/Sub's 100
 * attributes or would pass the 10 MB request limit with it. Rejects with the typed error.
 */
export async function publishTraced(topic: MessagePublisher, message: OutgoingMessage): Promise<string> {
  const destination = shortName(topic.name);
  const span = startSpan(`send ${destination ?? 'topic'}`, {
    kind: 'producer',
    attributes: {
      [ATTR.messagingSystem]: PUBSUB_SYSTEM,
      [ATTR.messagingOperationType]: 'send',
      [ATTR.messagingOperationName]: 'send',
      [ATTR.messagingBodySize]: message.data.length,
      ...(destination === undefined ? {} : { [ATTR.messagingDestination]: destination }),
      ...(message.orderingKey === undefined ? {} : { [ATTR.pubsubOrderingKey]: message.orderingKey }),
    },
  });
  let outgoing = message;
  const traceparent = traceparentOf(span);
  // Trace context is optional; a message's place in Pub/Sub's 100 attributes is not: a message
  // that already has 100 is published without it rather than refused (a dead-letter publish
  // refused for its attributes would be redelivered for ever).
  if (
    traceparent !== undefined &&
    message.attributes?.[PUBSUB_TRACEPARENT_ATTRIBUTE] === undefined &&
    Object.keys(message.attributes ?? {}).length < MAX_ATTRIBUTES
  ) {
    const traced = {
      ...message,
      attributes: { ...message.attributes, [PUBSUB_TRACEPARENT_ATTRIBUTE]: traceparent },
    };
    // Nor is its place in the 10 MB per request: a message fitted to the limit stays within it.
    if (publishedBytes(traced) <= MAX_PUBLISH_REQUEST_BYTES - REQUEST_OVERHEAD_ALLOWANCE) outgoing = traced;
  }
  let id: string;
  try {
    id = await inSpan(span, () => topic.publishMessage(outgoing));
  } catch (caught) {
    const error: PipelineError = toPipelineError(caught);
    endSpan(span, error);
    throw error;
  }
  setAttributes(span, { [ATTR.messagingMessageId]: typeof id === 'string' ? id : undefined });
  endSpan(span);
  return id;
}
