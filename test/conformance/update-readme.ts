/**
 * `npm run docs:conformance`: runs the conformance suite and rewrites the README's generated block
 * (figures and refused constructs).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { conformanceCases } from './cases/index.js';
import { readmeBlock, withBlock } from './report.js';
import { runConformanceSuite } from './run-suite.js';

const readmePath = new URL('../../README.md', import.meta.url);
const { outcomes, summary } = await runConformanceSuite(conformanceCases);
const readme = await readFile(readmePath, 'utf8');
await writeFile(readmePath, withBlock(readme, readmeBlock(outcomes, summary)));
console.log(
  `README.md: ${summary.correct}/${summary.run} correct, ${summary.refused} refused, ${summary.wrong} wrong`,
);
if (summary.wrong > 0) process.exitCode = 1;
