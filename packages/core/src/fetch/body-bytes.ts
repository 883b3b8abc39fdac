// How the chunks handed to a response facade's write/end become a Web Response's body.

/** Statuses whose answer has no body (RFC 9110 §6.4.1); `Response` refuses one. */
export function hasNoBody(status: number): boolean {
  return status === 204 || status === 205 || status === 304 || status < 200;
}

/** What a chunk handed to `write`/`end` is as bytes or text a `Response` takes. */
export function toBody(chunk: unknown, encoding: BufferEncoding | undefined): string | Uint8Array {
  if (typeof chunk === "string") {
    return encoding === undefined || encoding === "utf8" || encoding === "utf-8" ? chunk : Buffer.from(chunk, encoding);
  }
  if (chunk instanceof Uint8Array) return chunk;
  return String(chunk);
}

/** Text to UTF-8 bytes, for a streamed body (a `ReadableStream` takes bytes). */
export const encoder = new TextEncoder();

/** The bytes a body takes on the wire. */
export function byteLength(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
}

/** A chunk as bytes, for a streamed body. */
export function toBytes(chunk: unknown, encoding: BufferEncoding | undefined): Uint8Array {
  const body = toBody(chunk, encoding);
  return typeof body === "string" ? encoder.encode(body) : body;
}
