/**
 * Child process of the BigQuery bench's memory figure: builds N small rows, then measures the resident
 * memory `executor.insertRows` adds while it sends them to the stand-in running in the parent.
 * Usage: node --import tsx --expose-gc insert-memory-child.ts <endpoint> <projectId> <rows>
 * Prints one JSON line: { rows, jsonBytes, rssStart, rssBefore, rssPeak, heapBefore, heapPeak, inserted }.
 */
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { BigQueryExecutor } from '../../src/index.js';

const [endpoint, projectId, count] = process.argv.slice(2);
const n = Number(count);

const gc0 = (globalThis as { gc?: () => void }).gc;
gc0?.();
/** The process before the rows exist: node, the client, the executor's modules. */
const rssStart = process.memoryUsage.rss();
const rows = Array.from({ length: n }, (_, id) => ({ id, name: `player-${id}` }));
let jsonBytes = 0;
for (const row of rows) jsonBytes += Buffer.byteLength(JSON.stringify(row));

const client = new BigQuery({ projectId, apiEndpoint: endpoint, authClient: new PassThroughClient() });
const executor = new BigQueryExecutor({ client, projectId });
gc0?.();
gc0?.();
const rssBefore = process.memoryUsage.rss();
const heapBefore = process.memoryUsage().heapUsed;
let rssPeak = rssBefore;
let heapPeak = heapBefore;
const sample = () => {
  const m = process.memoryUsage();
  rssPeak = Math.max(rssPeak, m.rss);
  heapPeak = Math.max(heapPeak, m.heapUsed);
};
const sampler = setInterval(sample, 5);
const { inserted } = await executor.insertRows('bench.memory', rows);
clearInterval(sampler);
sample();
console.log(
  JSON.stringify({ rows: n, jsonBytes, rssStart, rssBefore, rssPeak, heapBefore, heapPeak, inserted }),
);
