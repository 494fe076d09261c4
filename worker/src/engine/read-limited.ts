/**
 * Reading a body stream with a byte limit checked while streaming: a peer's Content-Length is not trusted
 * alone, and an over-large body is cancelled as soon as it passes the limit instead of being buffered.
 * Used for outbound answers (httpRequest node) and incoming webhook bodies.
 */

/** All bytes of `stream` (empty for null), or `tooLarge()` thrown once more than `limit` bytes arrive. */
export async function readUpTo(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
