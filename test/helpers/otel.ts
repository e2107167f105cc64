import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type DataPoint, MeterProvider, type MetricData, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** A metric reader the test collects from on demand. */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** The OpenTelemetry SDK registered globally with in-memory exporters, as an application would. */
export interface OtelHarness {
  readonly exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  /** Spans by name (several when there are several). */
  named(name: string): ReadableSpan[];
  children(parent: ReadableSpan): ReadableSpan[];
  metric(name: string): Promise<MetricData | undefined>;
  points(name: string): Promise<DataPoint<unknown>[]>;
  /** Unregisters everything (the API's globals are process-wide). */
  stop(): Promise<void>;
}

export function registerOtel(
  options: { exporter?: SpanExporter; tracing?: boolean; metrics?: boolean } = {},
): OtelHarness {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(options.exporter ?? exporter)],
  });
  if (options.tracing !== false) trace.setGlobalTracerProvider(tracerProvider);
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  if (options.metrics !== false) metrics.setGlobalMeterProvider(meterProvider);
  const spans = () => exporter.getFinishedSpans();
  const collect = async () => (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  return {
    exporter,
    spans,
    named: (name) => spans().filter((s) => s.name === name),
    children: (parent) => spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId),
    metric: async (name) => (await collect()).find((m) => m.descriptor.name === name),
    points: async (name) =>
      ((await collect()).find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<unknown>[],
    stop: async () => {
      trace.disable();
      metrics.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export type { ReadableSpan };
