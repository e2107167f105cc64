import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  GradingTriggerMessage,
  HealthSummaryRequest,
  Phase2CompletionMessage,
  Phase3AnalyticsMessage,
  Phase3CompletionMessage,
  parseMessage,
  ScraperAvailabilityRequest,
  ScraperCompletionMessage,
  SelfHealRequest,
} from '../../../src/validation/index.js';
import { issuePaths, validationErrorOf } from './helpers.js';

/** The table below holds schemas of different types; read their output as records. */
const parseRecord = (schema: z.ZodType, value: unknown) =>
  parseMessage(schema, value) as Record<string, unknown>;

interface SchemaSpec {
  name: string;
  schema: z.ZodType;
  /** The smallest message the original accepted. */
  minimal: Record<string, unknown>;
  /** What `minimal` parses to: every default of the original. */
  defaults: Record<string, unknown>;
  required: string[];
  /** Enum fields and their allowed values. */
  enums: Record<string, string[]>;
  counts: string[];
  dates: string[];
  /** Fields declared Optional[...] = None in the original. */
  nullable: string[];
}

const specs: SchemaSpec[] = [
  {
    name: 'Phase2CompletionMessage',
    schema: Phase2CompletionMessage,
    minimal: { processor_name: 'BdlPlayerBoxscoresProcessor', game_date: '2026-01-23' },
    defaults: {
      processor_name: 'BdlPlayerBoxscoresProcessor',
      game_date: '2026-01-23',
      phase: 'phase_2_raw',
      execution_id: null,
      correlation_id: null,
      output_table: null,
      output_dataset: null,
      status: 'success',
      record_count: 0,
      timestamp: null,
    },
    required: ['processor_name', 'game_date'],
    enums: { status: ['success', 'partial', 'failed', 'skipped'] },
    counts: ['record_count'],
    dates: ['game_date'],
    nullable: ['execution_id', 'correlation_id', 'output_table', 'output_dataset', 'timestamp'],
  },
  {
    name: 'Phase3CompletionMessage',
    schema: Phase3CompletionMessage,
    minimal: { processor_name: 'PlayerGameSummaryProcessor', game_date: '2026-01-23' },
    defaults: {
      processor_name: 'PlayerGameSummaryProcessor',
      game_date: '2026-01-23',
      phase: 'phase_3_analytics',
      execution_id: null,
      correlation_id: null,
      output_table: null,
      status: 'success',
      record_count: 0,
      metadata: null,
    },
    required: ['processor_name', 'game_date'],
    enums: { status: ['success', 'partial', 'failed', 'skipped'] },
    counts: ['record_count'],
    dates: ['game_date'],
    nullable: ['execution_id', 'correlation_id', 'output_table', 'metadata'],
  },
  {
    name: 'Phase3AnalyticsMessage',
    schema: Phase3AnalyticsMessage,
    minimal: { game_date: '2026-01-23' },
    defaults: {
      game_date: '2026-01-23',
      trigger_source: 'phase2_to_phase3',
      correlation_id: null,
      completed_processors: null,
    },
    required: ['game_date'],
    enums: {},
    counts: [],
    dates: ['game_date'],
    nullable: ['correlation_id', 'completed_processors'],
  },
  {
    name: 'ScraperCompletionMessage',
    schema: ScraperCompletionMessage,
    minimal: {
      scraper_name: 'bdl_player_boxscores',
      gcs_path: 'gs://nba-scraped-data/ball-dont-lie/boxscores/2026-01-23/20260124_041233.json',
      execution_id: 'a1b2c3d4',
      status: 'success',
    },
    defaults: {
      scraper_name: 'bdl_player_boxscores',
      gcs_path: 'gs://nba-scraped-data/ball-dont-lie/boxscores/2026-01-23/20260124_041233.json',
      execution_id: 'a1b2c3d4',
      status: 'success',
      game_date: null,
      record_count: null,
      triggered_at: null,
      recovery: false,
      recovery_reason: null,
      original_execution_id: null,
    },
    required: ['scraper_name', 'gcs_path', 'execution_id', 'status'],
    enums: { status: ['success', 'partial', 'failed'] },
    counts: ['record_count'],
    dates: ['game_date'],
    nullable: ['game_date', 'record_count', 'triggered_at', 'recovery_reason', 'original_execution_id'],
  },
  {
    name: 'GradingTriggerMessage',
    schema: GradingTriggerMessage,
    minimal: {},
    defaults: { target_date: 'yesterday', sport: 'nba', correlation_id: null },
    required: [],
    enums: { sport: ['nba', 'mlb'] },
    counts: [],
    dates: ['target_date'],
    nullable: ['correlation_id'],
  },
  {
    name: 'SelfHealRequest',
    schema: SelfHealRequest,
    minimal: {},
    defaults: { target_date: null, force_heal: false, skip_phase3: false },
    required: [],
    enums: {},
    counts: [],
    dates: ['target_date'],
    nullable: ['target_date'],
  },
  {
    name: 'ScraperAvailabilityRequest',
    schema: ScraperAvailabilityRequest,
    minimal: {},
    defaults: { date: null, send_alert: true },
    required: [],
    enums: {},
    counts: [],
    dates: ['date'],
    nullable: ['date'],
  },
  {
    name: 'HealthSummaryRequest',
    schema: HealthSummaryRequest,
    minimal: {},
    defaults: { target_date: null, send_slack: true },
    required: [],
    enums: {},
    counts: [],
    dates: ['target_date'],
    nullable: ['target_date'],
  },
];

describe.each(specs)('$name', (spec) => {
  it('accepts the smallest message of the original and fills in every default', () => {
    expect(parseRecord(spec.schema, spec.minimal)).toEqual(spec.defaults);
  });

  it('names itself in its error messages', () => {
    expect(validationErrorOf(spec.schema, 'not an object').message).toMatch(
      new RegExp(`^${spec.name}: 1 issue: `),
    );
  });

  it('drops unknown keys instead of rejecting them', () => {
    const parsed = parseRecord(spec.schema, { ...spec.minimal, added_by_a_newer_producer: 1 });
    expect(parsed).toEqual(spec.defaults);
    expect(parsed).not.toHaveProperty('added_by_a_newer_producer');
  });

  it('parses its own output to the same value (what publishValidated sends is valid)', () => {
    const once = parseRecord(spec.schema, spec.minimal);
    expect(parseRecord(spec.schema, JSON.parse(JSON.stringify(once)))).toEqual(once);
  });

  it.each(spec.required)('rejects a message without %s, naming the field', (field) => {
    const { [field]: _removed, ...rest } = spec.minimal;
    const error = validationErrorOf(spec.schema, rest);
    expect(error.issues).toHaveLength(1);
    // zod reports a missing enum as invalid_value and any other missing field as invalid_type.
    expect(error.issues[0]).toMatchObject({ path: [field], message: 'Required' });
    expect(['invalid_type', 'invalid_value']).toContain(error.issues[0]?.code);
    expect(error.transient).toBe(false);
  });

  it('lists every missing required field at once', () => {
    if (spec.required.length === 0) return expect(parseRecord(spec.schema, {})).toEqual(spec.defaults);
    expect(issuePaths(spec.schema, {})).toEqual(spec.required);
  });

  it.each(Object.entries(spec.enums))(
    'accepts each value of %s and rejects a value outside the set',
    (field, values) => {
      for (const value of values)
        expect(parseRecord(spec.schema, { ...spec.minimal, [field]: value })[field]).toBe(value);
      for (const bad of ['done', 'SUCCESS', '', 'skipped_not']) {
        if (values.includes(bad)) continue;
        const error = validationErrorOf(spec.schema, { ...spec.minimal, [field]: bad });
        expect(error.issues).toHaveLength(1);
        expect(error.issues[0]).toMatchObject({ path: [field], code: 'invalid_value' });
        expect(error.issues[0]?.message).toContain(`'${values[0]}'`);
      }
    },
  );

  it.each(spec.counts)('accepts 0 and large values of %s, rejects negative and fractional ones', (field) => {
    expect(parseRecord(spec.schema, { ...spec.minimal, [field]: 0 })[field]).toBe(0);
    expect(parseRecord(spec.schema, { ...spec.minimal, [field]: 1_250_000 })[field]).toBe(1_250_000);
    expect(validationErrorOf(spec.schema, { ...spec.minimal, [field]: -1 }).issues).toEqual([
      { path: [field], message: 'must be >= 0', code: 'too_small' },
    ]);
    expect(issuePaths(spec.schema, { ...spec.minimal, [field]: 2.5 })).toEqual([field]);
    expect(issuePaths(spec.schema, { ...spec.minimal, [field]: '12' })).toEqual([field]);
  });

  it.each(spec.dates)('accepts real dates in %s and rejects impossible or misshapen ones', (field) => {
    for (const good of ['2026-01-23', '2024-02-29', '2000-02-29', '2025-12-31']) {
      expect(parseRecord(spec.schema, { ...spec.minimal, [field]: good })[field]).toBe(good);
    }
    for (const bad of [
      '2026-02-30',
      '2026-13-45',
      '2025-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-1-5',
      '20260123',
      '2026-01-23T00:00:00Z',
      '',
    ]) {
      const error = validationErrorOf(spec.schema, { ...spec.minimal, [field]: bad });
      expect(error.issues.map((issue) => issue.path)).toEqual([[field]]);
      expect(error.issues[0]?.message).toContain('real calendar date');
    }
  });

  it.each(spec.nullable)('treats null in the Optional field %s as not given (None)', (field) => {
    expect(parseRecord(spec.schema, { ...spec.minimal, [field]: null })[field]).toBeNull();
    expect(parseRecord(spec.schema, { ...spec.minimal, [field]: undefined })[field]).toBeNull();
  });

  it('rejects values that are not objects', () => {
    for (const value of [null, [], 42, 'text', true]) {
      expect(validationErrorOf(spec.schema, value).issues[0]?.path).toEqual([]);
    }
  });
});

describe('Phase2CompletionMessage traffic', () => {
  it('keeps every field of a full message from a Phase 2 processor', () => {
    const full = {
      processor_name: 'BdlPlayerBoxscoresProcessor',
      game_date: '2026-01-23',
      phase: 'phase_2_raw',
      execution_id: '7f3c1b2e-9d41-4c55-a2b8-5e1f0c3d9a77',
      correlation_id: 'corr-20260124-0412',
      output_table: 'bdl_player_boxscores',
      output_dataset: 'nba_raw',
      status: 'partial',
      record_count: 240,
      timestamp: '2026-01-24T04:12:33.123456+00:00',
    };
    expect(parseMessage(Phase2CompletionMessage, full)).toEqual(full);
  });

  it('reads like the example of the spec when two things are wrong', () => {
    expect(
      validationErrorOf(Phase2CompletionMessage, { game_date: '2026-01-23', record_count: -1 }).message,
    ).toBe('Phase2CompletionMessage: 2 issues: processor_name: Required; record_count: must be >= 0');
  });

  it('rejects null where the original had a non-None default, as Pydantic did', () => {
    const minimal = { processor_name: 'p', game_date: '2026-01-23' };
    expect(issuePaths(Phase2CompletionMessage, { ...minimal, status: null })).toEqual(['status']);
    expect(issuePaths(Phase2CompletionMessage, { ...minimal, record_count: null })).toEqual(['record_count']);
    expect(issuePaths(Phase2CompletionMessage, { ...minimal, phase: null })).toEqual(['phase']);
  });

  it('rejects an empty processor name, which every consumer treated as missing', () => {
    expect(
      validationErrorOf(Phase2CompletionMessage, { processor_name: '', game_date: '2026-01-23' }).issues,
    ).toEqual([{ path: ['processor_name'], message: 'must not be empty', code: 'too_small' }]);
  });

  it('rejects non-string identifiers', () => {
    expect(
      issuePaths(Phase2CompletionMessage, { processor_name: 42, game_date: '2026-01-23', correlation_id: 7 }),
    ).toEqual(['processor_name', 'correlation_id']);
  });
});

describe('Phase3CompletionMessage traffic', () => {
  it('keeps a metadata object as sent', () => {
    const metadata = { rows_by_team: { LAL: 12 }, late: true };
    expect(
      parseMessage(Phase3CompletionMessage, { processor_name: 'p', game_date: '2026-01-23', metadata })
        .metadata,
    ).toEqual(metadata);
  });

  it('rejects metadata that is not an object', () => {
    expect(
      issuePaths(Phase3CompletionMessage, { processor_name: 'p', game_date: '2026-01-23', metadata: [1] }),
    ).toEqual(['metadata']);
  });

  it('has no output_dataset or timestamp: they are dropped like unknown keys', () => {
    const parsed = parseMessage(Phase3CompletionMessage, {
      processor_name: 'p',
      game_date: '2026-01-23',
      output_dataset: 'nba_analytics',
      timestamp: '2026-01-24T05:00:00Z',
    });
    expect(parsed).not.toHaveProperty('output_dataset');
    expect(parsed).not.toHaveProperty('timestamp');
  });
});

describe('Phase3AnalyticsMessage traffic', () => {
  it('keeps the list of completed processors', () => {
    const completed = ['bdl_player_boxscores', 'nbac_schedule', 'odds_api_game_lines'];
    expect(
      parseMessage(Phase3AnalyticsMessage, { game_date: '2026-01-23', completed_processors: completed }),
    ).toEqual({
      game_date: '2026-01-23',
      trigger_source: 'phase2_to_phase3',
      correlation_id: null,
      completed_processors: completed,
    });
  });

  it('names the element that is not a string', () => {
    const error = validationErrorOf(Phase3AnalyticsMessage, {
      game_date: '2026-01-23',
      completed_processors: ['a', 5],
    });
    expect(error.issues.map((issue) => issue.path)).toEqual([['completed_processors', 1]]);
    expect(error.message).toContain('completed_processors[1]: ');
  });
});

describe('ScraperCompletionMessage traffic', () => {
  it('keeps the recovery fields of a cleanup-processor republish', () => {
    const parsed = parseMessage(ScraperCompletionMessage, {
      scraper_name: 'nbac_gamebook_pdf',
      gcs_path: 'gs://nba-scraped-data/nba-com/gamebooks-pdf/2026-01-23/game.pdf',
      execution_id: 'recovery-1',
      status: 'partial',
      game_date: '2026-01-23',
      record_count: 0,
      triggered_at: '2026-01-24T06:00:00Z',
      recovery: true,
      recovery_reason: 'cleanup_processor',
      original_execution_id: 'a1b2c3d4',
    });
    expect(parsed).toMatchObject({ recovery: true, recovery_reason: 'cleanup_processor', record_count: 0 });
  });

  it("has no 'skipped' status and no default status", () => {
    const base = { scraper_name: 's', gcs_path: 'gs://b/p', execution_id: 'e' };
    expect(issuePaths(ScraperCompletionMessage, { ...base, status: 'skipped' })).toEqual(['status']);
    expect(validationErrorOf(ScraperCompletionMessage, base).issues[0]?.message).toBe('Required');
  });

  it('wants a real boolean for recovery (Pub/Sub producers send JSON booleans)', () => {
    const base = { scraper_name: 's', gcs_path: 'gs://b/p', execution_id: 'e', status: 'success' };
    expect(issuePaths(ScraperCompletionMessage, { ...base, recovery: 'true' })).toEqual(['recovery']);
  });
});

describe('GradingTriggerMessage traffic', () => {
  it.each(['today', 'yesterday', '2026-01-23'])('accepts target_date %s', (targetDate) => {
    expect(parseMessage(GradingTriggerMessage, { target_date: targetDate, sport: 'mlb' })).toEqual({
      target_date: targetDate,
      sport: 'mlb',
      correlation_id: null,
    });
  });

  it.each(['tomorrow', 'Today', 'YESTERDAY', 'today ', 'last week'])(
    'rejects target_date %j',
    (targetDate) => {
      const error = validationErrorOf(GradingTriggerMessage, { target_date: targetDate });
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]?.message).toBe(
        "must be 'today', 'yesterday' or a real calendar date (YYYY-MM-DD)",
      );
    },
  );
});

describe('HTTP requests', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['t', true],
    ['Y', true],
    [1, true],
    [true, true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['OFF', false],
    ['f', false],
    ['n', false],
    [0, false],
    [false, false],
  ])('reads the query-string boolean %j as %s, as Pydantic did', (input, expected) => {
    expect(parseMessage(SelfHealRequest, { force_heal: input }).force_heal).toBe(expected);
    expect(parseMessage(ScraperAvailabilityRequest, { send_alert: input }).send_alert).toBe(expected);
    expect(parseMessage(HealthSummaryRequest, { send_slack: input }).send_slack).toBe(expected);
  });

  it.each(['maybe', 'tru', '', 2, -1, null, []])('rejects the boolean %j', (input) => {
    expect(issuePaths(SelfHealRequest, { skip_phase3: input })).toEqual(['skip_phase3']);
  });

  it('takes a full self-heal request', () => {
    expect(
      parseMessage(SelfHealRequest, { target_date: '2026-01-22', force_heal: true, skip_phase3: 'yes' }),
    ).toEqual({
      target_date: '2026-01-22',
      force_heal: true,
      skip_phase3: true,
    });
  });
});
