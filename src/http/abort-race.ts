/**
 * A promise that rejects with the signal's reason once it aborts, and never resolves. An attempt
 * races the steps of a `fetch` that is not Node's own against it: such a `fetch` (a wrapper, a test
 * double, a client of its own) may ignore its signal, or hand out a body whose reads never settle, and
 * the attempt timeout must end the attempt anyway.
 */
export function rejectOnAbort(signal: AbortSignal): Promise<never> {
  const rejected = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  // Nobody may be racing it when the signal aborts.
  rejected.catch(() => {});
  return rejected;
}

/** `step`, unless `cut` rejects first (then its reason). Without `cut`, `step` itself. */
export function until<T>(step: Promise<T>, cut: Promise<never> | undefined): Promise<T> {
  return cut === undefined ? step : Promise.race([step, cut]);
}
