import { Aex, type AexServer } from "@aex/core";

const aex = new Aex({
  limits: { jsonDepth: 32, bodyTimeout: 10_000, bodyIdleTimeout: 5_000 },
  server: { headersTimeout: 10_000, requestTimeout: 30_000 },
  securityHeaders: { xFrameOptions: "DENY", contentSecurityPolicy: { "img-src": ["'self'", "https:"] } },
  trustProxy: "loopback",
});

// The configuration shown in docs/security.md, checked against a real server.
describe("docs/security.md: changing the defaults", () => {
  afterAll(() => aex.close());

  it("applies every option", async () => {
    // `server` options are node:http's: on Bun, Bun.serve has no such timeouts (docs/runtimes.md).
    await aex.start(0, { host: "127.0.0.1", transport: "node" });
    expect((aex.server as AexServer).headersTimeout).toBe(10_000);
    expect((aex.server as AexServer).requestTimeout).toBe(30_000);
    const res = await aex.inject().get("/nothing").set("X-Forwarded-Proto", "https").execute();
    expect(res.status).toBe(404);
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["content-security-policy"]).toContain("img-src 'self' https:;");
  });
});
