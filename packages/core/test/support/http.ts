import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import type { Aex } from "@aex/core";

/** A response as a test reads it. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

/**
 * Starts `aex` on 127.0.0.1 with a free port; returns its base URL. `transport: "node"` for
 * tests of node:http's own server (its timeouts, its parser), which on Bun is not the default.
 */
export async function listen(aex: Aex, transport?: "node" | "bun"): Promise<string> {
  await aex.start(0, { host: "127.0.0.1", transport });
  return `http://127.0.0.1:${aex.port}`;
}

/** Sends one HTTP request over a fresh connection and reads the whole answer. */
export function send(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<TestResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** GET shortcut of {@link send}. */
export function get(base: string, path: string, headers?: Record<string, string>): Promise<TestResponse> {
  return send(base, "GET", path, { headers });
}

/**
 * Writes raw bytes to the server and returns everything it answers before closing.
 * Send `Connection: close`; the socket is not half-closed, since node drops a request
 * whose client half-closes before the answer.
 */
export function raw(base: string, bytes: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
