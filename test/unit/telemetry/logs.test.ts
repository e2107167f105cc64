import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import { cloudLoggingLogger, REPORTED_ERROR_EVENT } from '../../../src/logging/index.js';
import {
  parseCloudTraceContext,
  parseTraceparent,
  traceParentFromHeaders,
} from '../../../src/telemetry/index.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

function capture() {
  const lines: string[] = [];
  const logger = cloudLoggingLogger({
    projectId: 'proj',
    serviceContext: { service: 'phase3', version: 'r1' },
    write: (line) => lines.push(line),
  });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, entries };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const pushBody = (data: unknown) => ({
  message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId: '7', attributes: {} },
  subscription: 'projects/proj/subscriptions/phase2-sub',
});
const good = { processor_name: 'BdlPlayerBoxscoresProcessor', game_date: '2026-01-23', record_count: 2 };

describe('logs linked to traces', () => {
  it('names the active span in logging.googleapis.com/trace, spanId and trace_sampled', () => {
    otel = registerOtel();
    const { logger, entries } = capture();
    let ids: { traceId: string; spanId: string } | undefined;
    trace.getTracer('t').startActiveSpan('job', (span) => {
      ids = span.spanContext();
      logger.info('inside');
      span.end();
    });
    logger.info('outside');
    const [inside, outside] = entries();
    expect(inside?.['logging.googleapis.com/trace']).toBe(`projects/proj/traces/${ids?.traceId}`);
    expect(inside?.['logging.googleapis.com/spanId']).toBe(ids?.spanId);
    expect(inside?.['logging.googleapis.com/trace_sampled']).toBe(true);
    expect(outside?.['logging.googleapis.com/trace']).toBeUndefined();
  });

  it('without an SDK, names the trace of the push request being handled (traceparent, then X-Cloud-Trace-Context)', async () => {
    const { logger, entries } = capture();
    const handler = createMessageHandler(Phase2CompletionMessage, () => logger.warn('working'), {
      onInvalid: 'nack',
    });
    await handler.push(pushBody(good), { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` });
    await handler.push(pushBody(good), { 'X-Cloud-Trace-Context': `${TRACE_ID}/17;o=0` });
    const [first, second] = entries();
    expect(first?.['logging.googleapis.com/trace']).toBe(`projects/proj/traces/${TRACE_ID}`);
    expect(first?.['logging.googleapis.com/spanId']).toBe('00f067aa0ba902b7');
    expect(second?.['logging.googleapis.com/trace']).toBe(`projects/proj/traces/${TRACE_ID}`);
    expect(second?.['logging.googleapis.com/spanId']).toBe((17).toString(16).padStart(16, '0'));
    expect(second?.['logging.googleapis.com/trace_sampled']).toBe(false);
  });

  it('writes error entries in the shape Error Reporting groups, with no cause and no field overwriting them', () => {
    const { logger, entries } = capture();
    const cause = new Error('token=abc123 inside the request');
    logger.error('gave up', {
      error: new ServiceUnavailableError('Backend error', { cause }),
      stack_trace: 'forged',
      '@type': 'forged',
    });
    logger.warn('not an error event', { error: new Error('x') });
    const [entry, warning] = entries();
    expect(entry?.['@type']).toBe(REPORTED_ERROR_EVENT);
    expect(entry?.serviceContext).toEqual({ service: 'phase3', version: 'r1' });
    const stack = entry?.stack_trace as string;
    expect(stack.split('\n')[0]).toBe('ServiceUnavailableError: Backend error');
    expect(stack.split('\n')[1]).toMatch(/^\s+at /);
    expect(JSON.stringify(entry)).not.toContain('abc123');
    expect(entry?.error).toMatchObject({ name: 'ServiceUnavailableError', message: 'Backend error' });
    expect(warning?.['@type']).toBeUndefined();
  });

  it('refuses malformed trace headers rather than inventing a trace', () => {
    expect(parseTraceparent(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent(`ff-${TRACE_ID}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent('00-xyz')).toBeUndefined();
    expect(parseCloudTraceContext('not-hex/1;o=1')).toBeUndefined();
    expect(
      traceParentFromHeaders({ traceparent: 'garbage', 'x-cloud-trace-context': `${TRACE_ID}/1;o=1` }),
    ).toMatchObject({
      traceId: TRACE_ID,
      sampled: true,
    });
  });
});
