/**
 * The one table of what an HTTP status means to this package: the `code` and default retry decision of
 * its error class and its reason phrase, beside the status each gRPC code translates to. The Google
 * API error classes, the third-party HTTP error classes, the status-to-class lookup and the gRPC
 * rules all read it.
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
 * Every status this package names, one row each: `[status, reason phrase, code of its error class,
 * transient by default]`. The code is the phrase in upper snake case (`true`: 'Bad Request' ->
 * `'BAD_REQUEST'`) unless it is written out, and `''` for a status without a class of its own.
 * Rows rather than objects, and codes derived rather than written twice: the table ships with every
 * bundle that classifies errors.
 */
const ROWS: ReadonlyArray<readonly [status: number, text: string, code: string | true, transient: boolean]> =
  [
    [400, 'Bad Request', true, false],
    [401, 'Unauthorized', true, false],
    [403, 'Forbidden', true, false],
    [404, 'Not Found', true, false],
    [405, 'Method Not Allowed', '', false],
    [408, 'Request Timeout', true, true],
    [409, 'Conflict', true, false],
    [410, 'Gone', true, false],
    [412, 'Precondition Failed', true, false],
    [413, 'Payload Too Large', '', false],
    [422, 'Unprocessable Content', '', false],
    [429, 'Too Many Requests', true, true],
    [499, 'Client Closed Request', 'CANCELLED', false],
    [500, 'Internal Server Error', true, true],
    [501, 'Not Implemented', true, false],
    [502, 'Bad Gateway', true, true],
    [503, 'Service Unavailable', true, true],
    [504, 'Gateway Timeout', true, true],
    [505, 'HTTP Version Not Supported', '', false],
    [511, 'Network Authentication Required', '', false],
  ];

let byStatus: ReadonlyMap<number, StatusFacts> | undefined;

/** The facts of a status the table names, or `undefined`. Built on first use. */
export function statusFacts(status: number): StatusFacts | undefined {
  byStatus ??= new Map(
    ROWS.map(([row, text, written, transient]) => {
      const code = written === true ? text.toUpperCase().replaceAll(' ', '_') : written;
      return [row, code ? { text, code, transient } : { text, transient }];
    }),
  );
  return byStatus.get(status);
}

/**
 * The facts of `status` that its error class needs. Throws for a status without a class of its own:
 * a class is declared for a status only together with its row in the table.
 */
export function classFacts(status: number): Required<StatusFacts> {
  const facts = statusFacts(status);
  if (facts?.code === undefined) throw new Error(`No error class facts for HTTP ${status}`);
  return facts as Required<StatusFacts>;
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

/**
 * The HTTP status each gRPC code translates to, by code (`GRPC_STATUS_NAMES` order, as Google's
 * clients map them): OK none, CANCELLED 499, UNKNOWN 500, INVALID_ARGUMENT 400, DEADLINE_EXCEEDED
 * 504, NOT_FOUND 404, ALREADY_EXISTS 409, PERMISSION_DENIED 403, RESOURCE_EXHAUSTED 429,
 * FAILED_PRECONDITION 400, ABORTED 409, OUT_OF_RANGE 400, UNIMPLEMENTED 501, INTERNAL 500,
 * UNAVAILABLE 503, DATA_LOSS 500, UNAUTHENTICATED 401.
 */
const GRPC_HTTP_STATUS: readonly number[] = [
  0, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401,
];

/**
 * The status a gRPC code translates to, and what differs from that status's defaults: a
 * DEADLINE_EXCEEDED (4) is a `DeadlineExceededError` rather than a plain 504; ABORTED (10) is a
 * concurrency conflict (a transaction lost a race), for which trying again is the documented fix;
 * DATA_LOSS (15) means unrecoverable loss or corruption, which repeating the call cannot bring back.
 */
export function grpcRule(code: number): GrpcRule | undefined {
  const httpStatus = GRPC_HTTP_STATUS[code];
  if (!httpStatus) return undefined;
  return code === 4
    ? { httpStatus, deadline: true }
    : code === 10 || code === 15
      ? { httpStatus, transient: code === 10 }
      : { httpStatus };
}
