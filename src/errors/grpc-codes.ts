import { GRPC_STATUS_NAMES } from './status-table.js';

/** Parses the `"14 UNAVAILABLE: details"` prefix grpc-js puts on its messages. */
export function parseGrpcMessage(message: string): { code: number; details: string } | undefined {
  const match = /^(\d{1,2}) ([A-Z_]+): ?([\s\S]*)$/.exec(message);
  if (!match) return undefined;
  const code = Number(match[1]);
  if (GRPC_STATUS_NAMES[code] !== match[2]) return undefined;
  return { code, details: match[3] ?? '' };
}
