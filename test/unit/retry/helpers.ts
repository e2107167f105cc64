/** A small seeded PRNG (mulberry32): uniform in [0, 1), reproducible; the same one the stand-ins' fault plans use. */
export { mulberry32 as seeded } from '../../../src/testing/shared/prng.js';

export { type LogEntry, recordingLogger } from '../../helpers/recording-logger.js';

/** Lets pending promise callbacks run (no timers involved). */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Whether a promise has settled, without waiting for it. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    flush(20).then(() => marker),
  ]);
  return winner !== marker;
}
