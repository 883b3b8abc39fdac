import { Aex, AexBunServer, get, type AexRequest, type AexResponse } from "@aex/core";
import { listen, raw } from "../support/http";

let served: Aex | undefined;
/** The status line of /reason: its own reason phrase, which Bun.serve replaces with the standard one. */
const madeHere = () => (served?.server instanceof AexBunServer ? "HTTP/1.1 201 Created" : "HTTP/1.1 201 Made Here");

/*
 * A response that sets headers of its own gets the security headers and the request id
 * spliced into its head as one string (where node allows), unless it names one of them
 * itself: then they are merged header by header. Either way each header goes out once,
 * and the response's own value wins.
 */
class Heads {
  @get("/own")
  own(_req: AexRequest, res: AexResponse) {
    res.setHeader("X-Own", "1");
    res.cookies.set("theme", "dark");
    res.json({ ok: true });
  }

  @get("/reason")
  reason(_req: AexRequest, res: AexResponse) {
    res.writeHead(201, "Made Here", { "X-Made": "yes" });
    res.end("made");
  }

  @get("/pairs")
  pairs(_req: AexRequest, res: AexResponse) {
    res.writeHead(200, [
      ["X-Frame-Options", "DENY"],
      ["X-Pair", "1"],
    ] as unknown as string[]);
    res.end("pairs");
  }

  @get("/flat")
  flat(_req: AexRequest, res: AexResponse) {
    res.writeHead(200, ["Content-Security-Policy", "default-src 'none'", "X-Flat", "1"]);
    res.end("flat");
  }

  @get("/own-id")
  ownId(_req: AexRequest, res: AexResponse) {
    res.setHeader("X-Request-Id", "mine");
    res.end("id");
  }

  @get("/bad-reason")
  badReason(_req: AexRequest, res: AexResponse) {
    res.writeHead(200, { "X-Bad": "a\r\nInjected: 1" });
    res.end("never");
  }
}

/** The head's lines, each header name (lower case) with every value it came with. */
async function headOf(
  base: string,
  path: string,
  extra = "",
): Promise<{ status: string; lines: Map<string, string[]> }> {
  const answer = await raw(base, `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}Connection: close\r\n\r\n`);
  const [status, ...rest] = answer.slice(0, answer.indexOf("\r\n\r\n")).split("\r\n");
  const lines = new Map<string, string[]>();
  for (const line of rest) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    lines.set(name, [...(lines.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { status, lines };
}

const SECURITY = [
  "content-security-policy",
  "x-content-type-options",
  "x-frame-options",
  "referrer-policy",
  "cross-origin-opener-policy",
  "cross-origin-resource-policy",
];

describe("security headers on heads the response built itself", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = served = new Aex({ trustProxy: "loopback" }).push(Heads);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("a response with headers and a cookie of its own gets each security header once, and its request id", async () => {
    const { status, lines } = await headOf(base, "/own");
    expect(status).toBe("HTTP/1.1 200 OK");
    for (const name of SECURITY) expect(lines.get(name)).toHaveLength(1);
    expect(lines.get("x-own")).toEqual(["1"]);
    expect(lines.get("set-cookie")).toEqual(["theme=dark; Path=/"]);
    expect(lines.get("content-type")).toEqual(["application/json; charset=utf-8"]);
    // The default ids: a random base-36 prefix (1 to 7 characters), a dash, a base-36 count.
    expect(lines.get("x-request-id")?.[0]).toMatch(/^[0-9a-z]{1,7}-[0-9a-z]+$/);
    expect(lines.get("strict-transport-security")).toBeUndefined();
  });

  it("keeps writeHead's status message (Bun.serve sends the standard one)", async () => {
    const { status, lines } = await headOf(base, "/reason");
    expect(status).toBe(madeHere());
    expect(lines.get("x-made")).toEqual(["yes"]);
    expect(lines.get("x-content-type-options")).toEqual(["nosniff"]);
  });

  it("a security header named in writeHead's [name, value] pairs is the response's, once", async () => {
    const { lines } = await headOf(base, "/pairs");
    expect(lines.get("x-frame-options")).toEqual(["DENY"]);
    expect(lines.get("x-pair")).toEqual(["1"]);
    expect(lines.get("x-content-type-options")).toEqual(["nosniff"]);
  });

  it("a security header named in writeHead's flat list is the response's, once", async () => {
    const { lines } = await headOf(base, "/flat");
    expect(lines.get("content-security-policy")).toEqual(["default-src 'none'"]);
    expect(lines.get("x-flat")).toEqual(["1"]);
    expect(lines.get("referrer-policy")).toEqual(["no-referrer"]);
  });

  it("a request id the response sets itself goes out once, as set", async () => {
    const { lines } = await headOf(base, "/own-id");
    expect(lines.get("x-request-id")).toEqual(["mine"]);
    expect(lines.get("x-content-type-options")).toEqual(["nosniff"]);
  });

  it("HSTS once over HTTPS (a trusted proxy says so)", async () => {
    const { lines } = await headOf(base, "/own", "X-Forwarded-Proto: https\r\n");
    expect(lines.get("strict-transport-security")).toEqual(["max-age=31536000; includeSubDomains"]);
    expect(lines.get("x-frame-options")).toHaveLength(1);
  });

  it("a CR/LF in writeHead's headers is a 400 AEX_HEADER_INVALID, and the next head is clean", async () => {
    const answer = await raw(base, "GET /bad-reason HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain("AEX_HEADER_INVALID");
    expect(answer).not.toMatch(/^Injected/m);
    const { status, lines } = await headOf(base, "/reason");
    expect(status).toBe(madeHere());
    for (const name of SECURITY) expect(lines.get(name)).toHaveLength(1);
  });
});
