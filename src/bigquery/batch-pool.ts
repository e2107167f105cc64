/**
 * Sends batches with at most `concurrency` in flight. Batches are made by `next()` only when a slot is
 * free (so a million rows are never all encoded at once) and in order, so a batch is always a range
 * after the ones made before it. No batch starts once `stopped()` says so; the ones in flight finish.
 * `send` records its batch's outcome itself and throws only to end the whole call (the caller's abort):
 * then no batch starts and that value is thrown once the batches in flight have settled.
 */
export async function sendBatches<B>(
  concurrency: number,
  next: () => B | undefined,
  send: (batch: B) => Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  let ended: { reason: unknown } | undefined;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (ended !== undefined || stopped()) return;
      try {
        const batch = next();
        if (batch === undefined) return;
        await send(batch);
      } catch (reason) {
        ended ??= { reason };
        return;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < concurrency; i++) workers.push(worker());
  await Promise.all(workers);
  if (ended !== undefined) throw ended.reason;
}

/** Checks a `concurrency` option: a positive integer; default 4. */
export function concurrencyOf(value: number | undefined, where: string): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (!(Number.isInteger(value) && value >= 1 && value <= MAX_CONCURRENCY)) {
    throw new RangeError(
      `${where}: concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Requests (insertAll) or jobs (loads) one call keeps in flight by default. Four hides most of a
 * 30 ms round trip at 500 rows per request (docs/decisions/bigquery.md) without crowding BigQuery's
 * per-table limits.
 */
export const DEFAULT_CONCURRENCY = 4;
/** A ceiling that keeps a typo (`concurrency: 4000`) from opening thousands of sockets. */
const MAX_CONCURRENCY = 64;
