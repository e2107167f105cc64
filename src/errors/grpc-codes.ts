/** The gRPC status names by code (google/rpc/code.proto). */
export const GRPC_STATUS_NAMES: readonly string[] = [
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
];

/**
 * How each gRPC code maps onto the per-status classes: the canonical HTTP status (code.proto), plus the
 * retry decision where it differs from the class default. DEADLINE_EXCEEDED is singled out because it has
 * its own class.
 */
export interface GrpcRule {
  httpStatus: number;
  transient?: boolean;
  deadline?: boolean;
}

const RULES: Readonly<Record<number, GrpcRule>> = {
  1: { httpStatus: 499 },
  2: { httpStatus: 500 },
  3: { httpStatus: 400 },
  4: { httpStatus: 504, deadline: true },
  5: { httpStatus: 404 },
  6: { httpStatus: 409 },
  7: { httpStatus: 403 },
  8: { httpStatus: 429 },
  9: { httpStatus: 400 },
  // ABORTED is a concurrency conflict (a transaction lost a race): trying again is the documented fix.
  10: { httpStatus: 409, transient: true },
  11: { httpStatus: 400 },
  12: { httpStatus: 501 },
  13: { httpStatus: 500 },
  14: { httpStatus: 503 },
  // DATA_LOSS means unrecoverable loss or corruption: repeating the call cannot bring the data back.
  15: { httpStatus: 500, transient: false },
  16: { httpStatus: 401 },
};

/** The rule for a gRPC code 1..16, or `undefined` for OK and codes outside the enum. */
export function grpcRule(code: number): GrpcRule | undefined {
  return RULES[code];
}

/** Parses the `"14 UNAVAILABLE: details"` prefix grpc-js puts on its messages. */
export function parseGrpcMessage(message: string): { code: number; details: string } | undefined {
  const match = /^(\d{1,2}) ([A-Z_]+): ?([\s\S]*)$/.exec(message);
  if (!match) return undefined;
  const code = Number(match[1]);
  if (GRPC_STATUS_NAMES[code] !== match[2]) return undefined;
  return { code, details: match[3] ?? '' };
}
