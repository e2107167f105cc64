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
 * import { GRPC_STATUS_NAMES, startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
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

/** The facts of one HTTP status. */
export interface StatusFacts {
  /** The standard reason phrase. */
  readonly text: string;
  /** The `code` of the status's error class; statuses without a class of their own have none. */
  readonly code?: string;
  /** Whether an error of this status is worth retrying by default. */
  readonly transient: boolean;
}

/**
 * Every status this package names, one row each: `[status, reason phrase, code of its error class
 * ('' for a status without a class of its own), transient by default, the gRPC codes that mean it]`.
 * A gRPC code may say how it differs from its status: `:transient` or `:permanent` overrides the
 * retry default, `:deadline` makes the error a `DeadlineExceededError` rather than a plain 504.
 * Rows rather than objects: the table ships with every bundle that classifies errors.
 */
const ROWS: ReadonlyArray<
  readonly [status: number, text: string, code: string, transient: boolean, grpc?: string]
> = [
  [400, 'Bad Request', 'BAD_REQUEST', false, 'INVALID_ARGUMENT FAILED_PRECONDITION OUT_OF_RANGE'],
  [401, 'Unauthorized', 'UNAUTHORIZED', false, 'UNAUTHENTICATED'],
  [403, 'Forbidden', 'FORBIDDEN', false, 'PERMISSION_DENIED'],
  [404, 'Not Found', 'NOT_FOUND', false, 'NOT_FOUND'],
  [405, 'Method Not Allowed', '', false],
  [408, 'Request Timeout', 'REQUEST_TIMEOUT', true],
  // ABORTED is a concurrency conflict (a transaction lost a race): trying again is the documented fix.
  [409, 'Conflict', 'CONFLICT', false, 'ALREADY_EXISTS ABORTED:transient'],
  [410, 'Gone', 'GONE', false],
  [412, 'Precondition Failed', 'PRECONDITION_FAILED', false],
  [413, 'Payload Too Large', '', false],
  [422, 'Unprocessable Content', '', false],
  [429, 'Too Many Requests', 'TOO_MANY_REQUESTS', true, 'RESOURCE_EXHAUSTED'],
  [499, 'Client Closed Request', 'CANCELLED', false, 'CANCELLED'],
  // DATA_LOSS means unrecoverable loss or corruption: repeating the call cannot bring the data back.
  [500, 'Internal Server Error', 'INTERNAL_SERVER_ERROR', true, 'UNKNOWN INTERNAL DATA_LOSS:permanent'],
  [501, 'Not Implemented', 'NOT_IMPLEMENTED', false, 'UNIMPLEMENTED'],
  [502, 'Bad Gateway', 'BAD_GATEWAY', true],
  [503, 'Service Unavailable', 'SERVICE_UNAVAILABLE', true, 'UNAVAILABLE'],
  [504, 'Gateway Timeout', 'GATEWAY_TIMEOUT', true, 'DEADLINE_EXCEEDED:deadline'],
  [505, 'HTTP Version Not Supported', '', false],
  [511, 'Network Authentication Required', '', false],
];

let byStatus: ReadonlyMap<number, StatusFacts> | undefined;

/** The facts of a status the table names, or `undefined`. Built on first use. */
export function statusFacts(status: number): StatusFacts | undefined {
  byStatus ??= new Map(
    ROWS.map(([row, text, code, transient]) => [row, code ? { text, code, transient } : { text, transient }]),
  );
  return byStatus.get(status);
}

/**
 * The facts of `status` that its error class needs. Throws for a status without a class of its own:
 * a class is declared for a status only together with its row in the table.
 */
export function classFacts(status: number): { code: string; transient: boolean; text: string } {
  const facts = statusFacts(status);
  if (facts?.code === undefined) throw new Error(`No error class facts for HTTP ${status}`);
  return { code: facts.code, transient: facts.transient, text: facts.text };
}

/** The reason phrase of an HTTP status, for messages; empty for a status the table does not name. */
export function statusText(status: number): string {
  return statusFacts(status)?.text ?? '';
}

/**
 * Whether an HTTP status is worth retrying by default: the table's answer for a status it names;
 * otherwise any other 5xx is, and nothing else.
 */
export function isTransientStatus(status: number): boolean {
  const facts = statusFacts(status);
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
  for (const [httpStatus, , , , grpc] of ROWS) {
    for (const entry of grpc?.split(' ') ?? []) {
      const [name, how] = entry.split(':');
      const rule: GrpcRule = { httpStatus };
      if (how === 'deadline') rule.deadline = true;
      else if (how !== undefined) rule.transient = how === 'transient';
      rules.set(GRPC_STATUS_NAMES.indexOf(name as GrpcCodeName), rule);
    }
  }
  return rules;
}
