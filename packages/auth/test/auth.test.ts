import { createHmac, generateKeyPairSync } from "node:crypto";
import { Aex, AexBunServer, AexError, get, HttpError } from "@aex/core";
import { apiKey, auth, roles, signJwt, tokenFromCookie, tokenFromHeader, tokenFromQuery, verifyJwt } from "@aex/auth";
import { listen, raw } from "./support/http";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const OTHER = "another-secret-that-is-also-long-enough!!";

class Api {
  @get("/me")
  @auth({ keys: SECRET, audience: "api", issuer: "https://id.example" })
  me(_req: any, res: any, scope: any) {
    res.json({ sub: scope.user.sub });
  }

  @get("/admin")
  @auth({ keys: SECRET, audience: "api", issuer: "https://id.example" })
  @roles("admin")
  admin(_req: any, res: any) {
    res.end("admin area");
  }

  @get("/cookie")
  @auth({ keys: SECRET, cookie: "token" })
  cookie(_req: any, res: any, scope: any) {
    res.end(scope.user.sub);
  }
}

const app = () => new Aex().push(Api);
const token = (claims: Record<string, unknown> = {}, options = {}) =>
  signJwt({ sub: "alice", ...claims }, SECRET, {
    audience: "api",
    issuer: "https://id.example",
    expiresIn: 60,
    ...options,
  });
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function refusedWith(aex: Aex, authorization: string, description: string) {
  const res = await aex.inject().get("/me").set("Authorization", authorization);
  expect(res.status).toBe(401);
  expect(res.json()).toMatchObject({ status: 401, code: "AEX_AUTH_INVALID_TOKEN" });
  expect(res.headers["www-authenticate"]).toBe(
    `Bearer realm="api", error="invalid_token", error_description="${description}"`,
  );
}

describe("@auth(options)", () => {
  it("puts the verified claims on scope.user", async () => {
    const res = await app()
      .inject()
      .get("/me")
      .set("Authorization", `Bearer ${await token()}`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ sub: "alice" });
  });

  it("answers 401 AEX_AUTH_MISSING with a bare Bearer challenge when there is no token", async () => {
    const res = await app().inject().get("/me");
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="api"');
    expect(res.json()).toMatchObject({ code: "AEX_AUTH_MISSING" });
  });

  it("answers 401 invalid_token for malformed, expired, early, misaddressed and forged tokens", async () => {
    const aex = app();
    await refusedWith(aex, "Bearer not-a-jwt", "the token is malformed");
    await refusedWith(aex, "Bearer " + "a".repeat(9000), "the token is malformed");
    await refusedWith(aex, `Bearer ${await token({}, { expiresIn: -120 })}`, "the token expired");
    await refusedWith(aex, `Bearer ${await token({}, { notBefore: 120 })}`, "the nbf claim is invalid");
    await refusedWith(aex, `Bearer ${await token({}, { audience: "other" })}`, "the aud claim is invalid");
    await refusedWith(aex, `Bearer ${await token({}, { issuer: "https://evil.example" })}`, "the iss claim is invalid");
    const forged = await signJwt({ sub: "alice" }, OTHER, { audience: "api", issuer: "https://id.example" });
    await refusedWith(aex, `Bearer ${forged}`, "the signature does not verify");
    const [header, , signature] = (await token()).split(".");
    const tampered = `${header}.${b64({ sub: "mallory", aud: "api", iss: "https://id.example" })}.${signature}`;
    await refusedWith(aex, `Bearer ${tampered}`, "the signature does not verify");
  });

  it('refuses alg "none" tokens', async () => {
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "admin", aud: "api", iss: "https://id.example" })}.`;
    await refusedWith(app(), `Bearer ${unsigned}`, "the algorithm is not accepted");
  });

  it("leaves headers over maxHeaderSize to node's 431, and the server keeps serving", async () => {
    const aex = app();
    const huge = await aex
      .inject()
      .get("/me")
      .set("Authorization", "Bearer " + "a".repeat(20_000));
    expect(huge.status).toBe(431);
    const ok = await aex
      .inject()
      .get("/me")
      .set("Authorization", `Bearer ${await token()}`);
    expect(ok.status).toBe(200);
  });

  it("reads the token from a cookie when asked", async () => {
    const good = await signJwt({ sub: "carol" }, SECRET);
    const res = await app().inject().get("/cookie").set("Cookie", `token=${good}`);
    expect(res.status).toBe(200);
    expect(res.text()).toBe("carol");
    const bad = await app().inject().get("/cookie").set("Cookie", "token=forged.token.value");
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ code: "AEX_AUTH_INVALID_TOKEN" });
  });

  it("lets a request without token through when optional, but not a bad token", async () => {
    const aex = new Aex();
    aex.use(auth({ keys: SECRET, optional: true }));
    aex.use((_req, res, scope) => res.end(scope.user?.sub ?? "anonymous"));
    expect((await aex.inject().get("/")).text()).toBe("anonymous");
    expect((await aex.inject().get("/").set("Authorization", "Bearer x.y.z")).status).toBe(401);
  });

  it("accepts a small clock skew with clockTolerance", async () => {
    const aex = new Aex();
    aex.use(auth({ keys: SECRET, clockTolerance: 60 }));
    aex.use((_req, res, scope) => res.end(scope.user?.sub));
    const late = await signJwt({ sub: "dave" }, SECRET, { expiresIn: -10 });
    expect((await aex.inject().get("/").set("Authorization", `Bearer ${late}`)).text()).toBe("dave");
  });

  it("refuses options it cannot use with AEX_ERR_GUARD_OPTIONS", () => {
    for (const options of [
      { keys: "short" },
      { keys: {} },
      { keys: SECRET, algorithms: ["none"] },
      { keys: SECRET, algorithms: [] },
    ]) {
      expect(() => auth(options as never)).toThrow(AexError);
    }
  });
});

describe("@auth(options): schemes, where the token is read, and what the errors name", () => {
  const who = (_req: any, res: any, scope: any) => res.end(scope.user?.sub ?? "anonymous");

  it('regression: Authorization: Token <jwt> is read with scheme: "Token" (RealWorld), in any case', async () => {
    const aex = new Aex();
    aex.use(auth({ keys: SECRET, scheme: "Token" }));
    aex.use(who);
    const jwt = await token();
    for (const scheme of ["Token", "token", "TOKEN"]) {
      const res = await aex.inject().get("/").set("Authorization", `${scheme} ${jwt}`);
      expect(res.status).toBe(200);
      expect(res.text()).toBe("alice");
    }
    const bearer = await aex.inject().get("/").set("Authorization", `Bearer ${jwt}`);
    expect(bearer.status).toBe(401);
    expect(bearer.headers["www-authenticate"]).toBe('Token realm="api"');
    expect(bearer.json()).toMatchObject({ status: 401, code: "AEX_AUTH_SCHEME" });
    expect(bearer.json<{ detail: string }>().detail).toBe(
      'The Authorization header uses the "Bearer" scheme; this route takes "Token"',
    );
    const forged = await signJwt({ sub: "mallory" }, OTHER);
    const bad = await aex.inject().get("/").set("Authorization", `Token ${forged}`);
    expect(bad.status).toBe(401);
    expect(bad.headers["www-authenticate"]).toBe(
      'Token realm="api", error="invalid_token", error_description="the signature does not verify"',
    );
  });

  it("regression: another scheme is 401 AEX_AUTH_SCHEME naming it, not 'the token is malformed'", async () => {
    const aex = app();
    const basic = await aex.inject().get("/me").set("Authorization", "Basic YWxpY2U6c2VjcmV0");
    expect(basic.status).toBe(401);
    // RFC 6750 §3.1: a request with an unsupported method carries no error code in the challenge.
    expect(basic.headers["www-authenticate"]).toBe('Bearer realm="api"');
    expect(basic.json()).toMatchObject({
      status: 401,
      code: "AEX_AUTH_SCHEME",
      detail: 'The Authorization header uses the "Basic" scheme; this route takes "Bearer"',
    });
    // The scheme is case-insensitive (RFC 9110 §11.1).
    const lower = await aex
      .inject()
      .get("/me")
      .set("Authorization", `bearer ${await token()}`);
    expect(lower.status).toBe(200);
    expect(lower.json()).toEqual({ sub: "alice" });
  });

  it("names each problem: no credentials, wrong scheme, empty, malformed, expired, bad signature", async () => {
    const aex = app();
    const cases: [string | undefined, number, string, string][] = [
      [undefined, 401, "AEX_AUTH_MISSING", 'Bearer realm="api"'],
      ["Digest username=alice", 401, "AEX_AUTH_SCHEME", 'Bearer realm="api"'],
      [
        "Bearer",
        401,
        "AEX_AUTH_INVALID_TOKEN",
        'Bearer realm="api", error="invalid_token", error_description="the token is empty"',
      ],
      [
        "Bearer a.b",
        401,
        "AEX_AUTH_INVALID_TOKEN",
        'Bearer realm="api", error="invalid_token", error_description="the token is malformed"',
      ],
      [
        `Bearer ${await token({}, { expiresIn: -120 })}`,
        401,
        "AEX_AUTH_INVALID_TOKEN",
        'Bearer realm="api", error="invalid_token", error_description="the token expired"',
      ],
      [
        `Bearer ${await signJwt({ sub: "alice", aud: "api", iss: "https://id.example" }, OTHER)}`,
        401,
        "AEX_AUTH_INVALID_TOKEN",
        'Bearer realm="api", error="invalid_token", error_description="the signature does not verify"',
      ],
    ];
    for (const [authorization, status, code, challenge] of cases) {
      const request = aex.inject().get("/me");
      const res = await (authorization === undefined ? request : request.set("Authorization", authorization));
      expect([authorization, res.status, res.json<{ code: string }>().code, res.headers["www-authenticate"]]).toEqual([
        authorization,
        status,
        code,
        challenge,
      ]);
    }
    const missing = await aex.inject().get("/me");
    expect(missing.json()).toMatchObject({
      detail: 'A token is required, in the Authorization header ("Bearer <token>")',
    });
  });

  it("regression: auth({ optional: true }) treats another scheme as no token, but not a bad token", async () => {
    const aex = new Aex();
    aex.use(auth({ keys: SECRET, optional: true }));
    aex.use(who);
    const basic = await aex.inject().get("/").set("Authorization", "Basic YWxpY2U6c2VjcmV0");
    expect(basic.status).toBe(200);
    expect(basic.text()).toBe("anonymous");
    const bad = await aex.inject().get("/").set("Authorization", "Bearer x.y.z");
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ code: "AEX_AUTH_INVALID_TOKEN" });
    const good = await aex
      .inject()
      .get("/")
      .set("Authorization", `Bearer ${await signJwt({ sub: "ann" }, SECRET)}`);
    expect(good.text()).toBe("ann");
  });

  it("reads the token where `from` says, the first one found, and says where it looked when there is none", async () => {
    const aex = new Aex();
    aex.use(
      auth({ keys: SECRET, from: [tokenFromHeader("Token"), tokenFromCookie("jwt"), tokenFromQuery("access_token")] }),
    );
    aex.use(who);
    const [ann, bob, cid] = await Promise.all(["ann", "bob", "cid"].map((sub) => signJwt({ sub }, SECRET)));
    expect((await aex.inject().get("/").set("Authorization", `Token ${ann}`)).text()).toBe("ann");
    expect((await aex.inject().get("/").set("Cookie", `jwt=${bob}`)).text()).toBe("bob");
    expect((await aex.inject().get(`/?access_token=${cid}`)).text()).toBe("cid");
    // In order: the header before the cookie before the query.
    const all = await aex
      .inject()
      .get(`/?access_token=${cid}`)
      .set({ Authorization: `Token ${ann}`, Cookie: `jwt=${bob}` });
    expect(all.text()).toBe("ann");
    const none = await aex.inject().get("/");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Token realm="api"');
    expect(none.json()).toMatchObject({
      code: "AEX_AUTH_MISSING",
      detail:
        'A token is required, in the Authorization header ("Token <token>") or the "jwt" cookie or the "access_token" query parameter',
    });
    // A bad token where it was found is a 401, even when another place has a good one.
    const bad = await aex
      .inject()
      .get("/")
      .set({ Authorization: "Token x.y.z", Cookie: `jwt=${bob}` });
    expect(bad.json()).toMatchObject({ code: "AEX_AUTH_INVALID_TOKEN" });
  });

  it("takes your own extractor function, and a header holding the token alone", async () => {
    const aex = new Aex();
    aex.use(
      auth({
        keys: SECRET,
        from: [
          tokenFromHeader({ header: "X-Access-Token" }),
          (req) => (req.headers["x-alt"] as string | undefined) ?? null,
        ],
      }),
    );
    aex.use(who);
    const jwt = await signJwt({ sub: "dee" }, SECRET);
    expect((await aex.inject().get("/").set("X-Access-Token", jwt)).text()).toBe("dee");
    expect((await aex.inject().get("/").set("X-Alt", jwt)).text()).toBe("dee");
    const none = await aex.inject().get("/");
    expect(none.json()).toMatchObject({
      code: "AEX_AUTH_MISSING",
      detail: "A token is required, in the X-Access-Token header or the request",
    });
  });

  it("regression: credentials sent twice are 400 AEX_AUTH_INVALID_REQUEST (two headers, a repeated parameter)", async () => {
    const aex = new Aex();
    aex.use(auth({ keys: SECRET, from: [tokenFromHeader(), tokenFromQuery("access_token")] }));
    aex.use(who);
    const base = await listen(aex);
    try {
      const [good, other] = await Promise.all([signJwt({ sub: "ann" }, SECRET), signJwt({ sub: "bob" }, SECRET)]);
      // node keeps the first Authorization header and drops the second; a proxy may read the other one.
      const twice = await raw(
        base,
        `GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${good}\r\nAuthorization: Bearer ${other}\r\nConnection: close\r\n\r\n`,
      );
      if (aex.server instanceof AexBunServer) {
        // Bun.serve joins the two lines into one value ("Bearer a, Bearer b"): a malformed token,
        // refused all the same (docs/runtimes.md).
        expect(twice).toMatch(/^HTTP\/1\.1 401 /);
        expect(twice).toContain('"code":"AEX_AUTH_INVALID_TOKEN"');
      } else {
        expect(twice).toMatch(/^HTTP\/1\.1 400 /);
        expect(twice).toMatch(
          /\r\nwww-authenticate: Bearer realm="api", error="invalid_request", error_description="the Authorization header came more than once"\r\n/i,
        );
        expect(twice).toContain('"code":"AEX_AUTH_INVALID_REQUEST"');
        expect(twice).toContain('"status":400');
      }
      const query = await aex.inject().get(`/?access_token=${good}&access_token=${other}`);
      expect(query.status).toBe(400);
      expect(query.json()).toMatchObject({ status: 400, code: "AEX_AUTH_INVALID_REQUEST" });
      const once = await raw(
        base,
        `GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${good}\r\nConnection: close\r\n\r\n`,
      );
      expect(once).toMatch(/^HTTP\/1\.1 200 /);
      expect(once.endsWith("ann")).toBe(true);
    } finally {
      await aex.close();
    }
  });

  it("@roles answers with the scheme and realm of the @auth before it", async () => {
    const aex = new Aex();
    aex.use(auth({ keys: SECRET, scheme: "Token", realm: "conduit" }));
    aex.use(roles("admin"));
    aex.use(who);
    const res = await aex
      .inject()
      .get("/")
      .set("Authorization", `Token ${await signJwt({ sub: "eve", roles: ["user"] }, SECRET)}`);
    expect(res.status).toBe(403);
    expect(res.headers["www-authenticate"]).toBe('Token realm="conduit", error="insufficient_scope"');
    expect(res.json()).toMatchObject({ status: 403, code: "AEX_AUTH_FORBIDDEN" });
  });

  it("refuses options it cannot use with AEX_ERR_GUARD_OPTIONS", () => {
    const code = expect.objectContaining({ code: "AEX_ERR_GUARD_OPTIONS" });
    expect(() => auth({ keys: SECRET, scheme: "To ken" })).toThrow(code);
    expect(() => auth({ keys: SECRET, realm: 'a"b' })).toThrow(code);
    expect(() => auth({ keys: SECRET, scheme: "Token", from: tokenFromCookie("jwt") })).toThrow(code);
    expect(() => auth({ keys: SECRET, from: [] })).toThrow(code);
    expect(() => tokenFromCookie("a b")).toThrow(code);
    expect(() => tokenFromQuery("a&b")).toThrow(code);
    expect(() => tokenFromHeader({ header: "X Token" })).toThrow(code);
  });
});

describe("one spelling per JWT (canonical base64url)", () => {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const hs256 = (signingInput: string) => createHmac("sha256", SECRET).update(signingInput).digest("base64url");
  /** The first JSON object of `make(i)` whose base64url has `-` or `_` and leftover bits (length % 4 = 2 or 3). */
  function segmentOf(make: (i: number) => object): string {
    for (let i = 0; ; i++) {
      const segment = Buffer.from(JSON.stringify(make(i))).toString("base64url");
      if (/[-_]/.test(segment) && segment.length % 4 >= 2) return segment;
    }
  }
  const header = segmentOf((i) => ({ alg: "HS256", typ: "JWT", x: ">?".repeat(i) }));
  const payload = segmentOf((i) => ({ sub: "alice", note: "~>?".repeat(i + 1) }));
  /** A token whose signature has `-` or `_` in it (HS256: 43 characters, 2 unused bits). */
  const signed = (() => {
    for (let i = 0; ; i++) {
      const body = segmentOf((j) => ({ sub: "alice", note: "~>?".repeat(j + 1), jti: String(i) }));
      const signature = hs256(`${header}.${body}`);
      if (/[-_]/.test(signature)) return { body, signature };
    }
  })();

  const SPELLINGS: Record<string, (segment: string) => string> = {
    "in standard base64 (+ and /)": (segment) => segment.replace(/-/g, "+").replace(/_/g, "/"),
    "padded with =": (segment) => segment + "=".repeat((4 - (segment.length % 4)) % 4),
    "with other unused trailing bits": (segment) =>
      segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(segment[segment.length - 1]!) ^ 1],
  };

  /** The token with one segment spelled otherwise; the issuer signs what it sends, as a lax one would. */
  function misspelled(segment: "header" | "payload" | "signature", spell: (segment: string) => string): string {
    if (segment === "signature") return `${header}.${signed.body}.${spell(signed.signature)}`;
    const h = segment === "header" ? spell(header) : header;
    const p = segment === "payload" ? spell(payload) : payload;
    return `${h}.${p}.${hs256(`${h}.${p}`)}`;
  }

  function app(): Aex {
    const aex = new Aex();
    aex.use(auth({ keys: SECRET }));
    aex.use((_req, res, scope) => res.end(scope.user?.sub));
    return aex;
  }

  it("accepts the canonical spelling", async () => {
    for (const token of [
      `${header}.${payload}.${hs256(`${header}.${payload}`)}`,
      `${header}.${signed.body}.${signed.signature}`,
    ]) {
      const res = await app().inject().get("/").set("Authorization", `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.text()).toBe("alice");
    }
  });

  for (const segment of ["header", "payload", "signature"] as const) {
    for (const [name, spell] of Object.entries(SPELLINGS)) {
      it(`regression: a JWT whose ${segment} is spelled ${name} is refused (one token, one string)`, async () => {
        const token = misspelled(segment, spell);
        const canonical = segment === "header" ? header : segment === "payload" ? payload : signed.signature;
        // The same bytes, spelled otherwise: what a lenient decoder accepted.
        expect(spell(canonical)).not.toBe(canonical);
        expect(Buffer.from(spell(canonical), "base64")).toEqual(Buffer.from(canonical, "base64url"));
        const res = await app().inject().get("/").set("Authorization", `Bearer ${token}`);
        expect(res.status).toBe(401);
        expect(res.json()).toMatchObject({ status: 401, code: "AEX_AUTH_INVALID_TOKEN" });
        expect(res.headers["www-authenticate"]).toBe(
          'Bearer realm="api", error="invalid_token", error_description="the token is not canonical base64url"',
        );
        await expect(verifyJwt(token, SECRET)).rejects.toMatchObject({ status: 401, code: "AEX_AUTH_INVALID_TOKEN" });
      });
    }
  }

  it("calls a token that is base64 of no spelling malformed", async () => {
    for (const token of ["a.b.c", "abc.d$f.ghi", `${header}.${payload}`, `${header}.${payload}.sig.extra`]) {
      await expect(verifyJwt(token, SECRET)).rejects.toMatchObject({
        message: "Invalid token: the token is malformed",
      });
    }
  });
});

describe("@roles(...names)", () => {
  it("lets a user with the role in", async () => {
    const res = await app()
      .inject()
      .get("/admin")
      .set("Authorization", `Bearer ${await token({ roles: ["admin"] })}`);
    expect(res.status).toBe(200);
    expect(res.text()).toBe("admin area");
  });

  it("answers 403 AEX_AUTH_FORBIDDEN with insufficient_scope when the role is missing", async () => {
    const res = await app()
      .inject()
      .get("/admin")
      .set("Authorization", `Bearer ${await token({ roles: ["user"] })}`);
    expect(res.status).toBe(403);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="api", error="insufficient_scope"');
    expect(res.json()).toMatchObject({ status: 403, code: "AEX_AUTH_FORBIDDEN" });
  });

  it("answers 401 when no @auth put a user on the scope", async () => {
    const aex = new Aex();
    aex.use(roles("admin"));
    const res = await aex.inject().get("/");
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: "AEX_AUTH_MISSING" });
  });

  it("reads a single role claim too", async () => {
    const res = await app()
      .inject()
      .get("/admin")
      .set("Authorization", `Bearer ${await token({ role: "admin" })}`);
    expect(res.status).toBe(200);
  });
});

describe("signJwt / verifyJwt", () => {
  it("signs and verifies RS256, ES256 and EdDSA with key pairs", async () => {
    const pairs = [
      generateKeyPairSync("rsa", { modulusLength: 2048 }),
      generateKeyPairSync("ec", { namedCurve: "P-256" }),
      generateKeyPairSync("ed25519"),
    ];
    for (const { privateKey, publicKey } of pairs) {
      const jwt = await signJwt({ sub: "erin" }, privateKey, { expiresIn: "5m" });
      expect((await verifyJwt(jwt, publicKey)).sub).toBe("erin");
    }
    const algs = await Promise.all(
      pairs.map(
        async ({ privateKey }) =>
          JSON.parse(Buffer.from((await signJwt({}, privateKey)).split(".")[0]!, "base64url").toString()).alg,
      ),
    );
    expect(algs).toEqual(["RS256", "ES256", "EdDSA"]);
  });

  it("refuses an HMAC token made with an RSA public key as secret (key confusion)", async () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const confused = await signJwt({ sub: "mallory" }, pem, { alg: "HS256" });
    await expect(verifyJwt(confused, publicKey)).rejects.toMatchObject({ status: 401, code: "AEX_AUTH_INVALID_TOKEN" });
  });

  it("picks the key by kid, so keys can rotate, and refuses an unknown kid", async () => {
    const keys = { "2024": OTHER, "2025": SECRET };
    const old = await signJwt({ sub: "a" }, OTHER, { kid: "2024" });
    const current = await signJwt({ sub: "b" }, SECRET, { kid: "2025" });
    expect((await verifyJwt(old, keys)).sub).toBe("a");
    expect((await verifyJwt(current, keys)).sub).toBe("b");
    const wrongKid = await signJwt({ sub: "c" }, SECRET, { kid: "2026" });
    await expect(verifyJwt(wrongKid, keys)).rejects.toMatchObject({
      code: "AEX_AUTH_INVALID_TOKEN",
      message: "Invalid token: no trusted key matches the token",
    });
    const mislabelled = await signJwt({ sub: "d" }, SECRET, { kid: "2024" });
    await expect(verifyJwt(mislabelled, keys)).rejects.toBeInstanceOf(HttpError);
    const noKid = await signJwt({ sub: "e" }, SECRET);
    await expect(verifyJwt(noKid, keys)).rejects.toMatchObject({ code: "AEX_AUTH_INVALID_TOKEN" });
  });

  it("verifies against a JWKS", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = { ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "ES256" };
    const jwt = await signJwt({ sub: "frank" }, privateKey, { kid: "k1" });
    expect((await verifyJwt(jwt, { keys: [jwk as never] })).sub).toBe("frank");
    const other = await signJwt({ sub: "frank" }, privateKey, { kid: "k2" });
    await expect(verifyJwt(other, { keys: [jwk as never] })).rejects.toMatchObject({ code: "AEX_AUTH_INVALID_TOKEN" });
  });
});

describe("@apiKey(options)", () => {
  const KEY = "k_live_0123456789abcdef";
  class Reports {
    @get("/reports")
    @apiKey({ keys: [KEY, "k_live_fedcba9876543210"] })
    list(_req: any, res: any) {
      res.json([]);
    }

    @get("/custom")
    @apiKey({ header: "Authorization-Key", verify: (key) => key === "from-database" })
    custom(_req: any, res: any) {
      res.end("ok");
    }

    @get("/async")
    @apiKey({ header: "Authorization-Key", verify: async (key) => key === "from-async-database" })
    later(_req: any, res: any) {
      res.end("ok");
    }
  }

  it("lets a known key in", async () => {
    const aex = new Aex().push(Reports);
    const res = await aex.inject().get("/reports").set("X-API-Key", KEY);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([]);
    expect((await aex.inject().get("/custom").set("Authorization-Key", "from-database")).status).toBe(200);
    expect((await aex.inject().get("/async").set("Authorization-Key", "from-async-database")).status).toBe(200);
  });

  it("answers 401 AEX_API_KEY_MISSING without a key and AEX_API_KEY_INVALID with a wrong one", async () => {
    const aex = new Aex().push(Reports);
    const missing = await aex.inject().get("/reports");
    expect(missing.status).toBe(401);
    expect(missing.json()).toMatchObject({ code: "AEX_API_KEY_MISSING" });
    for (const wrong of [KEY.slice(0, -1), KEY + "x", "x".repeat(5000), "nope"]) {
      const res = await aex.inject().get("/reports").set("X-API-Key", wrong);
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ code: "AEX_API_KEY_INVALID" });
    }
    for (const path of ["/custom", "/async"]) {
      const res = await aex.inject().get(path).set("Authorization-Key", "guess");
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ code: "AEX_API_KEY_INVALID" });
    }
  });

  it("refuses short keys and missing options at setup", () => {
    expect(() => apiKey({ keys: ["short"] })).toThrow(AexError);
    expect(() => apiKey({} as never)).toThrow(AexError);
  });
});
