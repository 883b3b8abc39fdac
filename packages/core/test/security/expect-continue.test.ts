import { connect } from "node:net";
import { Aex, AexBunServer, body, post, type AexRequest, type AexResponse, type ScopeWith } from "@aex/core";
import { listen } from "../support/http";

// `Expect: 100-continue` (RFC 9110 §10.1.1): the client waits for `100 Continue` before it
// sends the body. Aex says it only when something reads the body, so a request refused first
// (413 by its Content-Length, a guard's 401) never makes the client send it.

class Uploads {
  @post("/notes")
  @body("json", { limit: "1kb" })
  create(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: { title: string } }>) {
    res.status(201).json({ title: scope.body.title });
  }

  @post("/private")
  refuse(_req: AexRequest, res: AexResponse) {
    res.status(401).json({ code: "LOGIN_FIRST" });
  }

  @post("/raw")
  async raw(req: AexRequest, res: AexResponse) {
    let size = 0;
    for await (const chunk of req) size += (chunk as Buffer).length;
    res.json({ size });
  }
}

/** Sends the head, waits for the server's first answer, sends the body if it said 100, reads to the end. */
function expectContinue(base: string, path: string, body: string, declared = body.length): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () =>
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n` +
          "Expect: 100-continue\r\nConnection: close\r\n\r\n",
      ),
    );
    let text = "";
    let sent = false;
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (!sent && text.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
        sent = true;
        socket.write(body);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
  });
}

describe("Expect: 100-continue", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Uploads);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("says 100 Continue when the body is read, then answers", async () => {
    const text = await expectContinue(base, "/notes", JSON.stringify({ title: "go on" }));
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 Created\r\n/);
    expect(text).toContain('{"title":"go on"}');
  });

  // Bun.serve says 100 Continue itself as soon as the head arrived, before Aex sees the request.
  const said = () => (aex.server instanceof AexBunServer ? "HTTP/1.1 100 Continue\r\n\r\n" : "");

  it("regression: refuses a body over the limit by its Content-Length with 413, never saying 100", async () => {
    const text = await expectContinue(base, "/notes", "", 10 * 1024 * 1024);
    expect(text.startsWith(`${said()}HTTP/1.1 413 Payload Too Large\r\n`)).toBe(true);
    expect(text.split("100 Continue")).toHaveLength(said() === "" ? 1 : 2);
    expect(text).toContain('"code":"AEX_BODY_TOO_LARGE"');
  });

  it("regression: a route that answers without reading the body never says 100", async () => {
    const text = await expectContinue(base, "/private", "{}");
    expect(text.startsWith(`${said()}HTTP/1.1 401 Unauthorized\r\n`)).toBe(true);
    expect(text.split("100 Continue")).toHaveLength(said() === "" ? 1 : 2);
  });

  it("a handler that reads the request itself gets the body", async () => {
    const text = await expectContinue(base, "/raw", "x".repeat(5000));
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('{"size":5000}');
  });
});
