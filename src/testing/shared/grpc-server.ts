import type * as Grpc from '@grpc/grpc-js';
import { messageOf } from '../../shared/message-of.js';
import type { FaultPlan, GrpcInjectedFault } from './grpc-faults.js';
import { GRPC_STATUS_CODES, RpcStatusError } from './grpc-status.js';

/**
 * One RPC a gRPC stand-in received. For a streaming RPC every inbound stream request is one entry.
 *
 * @example
 * ```ts
 * import { startLoggingStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startLoggingStandIn();
 * const lists = standIn.requests.filter((r) => r.method === 'ListLogEntries');
 * console.log(lists.map((r) => r.fault?.code));
 * ```
 */
export interface GrpcRequestLogEntry {
  /** The RPC's name as in the service's proto: `'Publish'`, `'WriteLogEntries'`, `'ListTimeSeries'`, ... */
  method: string;
  /** The decoded request message (proto-loader objects: camelCase fields, int64 as strings, bytes as Buffer). */
  request: Readonly<Record<string, unknown>>;
  /** Set when a fault rule answered this call instead of the stand-in. */
  fault?: GrpcInjectedFault;
}

// biome-ignore lint/suspicious/noExplicitAny: proto-loader messages are untyped objects
export type Msg = Record<string, any>;
/** A unary implementation: returns the response or throws an `RpcStatusError`. */
export type Unary = (request: Msg) => Msg;

/** What every handler of a stand-in shares: its fault plan and its request log. */
export interface ServiceContext {
  faults: FaultPlan;
  requests: GrpcRequestLogEntry[];
}

/** Logs the request and asks the fault plan whether to fail it. */
export function recordCall(ctx: ServiceContext, method: string, request: Msg): GrpcInjectedFault | undefined {
  const entry: GrpcRequestLogEntry = { method, request };
  ctx.requests.push(entry);
  const fault = ctx.faults.take(method);
  if (fault) entry.fault = fault;
  return fault;
}

/** The gRPC status for anything a handler threw: its own status, or INTERNAL naming the stand-in. */
export function toStatus(error: unknown, standIn: string): Partial<Grpc.StatusObject> {
  if (error instanceof RpcStatusError) return { code: error.code, details: error.details };
  const message = messageOf(error);
  return { code: GRPC_STATUS_CODES.INTERNAL, details: `${standIn} stand-in error: ${message}` };
}

function unaryHandler(
  ctx: ServiceContext,
  standIn: string,
  method: string,
  impl: Unary | undefined,
): Grpc.handleUnaryCall<Msg, Msg> {
  return (call, callback) => {
    const fault = recordCall(ctx, method, call.request);
    if (fault && !(fault.served && impl)) return callback({ code: fault.code, details: fault.message });
    if (fault && impl) {
      // A lost answer: the call takes effect (or fails on its own), and the client hears the status.
      try {
        impl(call.request);
      } catch {
        // What the call would have answered is lost with the answer.
      }
      return callback({ code: fault.code, details: fault.message });
    }
    if (!impl) {
      return callback({
        code: GRPC_STATUS_CODES.UNIMPLEMENTED,
        details: `${method} is not implemented by the ${standIn} stand-in`,
      });
    }
    try {
      callback(null, impl(call.request));
    } catch (error) {
      callback(toStatus(error, standIn));
    }
  };
}

/** A streaming RPC the stand-in does not serve: logged, fault-injectable, else UNIMPLEMENTED. */
export function unimplementedStream(
  ctx: ServiceContext,
  standIn: string,
  method: string,
): Grpc.handleBidiStreamingCall<Msg, Msg> {
  return (call) => {
    call.once('data', (request: Msg) => {
      const fault = recordCall(ctx, method, request);
      call.emit(
        'error',
        fault
          ? { code: fault.code, details: fault.message }
          : {
              code: GRPC_STATUS_CODES.UNIMPLEMENTED,
              details: `${method} is not implemented by the ${standIn} stand-in`,
            },
      );
    });
  };
}

/**
 * The implementations of every method of a service: `impls` where given, UNIMPLEMENTED otherwise,
 * each wrapped with logging and the fault plan. `streams` supplies streaming handlers by name. Must
 * run before `addService`, which copies the handlers.
 */
export function buildServiceImplementation(
  ctx: ServiceContext,
  standIn: string,
  service: Grpc.ServiceDefinition,
  impls: Record<string, Unary>,
  streams: Record<string, Grpc.handleBidiStreamingCall<Msg, Msg>> = {},
): Grpc.UntypedServiceImplementation {
  const implementation: Grpc.UntypedServiceImplementation = {};
  for (const [rpc, method] of Object.entries(service)) {
    const stream = streams[rpc];
    if (stream) implementation[rpc] = stream;
    else if (method.requestStream || method.responseStream)
      implementation[rpc] = unimplementedStream(ctx, standIn, rpc);
    else implementation[rpc] = unaryHandler(ctx, standIn, rpc, impls[rpc]);
  }
  return implementation;
}

/** Every RPC name of the services, for validating fault rules. */
export function methodNames(...services: Grpc.ServiceDefinition[]): string[] {
  return services.flatMap((service) => Object.keys(service));
}

/** Binds `server` to 127.0.0.1 (`port` 0: any free port) without TLS; resolves to the port. */
export function bindLoopback(grpc: typeof Grpc, server: Grpc.Server, port = 0): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
}
