/**
 * The GoogleSQL conformance suite in `npm test`: no wrong answer, at least 90% correct, and the
 * README's generated block matches this run.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { conformanceCases } from './cases/index.js';
import { currentBlock, readmeBlock } from './report.js';
import { type CaseOutcome, runConformanceSuite, type SuiteSummary } from './run-suite.js';

describe('GoogleSQL conformance suite (documented examples through the real client)', () => {
  let outcomes: CaseOutcome[];
  let summary: SuiteSummary;

  beforeAll(async () => {
    ({ outcomes, summary } = await runConformanceSuite(conformanceCases));
  }, 120_000);

  it('has at least 400 cases, each with a source page and an id of its own', () => {
    expect(conformanceCases.length).toBeGreaterThanOrEqual(400);
    expect(new Set(conformanceCases.map((c) => c.id)).size).toBe(conformanceCases.length);
    for (const c of conformanceCases) expect(c.source).toMatch(/^[a-z_-]+#[a-z0-9_]+$/);
  });

  it('gives no wrong answer', () => {
    const wrong = outcomes.filter((o) => o.verdict === 'wrong').map((o) => `${o.case.id}: ${o.detail}`);
    expect(wrong).toEqual([]);
  });

  it('answers at least 90% of the cases it runs correctly', () => {
    expect(summary.correctPercent).toBeGreaterThanOrEqual(90);
  });

  it('states an exclusion reason for every case it does not run', () => {
    for (const o of outcomes.filter((x) => x.verdict === 'excluded')) expect(o.detail).toBeTruthy();
  });

  it("keeps the README's figures and refused constructs up to date (npm run docs:conformance)", async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(currentBlock(readme)).toBe(readmeBlock(outcomes, summary));
  });
});
