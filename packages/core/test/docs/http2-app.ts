import { readFileSync } from "node:fs";
import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";

class Hello {
  @get("/hello")
  hello(req: AexRequest, res: AexResponse) {
    res.json({ protocol: req.httpVersion });
  }
}

export async function startSecure(keyFile: string, certFile: string): Promise<Aex> {
  const aex = new Aex().push(Hello);
  await aex.start(8443, {
    host: "127.0.0.1",
    tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) },
    http2: true, // HTTP/1.1 clients still work on the same port
  });
  return aex;
}
