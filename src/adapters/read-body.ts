/** The raw body, or why it was not read. */
export type BodyReadResult =
  | { ok: true; bytes: Uint8Array<ArrayBuffer> }
  | { ok: false; reason: 'too-large' };

/**
 * Reads a request body up to `limit` bytes. A `Content-Length` over the limit
 * is refused before a byte is read; otherwise the stream is read chunk by
 * chunk and cancelled as soon as it passes the limit (a lying or absent
 * `Content-Length` cannot make us buffer more).
 *
 * @example
 * ```ts
 * const body = await readBodyWithin(request, 64 * 1024);
 * if (!body.ok) return new Response(null, { status: 413 });
 * ```
 */
export async function readBodyWithin(request: Request, limit: number): Promise<BodyReadResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, reason: 'too-large' };
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return { ok: false, reason: 'too-large' };
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]?.buffer instanceof ArrayBuffer) {
    return { ok: true, bytes: chunks[0] as Uint8Array<ArrayBuffer> };
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
