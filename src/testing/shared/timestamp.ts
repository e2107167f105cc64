/** `google.protobuf.Timestamp` as proto-loader reads and writes it (int64 seconds as a string). */
export interface WireTimestamp {
  seconds: string | number;
  nanos?: number;
}

/** A `Date` as a wire timestamp. */
export function toWireTimestamp(date: Date): { seconds: string; nanos: number } {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** A wire timestamp as a `Date` (millisecond precision), or `undefined` when it is absent or zero. */
export function fromWireTimestamp(value: WireTimestamp | null | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Number(value.seconds) * 1000 + Math.floor((value.nanos ?? 0) / 1_000_000);
  return ms > 0 && Number.isFinite(ms) ? new Date(ms) : undefined;
}
