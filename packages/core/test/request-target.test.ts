import { Aex, AexBunServer, get, query, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { listen, raw } from "./support/http";

class Targets {
  @get("/")
  home(req: AexRequest, res: AexResponse) {
    res.json({ url: req.url, host: req.headers.host });
  }

  @get("/hello")
  @query()
  hello(req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ url: req.url, host: req.headers.host, name: scope.query.name });
  }
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;

// Regression: an absolute-form request target (which RFC 9112 §3.2.2 says a server must
// accept) answered 404, because the router read "http://host/hello" as the path.
describe("absolute-form request targets", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex({ logger: false }).push(Targets);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("routes GET http://host/path?query like GET /path?query, with the target's host", async () => {
    const answer = await raw(
      base,
      "GET http://example.test:8080/hello?name=ada HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    // Bun.serve gives the app the Host header's host, not the target's (docs/runtimes.md).
    const host = aex.server instanceof AexBunServer ? "other.test" : "example.test:8080";
    expect(bodyOf(answer)).toEqual({ url: "/hello?name=ada", host, name: "ada" });
  });

  it("takes an empty path as / and ignores user info in the authority", async () => {
    const answer = await raw(base, "GET HTTPS://user@example.test HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(bodyOf(answer)).toEqual({ url: "/", host: aex.server instanceof AexBunServer ? "x" : "example.test" });
  });

  it("leaves other targets alone: an unknown one is refused and the server keeps serving", async () => {
    const odd = await raw(base, "GET ftp://example.test/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    // Node's parser passes it on (Aex's 404); Bun's refuses it itself (400).
    expect(odd).toMatch(process.versions.bun === undefined ? /^HTTP\/1\.1 404 / : /^HTTP\/1\.1 400 /);
    const plain = await raw(base, "GET /hello?name=bo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(bodyOf(plain)).toEqual({ url: "/hello?name=bo", host: "x", name: "bo" });
  });
});
