/**
 * `ListTimeSeries` paging: `page_size` counts points in the FULL view and series in the HEADERS view
 * (100 000 when unset or larger); `page_token` must be a `next_page_token` this stand-in returned for
 * the same request.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Msg } from '../shared/grpc-server.js';
import { rpcError } from '../shared/grpc-status.js';

/** Cloud Monitoring's largest (and default) page. */
const MAX_PAGE_SIZE = 100_000;

/** What identifies a request across its pages: every field but the page's own. */
function fingerprint(request: Msg): string {
  const { pageSize: _size, pageToken: _token, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url').slice(0, 16);
}

function tokenFor(request: Msg, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, r: fingerprint(request) })).toString('base64url');
}

function offsetOf(request: Msg): number {
  const token = request.pageToken;
  if (token === undefined || token === null || token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const { o, r } = (parsed ?? {}) as { o?: unknown; r?: unknown };
  if (!Number.isSafeInteger(o) || (o as number) < 0 || typeof r !== 'string') {
    throw rpcError('INVALID_ARGUMENT', 'page_token: not a next_page_token this service returned');
  }
  if (r !== fingerprint(request)) {
    throw rpcError(
      'INVALID_ARGUMENT',
      'page_token: it was returned for a different request (name, filter, interval, aggregation and view must stay the same across pages)',
    );
  }
  return o as number;
}

/**
 * The page of `series` the request asks for, and the token of the next one ('' on the last). A page
 * holds whole series (at least one) whose points, or whose count in the HEADERS view, fit the page size.
 */
export function pageOf<Series extends { points: unknown[] }>(
  request: Msg,
  series: Series[],
  headersOnly: boolean,
): { page: Series[]; nextPageToken: string } {
  const requested = Number(request.pageSize ?? 0);
  if (!Number.isInteger(requested) || requested < 0) {
    throw rpcError('INVALID_ARGUMENT', `page_size must be a positive number, got ${request.pageSize}`);
  }
  const size = requested === 0 ? MAX_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
  const offset = offsetOf(request);
  const page: Series[] = [];
  let used = 0;
  for (let i = offset; i < series.length; i++) {
    const weight = headersOnly ? 1 : Math.max(1, series[i]!.points.length);
    if (page.length > 0 && used + weight > size) break;
    page.push(series[i]!);
    used += weight;
  }
  const next = offset + page.length;
  return { page, nextPageToken: next < series.length ? tokenFor(request, next) : '' };
}
