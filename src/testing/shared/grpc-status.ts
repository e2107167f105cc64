import { GRPC_STATUS_NAMES } from '../../errors/status-table.js';

export { GRPC_STATUS_NAMES };
/**
 * gRPC status codes by name, as `google.rpc.Code` defines them, derived from the errors layer's one
 * list so that fault rules can be validated without loading the optional peer `@grpc/grpc-js`.
 */
export const GRPC_STATUS_CODES = Object.freeze(
  Object.fromEntries(GRPC_STATUS_NAMES.map((name, code) => [name, code])),
) as Readonly<Record<GrpcStatusName, number>>;

/**
 * The name of a gRPC status code, e.g. `'UNAVAILABLE'`, as the fault rules of every gRPC stand-in
 * (Pub/Sub, Cloud Logging, Cloud Monitoring) accept it.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn, type GrpcStatusName } from 'gcp-pipeline-resilience/testing';
 * const pubsub = await startPubSubStandIn();
 * const failPublish = (code: GrpcStatusName) => pubsub.faults.add({ method: 'Publish', code, times: 1 });
 * failPublish('RESOURCE_EXHAUSTED');
 * ```
 */
export type GrpcStatusName = (typeof GRPC_STATUS_NAMES)[number];

/** The status name of a numeric code (`14` → `'UNAVAILABLE'`), or `undefined` if unknown. */
export function statusName(code: number): GrpcStatusName | undefined {
  return GRPC_STATUS_NAMES[code];
}

/** Normalizes a code given as a number or a name; throws a `TypeError` naming the bad value. */
export function toStatusCode(code: number | string): number {
  if (typeof code === 'number') {
    if (Number.isInteger(code) && GRPC_STATUS_NAMES[code] !== undefined) return code;
    throw new TypeError(`Unknown gRPC status code ${code}: expected an integer from 0 to 16`);
  }
  const key = code.toUpperCase();
  if (Object.hasOwn(GRPC_STATUS_CODES, key)) return GRPC_STATUS_CODES[key as GrpcStatusName];
  throw new TypeError(
    `Unknown gRPC status name '${code}': expected one of ${Object.keys(GRPC_STATUS_CODES).join(', ')}`,
  );
}

/**
 * An error carrying a gRPC status; grpc-js turns `{ code, details }` into the status the client
 * sees, so handlers can simply throw it.
 */
export class RpcStatusError extends Error {
  readonly code: number;
  readonly details: string;
  constructor(code: number, details: string) {
    super(details);
    this.name = 'RpcStatusError';
    this.code = code;
    this.details = details;
  }
}

/** Shorthand for throwing a status from a handler. */
export function rpcError(name: GrpcStatusName, details: string): RpcStatusError {
  return new RpcStatusError(GRPC_STATUS_CODES[name], details);
}
