import type * as Grpc from '@grpc/grpc-js';
import type { Broker, StreamHandle, WireReceivedMessage } from './broker.js';
import type { FaultPlan, PubSubInjectedFault } from './faults.js';
import { PUBSUB_STATUS_CODES, RpcStatusError } from './status.js';

/**
 * One RPC the stand-in received. For StreamingPull every inbound stream request is one entry.
 *
 * @example
 * ```ts
 * const publishes = standIn.requests.filter((r) => r.method === 'Publish');
 * expect(publishes.map((r) => r.fault?.code)).toEqual([14, 14, undefined]);
 * ```
 */
export interface PubSubRequestLogEntry {
  /** The RPC's name as in `pubsub.proto`: `'Publish'`, `'StreamingPull'`, `'Acknowledge'`, ... */
  method: string;
  /** The decoded request message (proto-loader objects: camelCase fields, int64 as strings, bytes as Buffer). */
  request: Readonly<Record<string, unknown>>;
  /** Set when a fault rule answered this call instead of the stand-in. */
  fault?: PubSubInjectedFault;
}

// biome-ignore lint/suspicious/noExplicitAny: proto-loader messages are untyped objects
type Msg = Record<string, any>;
type Unary = (request: Msg) => Msg;

interface Context {
  broker: Broker;
  faults: FaultPlan;
  requests: PubSubRequestLogEntry[];
}

function record(ctx: Context, method: string, request: Msg): PubSubInjectedFault | undefined {
  const entry: PubSubRequestLogEntry = { method, request };
  ctx.requests.push(entry);
  const fault = ctx.faults.take(method);
  if (fault) entry.fault = fault;
  return fault;
}

function toStatus(error: unknown): Partial<Grpc.StatusObject> {
  if (error instanceof RpcStatusError) return { code: error.code, details: error.details };
  const message = error instanceof Error ? error.message : String(error);
  return { code: PUBSUB_STATUS_CODES.INTERNAL, details: `Pub/Sub stand-in error: ${message}` };
}

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
      broker.acknowledge(req.subscription, req.ackIds ?? []);
      return EMPTY;
    },
    ModifyAckDeadline: (req) => {
      broker.modifyAckDeadline(req.subscription, req.ackIds ?? [], Number(req.ackDeadlineSeconds));
      return EMPTY;
    },
  };
}

function unaryHandler(ctx: Context, method: string, impl: Unary | undefined): Grpc.handleUnaryCall<Msg, Msg> {
  return (call, callback) => {
    const fault = record(ctx, method, call.request);
    if (fault) return callback({ code: fault.code, details: fault.message });
    if (!impl) {
      return callback({
        code: PUBSUB_STATUS_CODES.UNIMPLEMENTED,
        details: `${method} is not implemented by the Pub/Sub stand-in`,
      });
    }
    try {
      callback(null, impl(call.request));
    } catch (error) {
      callback(toStatus(error));
    }
  };
}

function unimplementedStream(ctx: Context, method: string): Grpc.handleBidiStreamingCall<Msg, Msg> {
  return (call) => {
    call.once('data', (request: Msg) => {
      const fault = record(ctx, method, request);
      call.emit(
        'error',
        fault
          ? { code: fault.code, details: fault.message }
          : { code: PUBSUB_STATUS_CODES.UNIMPLEMENTED, details: `${method} is not implemented` },
      );
    });
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
      const fault = record(ctx, 'StreamingPull', request);
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
        } else if (Number(request.streamAckDeadlineSeconds) > 0) {
          handle.setDeadline(Number(request.streamAckDeadlineSeconds));
        }
        const ackIds: string[] = request.ackIds ?? [];
        if (ackIds.length > 0) ctx.broker.acknowledge(subscription, ackIds);
        const modifyIds: string[] = request.modifyDeadlineAckIds ?? [];
        if (modifyIds.length > 0) {
          const seconds: number[] = (request.modifyDeadlineSeconds ?? []).map(Number);
          ctx.broker.modifyAckDeadlines(subscription, modifyIds, seconds);
        }
      } catch (error) {
        fail(toStatus(error));
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
  const implementation: Grpc.UntypedServiceImplementation = {};
  for (const [rpc, method] of Object.entries(service)) {
    if (rpc === 'StreamingPull') {
      implementation[rpc] = streamingPull(ctx);
    } else if (method.requestStream || method.responseStream) {
      implementation[rpc] = unimplementedStream(ctx, rpc);
    } else {
      implementation[rpc] = unaryHandler(ctx, rpc, impls[rpc]);
    }
  }
  return implementation;
}

/** Every RPC name of the two services, for validating fault rules. */
export function methodNames(...services: Grpc.ServiceDefinition[]): string[] {
  return services.flatMap((service) => Object.keys(service));
}
