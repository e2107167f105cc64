/**
 * `npm run bench -- fidelity`: the BigQuery stand-in's GoogleSQL fidelity. The conformance suite
 * (documented examples of the GoogleSQL reference through the real client) gives correct / refused /
 * wrong; with `PIPELINE_SQL_DIR` set to a checkout of a pipeline's SQL (named in the table by
 * `PIPELINE_NAME`), the section also reports how many of its statements the stand-in accepts
 * (pipeline-acceptance.ts).
 */
import { basename } from 'node:path';
import { conformanceCases } from '../../test/conformance/cases/index.js';
import { refusedConstructs } from '../../test/conformance/report.js';
import { runConformanceSuite } from '../../test/conformance/run-suite.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import type { Table } from '../lib/stats.js';
import {
  measurePipelineAcceptance,
  type StatementKind,
  type StatementOutcome,
} from './pipeline-acceptance.js';

const KINDS: StatementKind[] = ['CREATE TABLE', 'VIEW', 'ALTER', 'other DDL', 'DML', 'query'];

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;
}

function acceptanceTable(
  outcomes: StatementOutcome[],
  dir: string,
): { table: Table; figures: Record<string, unknown> } {
  const count = (kind: StatementKind | undefined, fate: StatementOutcome['fate']) =>
    outcomes.filter((o) => (kind === undefined || o.kind === kind) && o.fate === fate).length;
  const rows = [...KINDS, undefined].map((kind) => {
    const accepted = count(kind, 'accepted');
    const refused = count(kind, 'refused');
    return [
      kind ?? '**all**',
      String(accepted + refused + count(kind, 'missing table') + count(kind, 'template or parameter')),
      String(accepted),
      String(refused),
      String(count(kind, 'missing table')),
      String(count(kind, 'template or parameter')),
      percent(accepted, accepted + refused),
    ];
  });
  const accepted = count(undefined, 'accepted');
  const refused = count(undefined, 'refused');
  return {
    table: {
      title: `Pipeline statements accepted (${dir})`,
      headers: [
        'Statements',
        'total',
        'accepted',
        'refused (400)',
        'missing table',
        'template / parameter',
        'accepted of decided',
      ],
      rows,
      note: 'accepted of decided = accepted / (accepted + refused): statements naming a table no file creates, and templates or parameters without values, decide nothing.',
    },
    figures: {
      statements: outcomes.length,
      accepted,
      refused,
      acceptedPercent: Number(percent(accepted, accepted + refused).replace('%', '')),
    },
  };
}

/**
 * The fidelity section.
 *
 * @example
 * ```ts
 * const result = await fidelity('full');
 * ```
 */
export async function fidelity(_mode: Mode): Promise<SectionResult> {
  const { outcomes, summary } = await runConformanceSuite(conformanceCases);
  const tables: Table[] = [
    {
      title: 'GoogleSQL conformance suite (documented examples, real client, one stand-in)',
      headers: ['cases', 'run', 'correct', 'refused (400)', 'wrong', 'excluded', 'correct of run'],
      rows: [
        [
          String(summary.total),
          String(summary.run),
          String(summary.correct),
          String(summary.refused),
          String(summary.wrong),
          String(summary.excluded),
          `${summary.correctPercent}%`,
        ],
      ],
    },
  ];
  const refused = refusedConstructs(outcomes);
  const figures: Record<string, unknown> = {
    conformance: {
      ...summary,
      refusedConstructs: refused.map((r) => ({ construct: r.construct, cases: r.cases.length })),
    },
  };
  const notes = [
    `Refused constructs: ${refused.map((r) => `${r.construct} (${r.cases.length})`).join('; ')}.`,
  ];
  const dir = process.env.PIPELINE_SQL_DIR;
  if (dir) {
    const acceptance = acceptanceTable(
      await measurePipelineAcceptance(dir),
      process.env.PIPELINE_NAME ?? basename(dir),
    );
    tables.push(acceptance.table);
    figures.pipeline = acceptance.figures;
  } else {
    notes.push('Pipeline acceptance not measured: set PIPELINE_SQL_DIR to a directory of .sql files.');
  }
  const targets: Target[] = [
    { name: 'wrong = 0', met: summary.wrong === 0, detail: `${summary.wrong} wrong` },
    {
      name: '>= 90% of the cases correct',
      met: summary.correctPercent >= 90,
      detail: `${summary.correctPercent}%`,
    },
  ];
  return { title: 'BigQuery stand-in fidelity', tables, figures, targets, notes };
}
