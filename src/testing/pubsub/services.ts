import type * as Grpc from '@grpc/grpc-js';
import type { GrpcRequestLogEntry, Msg, ServiceContext, Unary } from '../shared/grpc-server.js';
import { buildServiceImplementation, recordCall, toStatus } from '../shared/grpc-server.js';
import type { Broker, StreamHandle, WireReceivedMessage } from './broker.js';
import { PUBSUB_STATUS_CODES } from './status.js';

/**
 * One RPC the Pub/Sub stand-in received (the same type as `GrpcRequestLogEntry`). For StreamingPull
 * every inbound stream request is one entry.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const publishes = standIn.requests.filter((r) => r.method === 'Publish');
 * console.log(publishes.map((r) => r.fault?.code)); // e.g. [14, 14, undefined]
 * ```
 */
export type PubSubRequestLogEntry = GrpcRequestLogEntry;

interface Context extends ServiceContext {
  broker: Broker;
}

const STAND_IN = 'Pub/Sub';
const EMPTY = {};

function publisherMethods(broker: Broker): Record<string, Unary> {
  return {
    CreateTopic: (req) => broker.createTopic(req),
    GetTopic: (req) => broker.getTopic(req.topic),
    DeleteTopic: (req) => {
      broker.deleteTopic(req.topic);
      return EMPTY;
    },
    // One page holds everything: the stand-in's collections are small.
    ListTopics: (req) => ({ topics: broker.listTopics(req.project), nextPageToken: '' }),
    ListTopicSubscriptions: (req) => ({
      subscriptions: broker.listTopicSubscriptions(req.topic),
      nextPageToken: '',
    }),
    Publish: (req) => ({ messageIds: broker.publish(req.topic, req.messages ?? []) }),
  };
}

function subscriberMethods(broker: Broker): Record<string, Unary> {
  return {
    CreateSubscription: (req) => broker.createSubscription(req),
    GetSubscription: (req) => broker.getSubscription(req.subscription),
    DeleteSubscription: (req) => {
      broker.deleteSubscription(req.subscription);
      return EMPTY;
    },
    ListSubscriptions: (req) => ({ subscriptions: broker.listSubscriptions(req.project), nextPageToken: '' }),
    // Answers at once with what is ready (possibly nothing) rather than holding the call open.
    Pull: (req) => ({ receivedMessages: broker.pull(req.subscription, Number(req.maxMessages)) }),
    Acknowledge: (req) => {
      broker.checkAckIds(req.subscription, req.ackIds ?? []);
      broker.acknowledge(req.subscription, req.ackIds ?? []);
      return EMPTY;
    },
    ModifyAckDeadline: (req) => {
      broker.checkAckIds(req.subscription, req.ackIds ?? []);
      broker.modifyAckDeadline(req.subscription, req.ackIds ?? [], Number(req.ackDeadlineSeconds));
      return EMPTY;
    },
  };
}

/**
 * StreamingPull: the first request names the subscription and opens a lease stream; later ones
 * carry acks, deadline changes and keep-alives (the Node client acks over unary RPCs, but other
 * clients use the stream).
 */
function streamingPull(ctx: Context): Grpc.handleBidiStreamingCall<Msg, Msg> {
  return (call) => {
    let handle: StreamHandle | undefined;
    let subscription: unknown;
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      handle?.detach();
      handle = undefined;
    };
    const fail = (status: Partial<Grpc.StatusObject>) => {
      if (ended) return;
      finish();
      call.emit('error', status);
    };
    const send = (receivedMessages: WireReceivedMessage[]) => {
      if (!ended) call.write({ receivedMessages });
    };

    call.on('data', (request: Msg) => {
      const fault = recordCall(ctx, 'StreamingPull', request);
      if (ended) return;
      try {
        if (!handle) {
          if (fault) return fail({ code: fault.code, details: fault.message });
          if (!request.subscription) {
            return fail({
              code: PUBSUB_STATUS_CODES.INVALID_ARGUMENT,
              details: 'The first StreamingPull request must name a subscription',
            });
          }
          subscription = request.subscription;
          handle = ctx.broker.attachStream(subscription, {
            deadlineSeconds: Number(request.streamAckDeadlineSeconds),
            maxOutstandingMessages: Number(request.maxOutstandingMessages ?? 0),
            send,
            fail: (code, details) => fail({ code, details }),
          });
        } else if (Number(request.streamAckDeadlineSeconds ?? 0) !== 0) {
          // proto3: 0 is the field left unset (a keep-alive), which leaves the deadline as it was.
          handle.setDeadline(Number(request.streamAckDeadlineSeconds));
        }
        const ackIds: string[] = request.ackIds ?? [];
        const modifyIds: string[] = request.modifyDeadlineAckIds ?? [];
        // A malformed ack id aborts the stream (the reference) before any of the request applies.
        ctx.broker.checkAckIds(subscription, [...ackIds, ...modifyIds]);
        if (ackIds.length > 0) ctx.broker.acknowledge(subscription, ackIds);
        if (modifyIds.length > 0) {
          const seconds: number[] = (request.modifyDeadlineSeconds ?? []).map(Number);
          ctx.broker.modifyAckDeadlines(subscription, modifyIds, seconds);
        }
      } catch (error) {
        fail(toStatus(error, STAND_IN));
      }
    });
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('close', finish);
  };
}

/**
 * Builds the implementations of every method of a service: ours where implemented, UNIMPLEMENTED
 * otherwise, each wrapped with logging and the fault plan. Must run before `addService`, which
 * copies the handlers.
 */
export function buildImplementation(
  ctx: Context,
  service: Grpc.ServiceDefinition,
  kind: 'publisher' | 'subscriber',
): Grpc.UntypedServiceImplementation {
  const impls = kind === 'publisher' ? publisherMethods(ctx.broker) : subscriberMethods(ctx.broker);
  const streams: Record<string, Grpc.handleBidiStreamingCall<Msg, Msg>> = kind === 'subscriber'
    ? { StreamingPull: streamingPull(ctx) }
    : {};
  return buildServiceImplementation(ctx, STAND_IN, service, impls, streams);
}
