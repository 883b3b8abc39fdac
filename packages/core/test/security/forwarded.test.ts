import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { parseForwarded } from "@aex/core/security/forwarded";
import { get as fetchGet, listen } from "../support/http";

class WhoAmI {
  @get("/who")
  who(req: AexRequest, res: AexResponse) {
    res.json({ ip: req.ip, protocol: req.protocol, hostname: req.hostname ?? null });
  }
}

describe("Forwarded (RFC 7239) from a trusted proxy, as an attacker writes it", () => {
  const aex = new Aex({ logger: false, handleSignals: false, trustProxy: "loopback" }).push(WhoAmI);
  let base: string;
  beforeAll(async () => {
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  const who = async (forwarded: string) => {
    const res = await fetchGet(base, "/who", { forwarded, host: "app.example" });
    expect(res.status).toBe(200);
    return res.json<{ ip: string; protocol: string; hostname: string | null }>();
  };

  it("takes the element the trusted proxy appended", async () => {
    expect(await who("for=198.51.100.7;proto=https;host=shop.example:8443")).toEqual({
      ip: "198.51.100.7",
      protocol: "https",
      hostname: "shop.example",
    });
    expect(await who('for="[2001:db8::7]:4711";proto=https')).toMatchObject({ ip: "2001:db8::7" });
  });

  it.each([
    ["a host= that is no host", 'for=198.51.100.7;host="evil example"', { hostname: "app.example" }],
    ["a host= with a path", 'for=198.51.100.7;host="a.example/x"', { hostname: "app.example" }],
    ["a proto= that is no scheme", 'for=198.51.100.7;proto="javascript:alert(1)"', { protocol: "http" }],
    ["a for= that is no address", 'for="<script>";proto=https', { ip: "127.0.0.1" }],
    ["a for= with a port that is no port", 'for="198.51.100.7:http"', { ip: "127.0.0.1" }],
    ["a parameter given twice", "for=198.51.100.7;for=203.0.113.9", { ip: "127.0.0.1" }],
  ])("regression: %s is not believed", async (_what, forwarded, expected) => {
    expect(await who(forwarded)).toMatchObject(expected);
  });

  it("regression: a client's broken quote does not swallow the element the proxy appended", async () => {
    // The client sent `for="evil`; the proxy appended its own element.
    expect(await who('for="evil, for=198.51.100.7;proto=https')).toMatchObject({
      ip: "198.51.100.7",
      protocol: "https",
    });
  });

  it("regression: a header of 8,000 escaped quotes parses in one pass (it backtracked quadratically)", async () => {
    // 16 KB of `\"` inside an open quote took about 0.2 s per parse, and a request parses it
    // for req.ip, req.protocol and req.hostname each.
    const hostile = 'for="' + '\\"'.repeat(8000);
    const elements = parseForwarded(`${hostile}, for=198.51.100.7`);
    expect(elements[elements.length - 1]).toEqual({ for: "198.51.100.7" });
    expect(await who(`${hostile.slice(0, 12_000)}, for=198.51.100.7`)).toMatchObject({ ip: "198.51.100.7" });
  });

  it("walks many hops, and keeps commas inside quoted strings", async () => {
    const hops = Array.from({ length: 1000 }, (_, i) => `for=10.0.${i >> 8}.${i & 255}`).join(", ");
    expect(parseForwarded(hops)).toHaveLength(1000);
    expect(await who(`${hops}, for=198.51.100.7`)).toMatchObject({ ip: "198.51.100.7" });
    expect(parseForwarded('for=_hidden;host="a.example";proto=HTTPS, for=unknown')).toEqual([
      { for: "_hidden", host: "a.example", proto: "https" },
      { for: "unknown" },
    ]);
    expect(parseForwarded('for="198.51.100.7";x="a,b;c", for=203.0.113.9')).toEqual([
      { for: "198.51.100.7" },
      { for: "203.0.113.9" },
    ]);
  });
});
