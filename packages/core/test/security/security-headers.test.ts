import {
  Aex,
  AexError,
  get,
  headers,
  HttpError,
  query,
  type AexRequest,
  type AexResponse,
  type Scope,
} from "@aex/core";
import { get as fetchGet, listen } from "../support/http";
import { expectHelmetLevel, HELMET_LEVEL, STATIC_CSP } from "../support/security-headers";

class Pages {
  @get("/end")
  end(_req: AexRequest, res: AexResponse) {
    res.end("plain");
  }

  @get("/json")
  json(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @get("/own")
  own(_req: AexRequest, res: AexResponse) {
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("X-Powered-By", "Express");
    res.json({ ok: true });
  }

  @get("/write-head")
  writeHead(_req: AexRequest, res: AexResponse) {
    res.writeHead(201, { "Content-Type": "text/plain", "Referrer-Policy": "same-origin" });
    res.end("made");
  }

  @get("/fail")
  fail() {
    throw new HttpError(409, "taken", { code: "TAKEN" });
  }

  @get("/nonce")
  nonce(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.send(`<script nonce="${scope.nonce}">1</script><script nonce="${scope.nonce}">2</script>`);
  }

  @get("/no-headers")
  @headers(false)
  bare(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @get("/framable")
  @headers({ xFrameOptions: false, contentSecurityPolicy: { "frame-ancestors": ["https://partner.example"] } })
  framable(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @get("/echo-header")
  @query()
  echoHeader(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.setHeader("X-Echo", String(scope.query.v));
    res.end("ok");
  }

  @get("/echo-write-head")
  @query()
  echoWriteHead(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.writeHead(200, { "X-Echo": String(scope.query.v) });
    res.end("ok");
  }
}

describe("security headers (secure defaults)", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Pages);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  // Regression: no X-Content-Type-Options: nosniff (nor any other security header) on any response.
  it.each(["/end", "/json", "/fail", "/missing"])(
    "GET %s carries the Helmet-level headers and the CSP",
    async (path) => {
      const res = await fetchGet(base, path);
      expectHelmetLevel(res.headers);
      expect(res.headers["content-security-policy"]).toBe(STATIC_CSP);
      expect(res.headers["strict-transport-security"]).toBeUndefined();
    },
  );

  it("keeps what the handler sets itself and drops X-Powered-By", async () => {
    const res = await fetchGet(base, "/own");
    expect(res.status).toBe(200);
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-powered-by"]).toBeUndefined();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("res.writeHead(status, headers): the handler's headers win, the others are added", async () => {
    const res = await fetchGet(base, "/write-head");
    expect(res.status).toBe(201);
    expect(res.text).toBe("made");
    expect(res.headers["referrer-policy"]).toBe("same-origin");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  describe("scope.nonce", () => {
    it("is made on first read, stable within a request, and put in script-src", async () => {
      const first = await fetchGet(base, "/nonce");
      const nonces = [...first.text.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);
      expect(nonces).toHaveLength(2);
      expect(nonces[0]).toBe(nonces[1]);
      expect(nonces[0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(first.headers["content-security-policy"]).toBe(
        STATIC_CSP.replace("script-src 'self';", `script-src 'self' 'nonce-${nonces[0]}';`),
      );
      const second = await fetchGet(base, "/nonce");
      expect(second.text).not.toContain(nonces[0]);
    });
  });

  describe("@headers(options | false)", () => {
    it("@headers(false) sends none on its route", async () => {
      const res = await fetchGet(base, "/no-headers");
      expect(res.status).toBe(200);
      for (const name of Object.keys(HELMET_LEVEL)) expect(res.headers[name]).toBeUndefined();
      expect(res.headers["content-security-policy"]).toBeUndefined();
    });

    it("@headers({...}) merges over the app's headers for its route only", async () => {
      const res = await fetchGet(base, "/framable");
      expect(res.headers["x-frame-options"]).toBeUndefined();
      expect(res.headers["content-security-policy"]).toContain("frame-ancestors https://partner.example;");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect((await fetchGet(base, "/json")).headers["x-frame-options"]).toBe("SAMEORIGIN");
    });

    it("refuses arguments it cannot use", () => {
      expect(() => headers("DENY" as never)).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
    });
  });

  describe("a handler copying CR/LF into a header", () => {
    // Regression: res.setHeader with a CR/LF query value answered 500.
    it.each(["/echo-header", "/echo-write-head"])(
      "%s answers 400 AEX_HEADER_INVALID and keeps serving",
      async (path) => {
        const res = await fetchGet(base, `${path}?v=${encodeURIComponent("a\r\nSet-Cookie: admin=1")}`);
        expect(res.status).toBe(400);
        expect(res.headers["set-cookie"]).toBeUndefined();
        expect(res.json()).toMatchObject({ status: 400, code: "AEX_HEADER_INVALID" });
        expect(res.headers["x-content-type-options"]).toBe("nosniff");
        expect((await fetchGet(base, `${path}?v=fine`)).status).toBe(200);
      },
    );
  });
});

describe("new Aex({ securityHeaders })", () => {
  it("false sends none", async () => {
    const aex = new Aex({ securityHeaders: false }).push(Pages);
    const base = await listen(aex);
    try {
      const res = await fetchGet(base, "/json");
      expect(res.status).toBe(200);
      for (const name of [...Object.keys(HELMET_LEVEL), "content-security-policy"])
        expect(res.headers[name]).toBeUndefined();
    } finally {
      await aex.close();
    }
  });

  it("options change and drop headers, and merge CSP directives over the defaults", async () => {
    const aex = new Aex({
      securityHeaders: {
        xFrameOptions: "DENY",
        referrerPolicy: false,
        contentSecurityPolicy: { "img-src": ["'self'", "https:"], "script-src-attr": false },
      },
    }).push(Pages);
    const base = await listen(aex);
    try {
      const res = await fetchGet(base, "/end");
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["referrer-policy"]).toBeUndefined();
      expect(res.headers["content-security-policy"]).toContain("img-src 'self' https:;");
      expect(res.headers["content-security-policy"]).not.toContain("script-src-attr");
      expect((await fetchGet(base, "/framable")).headers["x-frame-options"]).toBeUndefined();
    } finally {
      await aex.close();
    }
  });

  it("a value that cannot be sent is a setup error (AEX_ERR_SECURITY_HEADERS)", () => {
    expect(() => new Aex({ securityHeaders: { referrerPolicy: "no-referrer\r\nX-Evil: 1" } })).toThrow(AexError);
    expect(() => new Aex({ securityHeaders: { contentSecurityPolicy: { "img-src": "x; script-src *" } } })).toThrow(
      expect.objectContaining({ code: "AEX_ERR_SECURITY_HEADERS" }),
    );
  });

  it("HSTS only over HTTPS: a trusted proxy's X-Forwarded-Proto: https", async () => {
    const trusted = new Aex({ trustProxy: "loopback" }).push(Pages);
    const plain = new Aex().push(Pages);
    const [trustedBase, plainBase] = [await listen(trusted), await listen(plain)];
    try {
      const https = { "x-forwarded-proto": "https" };
      expect((await fetchGet(trustedBase, "/json", https)).headers["strict-transport-security"]).toBe(
        "max-age=31536000; includeSubDomains",
      );
      expect((await fetchGet(trustedBase, "/end", https)).headers["strict-transport-security"]).toBe(
        "max-age=31536000; includeSubDomains",
      );
      expect((await fetchGet(trustedBase, "/json")).headers["strict-transport-security"]).toBeUndefined();
      expect((await fetchGet(plainBase, "/json", https)).headers["strict-transport-security"]).toBeUndefined();
    } finally {
      await Promise.all([trusted.close(), plain.close()]);
    }
  });
});
