import type { Table } from './stats.js';

/** How hard a section works: `full` for published numbers, `smoke` to check that it runs. */
export type Mode = 'full' | 'smoke';

/** A target from issue 6, checked against the figures of the same run. */
export interface Target {
  name: string;
  met: boolean;
  detail: string;
}

/** What one section returns: printed tables, raw figures for results.json, targets. */
export interface SectionResult {
  title: string;
  tables: Table[];
  figures: Record<string, unknown>;
  targets: Target[];
  /** Free text printed after the tables (findings, caveats). */
  notes?: string[];
}

/** One runnable section of `npm run bench`. */
export type Section = (mode: Mode) => Promise<SectionResult>;
