import { generateKeyPairSync } from "node:crypto";
import { Aex, AexError, apiKey, auth, get, roles, signJwt, verifyJwt, HttpError } from "@aex/core";

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
    await refusedWith(aex, "Basic YWxpY2U6c2VjcmV0", "the token is malformed");
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
  }

  it("lets a known key in", async () => {
    const aex = new Aex().push(Reports);
    const res = await aex.inject().get("/reports").set("X-API-Key", KEY);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([]);
    expect((await aex.inject().get("/custom").set("Authorization-Key", "from-database")).status).toBe(200);
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
    expect((await aex.inject().get("/custom").set("Authorization-Key", "guess")).json()).toMatchObject({
      code: "AEX_API_KEY_INVALID",
    });
  });

  it("refuses short keys and missing options at setup", () => {
    expect(() => apiKey({ keys: ["short"] })).toThrow(AexError);
    expect(() => apiKey({} as never)).toThrow(AexError);
  });
});
