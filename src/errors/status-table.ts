/**
 * The one table of what an HTTP status means to this package: the `code` and default retry decision of
 * its error class, its reason phrase, and the gRPC codes that Google's clients translate to it. The
 * Google API error classes, the third-party HTTP error classes, the status-to-class lookup and the
 * gRPC rules all read it.
 * @module
 */

/**
 * The gRPC status names in code order (`google.rpc.Code`): the name of code `n` is at index `n`.
 * Exported from `gcp-pipeline-resilience/testing`, e.g. to name the code a request log recorded.
 *
 * @example
 * ```ts
 * const pubsub = await startPubSubStandIn();
 * pubsub.faults.add({ method: 'Publish', code: 'UNAVAILABLE', times: 1 });
 * // ... publish through pubsub.client(), then:
 * pubsub.requests.map((r) => (r.fault?.code === undefined ? 'OK' : GRPC_STATUS_NAMES[r.fault.code]));
 * ```
 */
export const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** A gRPC status name, e.g. `'UNAVAILABLE'`. */
export type GrpcCodeName = (typeof GRPC_STATUS_NAMES)[number];

/** How a gRPC code that maps to a status differs from the status's own defaults. */
export interface GrpcOverride {
  /** Overrides the status's default retry decision. */
  readonly transient?: boolean;
  /** The code is a deadline (the error is a `DeadlineExceededError`, not a plain 504). */
  readonly deadline?: true;
}

/** The facts of one HTTP status. */
export interface StatusFacts {
  /** The standard reason phrase. */
  readonly text: string;
  /** The `code` of the status's error class; statuses without a class of their own have none. */
  readonly code?: string;
  /** Whether an error of this status is worth retrying by default. */
  readonly transient: boolean;
  /** The gRPC codes that mean this status, with what differs for each. */
  readonly grpc?: Readonly<Partial<Record<GrpcCodeName, GrpcOverride>>>;
}

const NONE: GrpcOverride = {};

/** Every status this package names, by number. */
export const STATUS_TABLE: Readonly<Record<number, StatusFacts>> = {
  400: {
    text: 'Bad Request',
    code: 'BAD_REQUEST',
    transient: false,
    grpc: { INVALID_ARGUMENT: NONE, FAILED_PRECONDITION: NONE, OUT_OF_RANGE: NONE },
  },
  401: { text: 'Unauthorized', code: 'UNAUTHORIZED', transient: false, grpc: { UNAUTHENTICATED: NONE } },
  403: { text: 'Forbidden', code: 'FORBIDDEN', transient: false, grpc: { PERMISSION_DENIED: NONE } },
  404: { text: 'Not Found', code: 'NOT_FOUND', transient: false, grpc: { NOT_FOUND: NONE } },
  405: { text: 'Method Not Allowed', transient: false },
  408: { text: 'Request Timeout', code: 'REQUEST_TIMEOUT', transient: true },
  409: {
    text: 'Conflict',
    code: 'CONFLICT',
    transient: false,
    // ABORTED is a concurrency conflict (a transaction lost a race): trying again is the documented fix.
    grpc: { ALREADY_EXISTS: NONE, ABORTED: { transient: true } },
  },
  410: { text: 'Gone', code: 'GONE', transient: false },
  412: { text: 'Precondition Failed', code: 'PRECONDITION_FAILED', transient: false },
  413: { text: 'Payload Too Large', transient: false },
  422: { text: 'Unprocessable Content', transient: false },
  429: {
    text: 'Too Many Requests',
    code: 'TOO_MANY_REQUESTS',
    transient: true,
    grpc: { RESOURCE_EXHAUSTED: NONE },
  },
  499: { text: 'Client Closed Request', code: 'CANCELLED', transient: false, grpc: { CANCELLED: NONE } },
  500: {
    text: 'Internal Server Error',
    code: 'INTERNAL_SERVER_ERROR',
    transient: true,
    // DATA_LOSS means unrecoverable loss or corruption: repeating the call cannot bring the data back.
    grpc: { UNKNOWN: NONE, INTERNAL: NONE, DATA_LOSS: { transient: false } },
  },
  501: { text: 'Not Implemented', code: 'NOT_IMPLEMENTED', transient: false, grpc: { UNIMPLEMENTED: NONE } },
  502: { text: 'Bad Gateway', code: 'BAD_GATEWAY', transient: true },
  503: {
    text: 'Service Unavailable',
    code: 'SERVICE_UNAVAILABLE',
    transient: true,
    grpc: { UNAVAILABLE: NONE },
  },
  504: {
    text: 'Gateway Timeout',
    code: 'GATEWAY_TIMEOUT',
    transient: true,
    grpc: { DEADLINE_EXCEEDED: { deadline: true } },
  },
  505: { text: 'HTTP Version Not Supported', transient: false },
  511: { text: 'Network Authentication Required', transient: false },
};

/**
 * The facts of `status` that its error class needs. Throws for a status without a class of its own:
 * a class is declared for a status only together with its row in the table.
 */
export function classFacts(status: number): { code: string; transient: boolean; text: string } {
  const facts = STATUS_TABLE[status];
  if (facts?.code === undefined) throw new Error(`No error class facts for HTTP ${status}`);
  return { code: facts.code, transient: facts.transient, text: facts.text };
}

/** The reason phrase of an HTTP status, for messages; empty for a status the table does not name. */
export function statusText(status: number): string {
  return STATUS_TABLE[status]?.text ?? '';
}

/**
 * Whether an HTTP status is worth retrying by default: the table's answer for a status it names;
 * otherwise any other 5xx is, and nothing else.
 */
export function isTransientStatus(status: number): boolean {
  const facts = STATUS_TABLE[status];
  if (facts) return facts.transient;
  return status >= 500 && status < 600;
}

/** What a gRPC code translates to. */
export interface GrpcRule {
  httpStatus: number;
  transient?: boolean;
  deadline?: boolean;
}

let rulesByCode: ReadonlyMap<number, GrpcRule> | undefined;

/** The status a gRPC code translates to, and what differs from that status's defaults. */
export function grpcRule(code: number): GrpcRule | undefined {
  rulesByCode ??= buildGrpcRules();
  return rulesByCode.get(code);
}

// Built on first use, so importing the errors layer does no work a bundler must keep.
function buildGrpcRules(): ReadonlyMap<number, GrpcRule> {
  const rules = new Map<number, GrpcRule>();
  for (const [status, facts] of Object.entries(STATUS_TABLE)) {
    for (const [name, override] of Object.entries(facts.grpc ?? {})) {
      const code = GRPC_STATUS_NAMES.indexOf(name as GrpcCodeName);
      rules.set(code, { httpStatus: Number(status), ...override });
    }
  }
  return rules;
}
