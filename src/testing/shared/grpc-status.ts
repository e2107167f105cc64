/**
 * gRPC status codes by name, as `google.rpc.Code` defines them. Kept here rather than read from
 * `@grpc/grpc-js` so that fault rules can be validated without loading the optional peer.
 */
export const GRPC_STATUS_CODES = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/**
 * The name of a gRPC status code, e.g. `'UNAVAILABLE'`, as the fault rules of every gRPC stand-in
 * (Pub/Sub, Cloud Logging, Cloud Monitoring) accept it.
 *
 * @example
 * ```ts
 * import type { GrpcStatusName } from 'gcp-pipeline-resilience/testing';
 * const code: GrpcStatusName = 'RESOURCE_EXHAUSTED';
 * ```
 */
export type GrpcStatusName = keyof typeof GRPC_STATUS_CODES;

const NAMES_BY_CODE = new Map<number, GrpcStatusName>(
  Object.entries(GRPC_STATUS_CODES).map(([name, code]) => [code, name as GrpcStatusName]),
);

/** The status name of a numeric code (`14` → `'UNAVAILABLE'`), or `undefined` if unknown. */
export function statusName(code: number): GrpcStatusName | undefined {
  return NAMES_BY_CODE.get(code);
}

/** Normalises a code given as a number or a name; throws a `TypeError` naming the bad value. */
export function toStatusCode(code: number | string): number {
  if (typeof code === 'number') {
    if (Number.isInteger(code) && NAMES_BY_CODE.has(code)) return code;
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
