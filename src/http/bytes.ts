/** Joins chunks read from a stream into one buffer of `total` bytes. */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, total - at);
    out.set(part, at);
    at += part.byteLength;
    if (at >= total) break;
  }
  return out;
}
