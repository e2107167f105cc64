/**
 * `ListTimeSeries` paging: `page_size` counts points in the FULL view and series in the HEADERS view
 * (100 000 when unset or larger); a series with more points than fit is split, the same series
 * continuing on the next page with its older points; `page_token` must be a `next_page_token` this
 * stand-in returned for the same request.
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

/** Where a page starts: a series, and the first of its points not sent yet. */
interface Position {
  series: number;
  point: number;
}

function tokenFor(request: Msg, at: Position): string {
  return Buffer.from(JSON.stringify({ o: at.series, p: at.point, r: fingerprint(request) })).toString(
    'base64url',
  );
}

function positionOf(request: Msg): Position {
  const token = request.pageToken;
  if (token === undefined || token === null || token === '') return { series: 0, point: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const { o, p, r } = (parsed ?? {}) as { o?: unknown; p?: unknown; r?: unknown };
  if (
    !Number.isSafeInteger(o) ||
    (o as number) < 0 ||
    !Number.isSafeInteger(p) ||
    (p as number) < 0 ||
    typeof r !== 'string'
  ) {
    throw rpcError('INVALID_ARGUMENT', 'page_token: not a next_page_token this service returned');
  }
  if (r !== fingerprint(request)) {
    throw rpcError(
      'INVALID_ARGUMENT',
      'page_token: it was returned for a different request (name, filter, interval, aggregation and view must stay the same across pages)',
    );
  }
  return { series: o as number, point: p as number };
}

/**
 * The page of `series` the request asks for, and the token of the next one ('' on the last). In the
 * FULL view a page holds at most `page_size` points: a series that does not fit is cut, its newer
 * points here and the rest (the same series, the same labels) first on the next page, as the API does;
 * a series without points takes one place. In the HEADERS view a page holds `page_size` series.
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
  let { series: index, point } = positionOf(request);
  const page: Series[] = [];
  let used = 0;
  while (index < series.length && used < size) {
    const whole = series[index]!;
    if (headersOnly || whole.points.length === 0) {
      page.push(whole);
      used += 1;
      index += 1;
      point = 0;
      continue;
    }
    const taken = whole.points.slice(point, point + (size - used));
    page.push(taken.length === whole.points.length ? whole : { ...whole, points: taken });
    used += taken.length;
    point += taken.length;
    if (point >= whole.points.length) {
      index += 1;
      point = 0;
    }
  }
  return {
    page,
    nextPageToken: index < series.length ? tokenFor(request, { series: index, point }) : '',
  };
}
