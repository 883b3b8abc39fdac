import { Aex, get, type AexOptions, type AexRequest, type AexResponse } from "@aex/core";
import { get as fetchGet, listen } from "../support/http";

class WhoAmI {
  @get("/who")
  who(req: AexRequest, res: AexResponse) {
    res.json({ ip: req.ip, protocol: req.protocol, secure: req.secure, hostname: req.hostname ?? null });
  }
}

async function ask(options: AexOptions, headers: Record<string, string>) {
  const aex = new Aex(options).push(WhoAmI);
  const base = await listen(aex);
  try {
    const res = await fetchGet(base, "/who", headers);
    expect(res.status).toBe(200);
    return res.json<{ ip: string; protocol: string; secure: boolean; hostname: string | null }>();
  } finally {
    await aex.close();
  }
}

const FORWARDED = {
  "x-forwarded-for": "203.0.113.7",
  "x-forwarded-proto": "https",
  "x-forwarded-host": "shop.example:8443",
};

describe("req.ip, req.protocol, req.hostname (trustProxy)", () => {
  it("by default trust nobody: forwarded headers are ignored", async () => {
    expect(await ask({}, { ...FORWARDED, host: "local.test:80" })).toEqual({
      ip: "127.0.0.1",
      protocol: "http",
      secure: false,
      hostname: "local.test",
    });
  });

  it.each([["loopback"], [true], [1], [["127.0.0.1/8"]], [(address: string) => address === "127.0.0.1"]])(
    "trustProxy %p: the proxy's X-Forwarded-For/Proto/Host count",
    async (trustProxy) => {
      expect(await ask({ trustProxy: trustProxy as never }, FORWARDED)).toEqual({
        ip: "203.0.113.7",
        protocol: "https",
        secure: true,
        hostname: "shop.example",
      });
    },
  );

  it.each([["evil example"], ["host:port"], ["[::1"], ["x".repeat(300) + " y"]])(
    "regression: a trusted proxy's X-Forwarded-Host that is no host[:port] (%j) is not believed",
    async (forwardedHost) => {
      const answer = await ask({ trustProxy: true }, { "x-forwarded-host": forwardedHost, host: "app.example" });
      expect(answer.hostname).toBe("app.example");
    },
  );

  it("a peer outside the trusted list is not believed", async () => {
    expect(await ask({ trustProxy: "10.0.0.0/8" }, FORWARDED)).toMatchObject({ ip: "127.0.0.1", protocol: "http" });
  });

  it("a hop count stops at the first untrusted hop (a client cannot forge its address)", async () => {
    const forged = { "x-forwarded-for": "6.6.6.6, 198.51.100.2" };
    expect((await ask({ trustProxy: 1 }, forged)).ip).toBe("198.51.100.2");
    expect((await ask({ trustProxy: 2 }, forged)).ip).toBe("6.6.6.6");
  });

  it("RFC 7239 Forwarded: for, proto and host of the nearest trusted element", async () => {
    const forwarded = { forwarded: 'for=6.6.6.6;proto=http, for="[2001:db8::17]:4711";proto=https;host=app.example' };
    expect(await ask({ trustProxy: "loopback" }, forwarded)).toEqual({
      ip: "2001:db8::17",
      protocol: "https",
      secure: true,
      hostname: "app.example",
    });
    expect(await ask({}, forwarded)).toMatchObject({ ip: "127.0.0.1", protocol: "http" });
  });

  // A proxy that writes Forwarded (HAProxy's `option forwarded`) passes a client's own
  // X-Forwarded-* on untouched: preferring them let any client pick its address.
  it("regression: X-Forwarded-* that disagree with Forwarded are not believed (the client wrote one)", async () => {
    const proxied = { host: "app.example", forwarded: "for=198.51.100.9;proto=https;host=app.example" };
    const forged = { "x-forwarded-for": "6.6.6.6", "x-forwarded-proto": "http", "x-forwarded-host": "evil.example" };
    expect(await ask({ trustProxy: "loopback" }, { ...proxied, ...forged })).toEqual({
      ip: "127.0.0.1",
      protocol: "http",
      secure: false,
      hostname: "app.example",
    });
    // Headers that agree (a proxy writing both) are believed.
    const agreeing = {
      "x-forwarded-for": "198.51.100.9",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "app.example",
    };
    expect(await ask({ trustProxy: "loopback" }, { ...proxied, ...agreeing })).toEqual({
      ip: "198.51.100.9",
      protocol: "https",
      secure: true,
      hostname: "app.example",
    });
    // And a forged Forwarded beside a proxy's X-Forwarded-For is not believed either.
    const viaNginx = { "x-forwarded-for": "198.51.100.9", forwarded: "for=6.6.6.6" };
    expect((await ask({ trustProxy: "loopback" }, viaNginx)).ip).toBe("127.0.0.1");
  });
});
