// Run by live-body-gc.test.ts with --expose-gc: streamed responses dropped unread, or after one read,
// against the HTTP stand-in, and one whose body alone is kept and read to its end; prints the host's in-flight count before and after collections.
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { startHttpStandIn } from '../../../src/testing/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const api = await startHttpStandIn({ routes: [{ method: 'GET', path: '/big', body: 'x'.repeat(4096) }] });
api.faults.add({ path: '/big', slowBody: { intervalMs: 20, chunkBytes: 64 } });
const hosts = new HttpHostRegistry({ maxConcurrent: 1 });
const host = new URL(api.url).host;
const inFlight = () => hosts.states()[host]?.inFlight;

async function drop(read: boolean): Promise<void> {
  const response = await resilientFetch(`${api.url}/big`, undefined, {
    hosts,
    bufferBody: false,
    deadlineMs: 10_000,
  });
  if (read) await response.body?.getReader().read();
}

const out: Record<string, [number | undefined, number | undefined]> = {};
for (const read of [false, true]) {
  await drop(read);
  const before = inFlight();
  for (let i = 0; i < 20 && inFlight() !== 0; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  out[read ? 'readOnce' : 'unread'] = [before, inFlight()];
}
// Only the body kept (`const { body } = await resilientFetch(...)`): the response is collectable at
// once, but the slot is held while the body is read, and given back at its end.
{
  const { body } = await resilientFetch(`${api.url}/big`, undefined, {
    hosts,
    bufferBody: false,
    deadlineMs: 10_000,
  });
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const whileReading = new Set<number | undefined>();
  for (;;) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
    whileReading.add(inFlight());
    if ((await reader.read()).done) break;
  }
  out.bodyKept = [Math.min(...(whileReading as Set<number>)), inFlight()];
}
process.stdout.write(JSON.stringify(out));
await api.close().catch(() => {});
process.exit(0);
