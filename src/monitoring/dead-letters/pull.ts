import type { v1 } from '@google-cloud/pubsub';

/** Per-call options: `timeout` bounds the call, the client's retries included. */
export interface CallOptions {
  timeout?: number;
}

/** A message pulled from a subscription, decoded from the wire. */
export interface PulledMessage {
  ackId: string;
  messageId: string;
  /** The data. When it came as base64 text (the REST transport), decoded on first read. */
  readonly data: Buffer;
  /** The data's size in bytes, known without decoding it. */
  readonly dataBytes: number;
  /** The first bytes of the data (at most `bytes`), without decoding the rest. */
  dataPrefix(bytes: number): Uint8Array;
  attributes: Record<string, string>;
  publishTime: Date | undefined;
  orderingKey: string;
  /** Pub/Sub's count for this subscription; 0 when it has no dead-letter policy. */
  deliveryAttempt: number;
}

type WireReceived = {
  ackId?: string | null;
  deliveryAttempt?: number | null;
  message?: {
    data?: Uint8Array | string | null;
    attributes?: Record<string, string> | null;
    messageId?: string | null;
    publishTime?: { seconds?: unknown; nanos?: number | null } | null;
    orderingKey?: string | null;
  } | null;
};

/**
 * The data of a message, decoded only as far as it is read: a sample shows 200 characters of a body
 * that may be 10 MB, and 100 messages are pulled at once. Bytes are viewed, not copied.
 */
function wireData(data: Uint8Array | string): Pick<PulledMessage, 'data' | 'dataBytes' | 'dataPrefix'> {
  if (typeof data !== 'string') {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return { data: bytes, dataBytes: bytes.length, dataPrefix: (n) => bytes.subarray(0, Math.max(0, n)) };
  }
  let decoded: Buffer | undefined;
  return {
    get data() {
      decoded ??= Buffer.from(data, 'base64');
      return decoded;
    },
    dataBytes: Buffer.byteLength(data, 'base64'),
    dataPrefix(n) {
      if (decoded) return decoded.subarray(0, Math.max(0, n));
      // Four base64 characters hold three bytes: decode whole groups only, the fewest that cover n.
      return Buffer.from(data.slice(0, Math.ceil(Math.max(0, n) / 3) * 4), 'base64').subarray(0, n);
    },
  };
}

function decode(received: WireReceived): PulledMessage | undefined {
  const message = received.message;
  if (!received.ackId || !message?.messageId) return undefined;
  const seconds = Number(message.publishTime?.seconds ?? 0);
  const data = wireData(message.data ?? Buffer.alloc(0));
  return {
    ackId: received.ackId,
    messageId: message.messageId,
    // A getter, not a spread: spreading would read (decode) the data now.
    get data() {
      return data.data;
    },
    dataBytes: data.dataBytes,
    dataPrefix: data.dataPrefix,
    attributes: { ...(message.attributes ?? {}) },
    publishTime:
      seconds > 0
        ? new Date(seconds * 1000 + Math.floor((message.publishTime?.nanos ?? 0) / 1e6))
        : undefined,
    orderingKey: message.orderingKey ?? '',
    deliveryAttempt: received.deliveryAttempt ?? 0,
  };
}

/**
 * One unary Pull that answers at once with what is ready (`returnImmediately`: the monitor must not
 * sit on a subscription waiting for messages that may never come).
 */
export async function pullBatch(
  subscriber: v1.SubscriberClient,
  subscription: string,
  maxMessages: number,
  call: CallOptions = {},
): Promise<PulledMessage[]> {
  const [response] = await subscriber.pull({ subscription, maxMessages, returnImmediately: true }, call);
  return (response.receivedMessages ?? [])
    .map((m) => decode(m as WireReceived))
    .filter((m) => m !== undefined);
}

// Pub/Sub accepts up to 2500 ack ids per Acknowledge / ModifyAckDeadline request; stay well below.
const ACK_CHUNK = 1000;

async function inChunks(
  ackIds: readonly string[],
  send: (chunk: string[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < ackIds.length; i += ACK_CHUNK) await send(ackIds.slice(i, i + ACK_CHUNK));
}

/** Gives the messages back at once (ModifyAckDeadline 0): they stay in the subscription. */
export function release(
  subscriber: v1.SubscriberClient,
  subscription: string,
  ackIds: readonly string[],
  call: CallOptions = {},
) {
  return inChunks(ackIds, (chunk) =>
    subscriber.modifyAckDeadline({ subscription, ackIds: chunk, ackDeadlineSeconds: 0 }, call),
  );
}

/** Keeps the messages leased for `seconds` more. */
export function extend(
  subscriber: v1.SubscriberClient,
  subscription: string,
  ackIds: readonly string[],
  seconds: number,
) {
  return inChunks(ackIds, (chunk) =>
    subscriber.modifyAckDeadline({ subscription, ackIds: chunk, ackDeadlineSeconds: seconds }),
  );
}

/** Acknowledges the messages: they leave the subscription. */
export function acknowledge(
  subscriber: v1.SubscriberClient,
  subscription: string,
  ackIds: readonly string[],
) {
  return inChunks(ackIds, (chunk) => subscriber.acknowledge({ subscription, ackIds: chunk }));
}
