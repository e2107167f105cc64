import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  GradingTriggerMessage,
  HealthSummaryRequest,
  isCalendarDate,
  Phase2CompletionMessage,
  Phase3AnalyticsMessage,
  Phase3CompletionMessage,
  parseMessage,
  ScraperAvailabilityRequest,
  ScraperCompletionMessage,
  SelfHealRequest,
  toJsonSchema,
} from '../../../src/validation/index.js';

// strict: every keyword zod emits must be one draft 2020-12 knows; `date` is checked by our own rule.
const ajv = new Ajv2020({ strict: true, allErrors: true, formats: { date: isCalendarDate } });

interface Samples {
  schema: z.ZodType;
  valid: unknown[];
  invalid: unknown[];
}

const samples: Record<string, Samples> = {
  Phase2CompletionMessage: {
    schema: Phase2CompletionMessage,
    valid: [
      { processor_name: 'p', game_date: '2026-01-23' },
      {
        processor_name: 'p',
        game_date: '2024-02-29',
        status: 'skipped',
        record_count: 0,
        execution_id: null,
        extra: 1,
      },
    ],
    invalid: [
      {},
      { processor_name: 'p', game_date: '2026-02-30' },
      { processor_name: 'p', game_date: '2026-01-23', record_count: -1 },
      { processor_name: 'p', game_date: '2026-01-23', record_count: 1.5 },
      { processor_name: 'p', game_date: '2026-01-23', status: 'done' },
      { processor_name: 'p', game_date: '2026-01-23', status: null },
      { processor_name: '', game_date: '2026-01-23' },
      [],
    ],
  },
  Phase3CompletionMessage: {
    schema: Phase3CompletionMessage,
    valid: [{ processor_name: 'p', game_date: '2026-01-23', metadata: { a: [1] } }],
    invalid: [{ processor_name: 'p', game_date: '2026-01-23', metadata: 'x' }, { game_date: '2026-01-23' }],
  },
  Phase3AnalyticsMessage: {
    schema: Phase3AnalyticsMessage,
    valid: [
      { game_date: '2026-01-23', completed_processors: ['a'] },
      { game_date: '2026-01-23', completed_processors: null },
    ],
    invalid: [{ game_date: '2026-01-23', completed_processors: [1] }, { game_date: '2025-02-29' }],
  },
  ScraperCompletionMessage: {
    schema: ScraperCompletionMessage,
    valid: [
      { scraper_name: 's', gcs_path: 'gs://b/o', execution_id: 'e', status: 'failed', record_count: null },
    ],
    invalid: [
      { scraper_name: 's', gcs_path: 'gs://b/o', execution_id: 'e' },
      { scraper_name: 's', gcs_path: 'gs://b/o', execution_id: 'e', status: 'skipped' },
      { scraper_name: 's', gcs_path: 'gs://b/o', execution_id: 'e', status: 'success', recovery: 'yes' },
    ],
  },
  GradingTriggerMessage: {
    schema: GradingTriggerMessage,
    valid: [{}, { target_date: 'today', sport: 'mlb' }, { target_date: '2026-01-23' }],
    invalid: [{ target_date: 'tomorrow' }, { target_date: '2026-13-45' }, { sport: 'nhl' }],
  },
  SelfHealRequest: {
    schema: SelfHealRequest,
    valid: [{}, { target_date: '2026-01-23', force_heal: 'TRUE', skip_phase3: 0 }],
    invalid: [{ force_heal: 'maybe' }, { target_date: '2026-02-30' }, { skip_phase3: 2 }],
  },
  ScraperAvailabilityRequest: {
    schema: ScraperAvailabilityRequest,
    valid: [{ date: null, send_alert: 'off' }],
    invalid: [{ date: '26-01-23' }, { send_alert: null }],
  },
  HealthSummaryRequest: {
    schema: HealthSummaryRequest,
    valid: [{ send_slack: false }],
    invalid: [{ send_slack: 'nope' }],
  },
};

describe.each(Object.entries(samples))('toJsonSchema(%s)', (name, { schema, valid, invalid }) => {
  const json = toJsonSchema(schema);
  const validate = ajv.compile(json);

  it('is a draft 2020-12 schema with the title of the message', () => {
    expect(json.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(json.title).toBe(name);
    expect(json.type).toBe('object');
  });

  it('does not reject unknown keys, like the schema', () => {
    expect(json.additionalProperties).not.toBe(false);
  });

  it.each(valid.map((sample) => [JSON.stringify(sample), sample]))(
    'accepts %s, as parseMessage does',
    (_label, sample) => {
      expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
      expect(() => parseMessage(schema, sample)).not.toThrow();
    },
  );

  it.each(invalid.map((sample) => [JSON.stringify(sample), sample]))(
    'rejects %s, as parseMessage does',
    (_label, sample) => {
      expect(validate(sample)).toBe(false);
      expect(() => parseMessage(schema, sample)).toThrow();
    },
  );

  it('accepts the parsed output of every valid sample (what publishValidated sends)', () => {
    for (const sample of valid)
      expect(validate(JSON.parse(JSON.stringify(parseMessage(schema, sample))))).toBe(true);
  });
});

describe('toJsonSchema details', () => {
  it('lists the required fields and the defaults of the original', () => {
    const json = toJsonSchema(Phase2CompletionMessage) as {
      required: string[];
      properties: Record<string, { default?: unknown; minimum?: number; enum?: unknown[] }>;
    };
    expect(json.required).toEqual(['processor_name', 'game_date']);
    expect(json.properties.status).toMatchObject({
      default: 'success',
      enum: ['success', 'partial', 'failed', 'skipped'],
    });
    expect(json.properties.record_count).toMatchObject({ default: 0, minimum: 0 });
    expect(json.properties.phase).toMatchObject({ default: 'phase_2_raw' });
  });

  it("describes the parsed value with io: 'output' (every field present)", () => {
    const json = toJsonSchema(GradingTriggerMessage, { io: 'output' }) as { required: string[] };
    expect(json.required).toEqual(['target_date', 'sport', 'correlation_id']);
  });

  it('writes $id when asked', () => {
    const json = toJsonSchema(GradingTriggerMessage, { id: 'https://example.com/grading.json' });
    expect(json.$id).toBe('https://example.com/grading.json');
    expect(Object.keys(json).slice(0, 2)).toEqual(['$schema', '$id']);
  });
});
