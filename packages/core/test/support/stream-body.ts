import { request as httpRequest } from "node:http";

/** What a client that keeps sending a large body read back. */
export interface StreamedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Errors the client met (EPIPE, ECONNRESET…) while sending or reading. */
  errors: string[];
}

/**
 * Sends `total` bytes of `fill` in 64 KiB chunks (respecting backpressure) after `head`,
 * the way a browser uploads, and reads the answer; chunked unless `contentLength`.
 * Resolves once the answer was read and the request finished or failed.
 */
export function streamBody(
  base: string,
  path: string,
  options: { contentType: string; total: number; contentLength?: boolean; head?: string; tail?: string },
): Promise<StreamedAnswer> {
  const url = new URL(base);
  const head = Buffer.from(options.head ?? "");
  const tail = Buffer.from(options.tail ?? "");
  const size = head.length + options.total + tail.length;
  const headers: Record<string, string> = { "content-type": options.contentType };
  if (options.contentLength === true) headers["content-length"] = String(size);
  return new Promise((resolve, reject) => {
    const errors: string[] = [];
    let answer: Omit<StreamedAnswer, "errors"> | null = null;
    let sent = false;
    const settle = () => {
      if (answer !== null && sent) resolve({ ...answer, errors });
    };
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: "POST", path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => errors.push((error as NodeJS.ErrnoException).code ?? error.message));
        res.on("end", () => {
          answer = { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") };
          settle();
        });
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      errors.push(error.code ?? error.message);
      if (answer === null) reject(error);
      else {
        sent = true;
        settle();
      }
    });
    // A client stops sending once it read a `Connection: close` answer (node destroys the request).
    req.on("close", () => {
      sent = true;
      settle();
    });
    const chunk = Buffer.alloc(64 * 1024, options.contentType.includes("json") ? " " : "a");
    let left = options.total;
    req.write(head);
    const pump = () => {
      while (left > 0 && !req.destroyed) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!req.destroyed) req.end(tail);
    };
    pump();
  });
}
