/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts: a call that does not
 * listen to the signal (a gRPC call in flight, a channel that ignores it) cannot hold its caller past
 * the abort. `work` itself goes on; only the wait for it ends. Internal: not exported from the package.
 */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    // The work still runs: a rejection of it nobody waits for must not end the process.
    work.catch(() => undefined);
    throw signal.reason;
  }
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    work.catch(() => undefined);
  }
}
