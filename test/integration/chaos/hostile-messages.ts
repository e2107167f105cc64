/**
 * Messages a broken or hostile producer sends (published raw, bypassing `publishValidated`), each
 * with whether the handler must process it or dead-letter it. Seeded: the same seed gives the same
 * bytes.
 */
import { malformedMessages } from '../../../examples/demo-data.js';
import { mulberry32 } from '../../../src/testing/index.js';

export interface HostileMessage {
  label: string;
  data: Buffer;
  /** `processed`: valid after all (extra keys are dropped); `dead_lettered`: can never succeed. */
  expect: 'processed' | 'dead_lettered';
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export function hostileMessages(seed: number, validDate: string): HostileMessage[] {
  const random = mulberry32(seed * 31 + 7);
  const junk = Buffer.from(Array.from({ length: 512 }, () => Math.floor(random() * 256)));
  return [
    ...malformedMessages().map((m) => ({ ...m, expect: 'dead_lettered' as const })),
    { label: 'empty data', data: Buffer.alloc(0), expect: 'dead_lettered' },
    { label: 'binary junk', data: junk, expect: 'dead_lettered' },
    { label: 'invalid UTF-8', data: Buffer.from([0x7b, 0xff, 0xfe, 0x22, 0x7d]), expect: 'dead_lettered' },
    { label: 'a JSON array', data: json([1, 2, 3]), expect: 'dead_lettered' },
    { label: 'JSON null', data: Buffer.from('null'), expect: 'dead_lettered' },
    { label: 'JSON nested 3,000 deep', data: Buffer.from(nested(3_000)), expect: 'dead_lettered' },
    {
      label: '1 MB of whitespace after a valid-looking prefix',
      data: Buffer.from(`{"processor_name": "x", "game_date": ${' '.repeat(1024 * 1024)}`),
      expect: 'dead_lettered',
    },
    {
      label: 'prototype pollution without the required fields',
      data: Buffer.from(
        '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
      ),
      expect: 'dead_lettered',
    },
    {
      label: 'a valid completion wrapped in hostile extra keys',
      data: Buffer.from(
        `{"__proto__": {"polluted": true}, "processor_name": "MlbPlayerGameLinesProcessor", "game_date": "${validDate}", "unexpected": {"deep": [1, {"x": null}]}}`,
      ),
      expect: 'processed',
    },
    {
      label: 'a completion for a date with no raw lines',
      data: json({ processor_name: 'MlbPlayerGameLinesProcessor', game_date: '2026-01-01' }),
      expect: 'processed',
    },
  ];
}
