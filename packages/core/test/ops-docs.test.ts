import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:http2";
import { fetchBytes } from "./support/bytes";
import { selfSignedCertificate } from "./support/tls";
import { aex as compressionApp } from "./docs/compression-app";
import { startSecure } from "./docs/http2-app";

describe("docs/compression.md", () => {
  beforeAll(() => compressionApp.start(0, "127.0.0.1"));
  afterAll(() => compressionApp.close());

  it("compresses /report and not /report/raw", async () => {
    const base = `http://127.0.0.1:${compressionApp.port}`;
    const zipped = await fetchBytes(base, "/report", { headers: { "accept-encoding": "br, gzip" } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers["content-encoding"]).toBe("br");
    expect(JSON.parse(zipped.body.toString()).rows).toHaveLength(200);
    const raw = await fetchBytes(base, "/report/raw", { headers: { "accept-encoding": "br, gzip" } });
    expect(raw.headers["content-encoding"]).toBeUndefined();
  });
});

describe("docs/http2.md", () => {
  it("serves HTTP/2 on 8443 (or says the port is taken)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aex-docs-tls-"));
    const { key, cert } = selfSignedCertificate();
    writeFileSync(join(dir, "key.pem"), key);
    writeFileSync(join(dir, "cert.pem"), cert);
    let aex;
    try {
      aex = await startSecure(join(dir, "key.pem"), join(dir, "cert.pem"));
    } catch (error) {
      // Another program holds 8443 on this machine: the snippet still ran.
      expect((error as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
      return;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const session = connect("https://localhost:8443", { ca: cert, host: "127.0.0.1" } as never);
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ":path": "/hello" });
      let text = "";
      stream.on("data", (chunk: Buffer) => (text += chunk));
      stream.on("end", () => resolve(text));
      stream.on("error", reject);
      stream.end();
    });
    session.close();
    await aex.close();
    expect(JSON.parse(body)).toEqual({ protocol: "2.0" });
  });
});
