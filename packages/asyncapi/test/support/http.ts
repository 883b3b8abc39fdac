import { request as httpRequest } from "node:http";
import type { Aex } from "@aex/core";

/** A response as a test reads it. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Starts `aex` on 127.0.0.1 with a free port; returns its base URL. */
export async function listen(aex: Aex): Promise<string> {
  await aex.start(0, "127.0.0.1");
  return `http://127.0.0.1:${aex.port}`;
}

/** Sends one request over a fresh connection and reads the whole answer. */
export function send(base: string, method: string, path: string): Promise<TestResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}
