/**
 * `npm run demo -- --trace`: registers the OpenTelemetry SDK (an in-memory span exporter, as an
 * application registers its own exporter), then prints one message's trace as an indented tree
 * (publish -> handle -> query and insert attempts, with the injected faults as `error.type`) and a
 * per-operation retry table built from the attempt spans.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

const KIND = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

export interface DemoTracing {
  /** The tree of the most eventful message trace, then the retry table. */
  report(): string[];
  stop(): Promise<void>;
}

/** Registers the SDK globally; every span the library makes from now on is kept in memory. */
export function startDemoTracing(): DemoTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return {
    report: () => {
      const spans = exporter.getFinishedSpans();
      return [...traceTree(spans), '', ...retryTable(spans)];
    },
    stop: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

const ms = (span: ReadableSpan) => Math.round(span.duration[0] * 1000 + span.duration[1] / 1e6);
const errorOf = (span: ReadableSpan) => span.attributes['error.type'] as string | undefined;

function describe(span: ReadableSpan): string {
  const parts = [span.name];
  const attempt = span.attributes['resilience.attempt.number'];
  if (attempt !== undefined) parts[0] = `${span.name} #${attempt}`;
  parts.push(KIND[span.kind] ?? '', `${ms(span)} ms`);
  const outcome = span.attributes['resilience.message_handler.outcome'];
  if (outcome !== undefined) parts.push(String(outcome));
  const rows = span.attributes['resilience.bigquery.row_count'];
  if (rows !== undefined) parts.push(`rows=${rows}`);
  const status = span.attributes['http.response.status_code'];
  if (status !== undefined) parts.push(`status=${status}`);
  parts.push(errorOf(span) ?? 'ok');
  const retries = span.events.filter((e) => e.name === 'retry').length;
  if (retries > 0) parts.push(`(${retries} retry event${retries > 1 ? 's' : ''})`);
  return parts.filter((p) => p !== '').join('  ');
}

/** The trace that starts with a publish and holds the most failed attempts, as an indented tree. */
function traceTree(spans: readonly ReadableSpan[]): string[] {
  const byTrace = new Map<string, ReadableSpan[]>();
  for (const span of spans) {
    const id = span.spanContext().traceId;
    byTrace.set(id, [...(byTrace.get(id) ?? []), span]);
  }
  let best: ReadableSpan[] | undefined;
  let bestScore = -1;
  for (const members of byTrace.values()) {
    if (!members.some((s) => s.kind === 3) || !members.some((s) => s.kind === 4)) continue;
    const score = members.filter((s) => errorOf(s) !== undefined).length * 100 + members.length;
    if (score > bestScore) {
      best = members;
      bestScore = score;
    }
  }
  if (best === undefined) return ['trace: no message trace was recorded'];
  const ids = new Set(best.map((s) => s.spanContext().spanId));
  const children = new Map<string, ReadableSpan[]>();
  const roots: ReadableSpan[] = [];
  for (const span of best) {
    const parent = span.parentSpanContext?.spanId;
    if (parent !== undefined && ids.has(parent))
      children.set(parent, [...(children.get(parent) ?? []), span]);
    else roots.push(span);
  }
  const start = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
  const lines = [`trace ${best[0]!.spanContext().traceId} (one message, publish to insert)`];
  const walk = (span: ReadableSpan, depth: number) => {
    lines.push(`${'  '.repeat(depth + 1)}${describe(span)}`);
    for (const child of (children.get(span.spanContext().spanId) ?? []).sort((a, b) => start(a) - start(b)))
      walk(child, depth + 1);
  };
  for (const root of roots.sort((a, b) => start(a) - start(b))) walk(root, 0);
  return lines;
}

/** Per operation: calls, attempts, retries and the error types that caused them, from the attempt spans. */
function retryTable(spans: readonly ReadableSpan[]): string[] {
  const rows = new Map<string, { calls: number; attempts: number; errors: Map<string, number> }>();
  for (const span of spans) {
    const isAttempt = span.attributes['resilience.attempt.number'] !== undefined;
    const op = isAttempt ? span.name.replace(/ attempt$/, '') : span.name.split(' ')[0]!;
    if (!isAttempt && span.kind !== 2) continue;
    const row = rows.get(op) ?? { calls: 0, attempts: 0, errors: new Map<string, number>() };
    rows.set(op, row);
    if (!isAttempt) {
      row.calls++;
      continue;
    }
    row.attempts++;
    const error = errorOf(span);
    if (error !== undefined) row.errors.set(error, (row.errors.get(error) ?? 0) + 1);
  }
  const header = ['operation', 'calls', 'attempts', 'retries', 'failed attempts by error.type'];
  const body = [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, r]) => [
      op,
      String(r.calls),
      String(r.attempts),
      String(Math.max(0, r.attempts - r.calls)),
      [...r.errors.entries()].map(([e, n]) => `${e}=${n}`).join(' ') || '-',
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return ['retries per operation (from the attempt spans):', line(header), ...body.map(line)];
}
