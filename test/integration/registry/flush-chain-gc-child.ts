// Run by flush-chain-gc.test.ts with --expose-gc: a tracker flushed many times must not keep the
// results of its earlier flushes (each may hold an error with its cause). Prints whether the first
// flush's result, dropped by the caller, is still reachable after later flushes and collections.
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { fakeClock, MemoryExecutor } from '../../unit/registry/memory-executor.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const tracker = new UnresolvedPlayerTracker({
  executor: new MemoryExecutor(),
  sport: 'mlb',
  source: 'pitcher_strikeouts_predictor',
  env: {},
  flushOnExit: false,
  clock: fakeClock(),
});
/** Five flushes; the first one's result is dropped at once, as a caller that ignores it does. */
async function flushes(): Promise<WeakRef<object>> {
  tracker.track('player0', 'pitcher');
  const first = new WeakRef(await tracker.flush());
  for (let i = 1; i < 5; i++) {
    tracker.track(`player${i}`, 'pitcher');
    await tracker.flush();
  }
  return first;
}
const first = await flushes();
// deref() keeps its target until the end of the job that called it: asked only once, after the collections.
for (let i = 0; i < 5; i++) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 10));
}
process.stdout.write(JSON.stringify({ firstResultKept: first.deref() !== undefined }));
process.exit(0);
