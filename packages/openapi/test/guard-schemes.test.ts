// What a guard tells the document: @auth's token extractors, each read as its own security
// scheme (guards say what they enforce through their step's openapi; this package reads it).
import { Aex, get } from "@aex/core";
import { auth, tokenFromCookie, tokenFromHeader, tokenFromQuery } from "@aex/auth";
import { buildOpenApi } from "@aex/openapi";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";

describe("buildOpenApi(routes) and @auth", () => {
  it("OpenAPI documents the scheme where the token is read", () => {
    class Routes {
      @get("/bearer")
      @auth({ keys: SECRET })
      bearer() {}

      @get("/token")
      @auth({ keys: SECRET, scheme: "Token" })
      token() {}

      @get("/places")
      @auth({
        keys: SECRET,
        from: [tokenFromCookie("jwt"), tokenFromQuery("access_token"), tokenFromHeader({ header: "X-Access-Token" })],
      })
      places() {}
    }
    const doc = buildOpenApi(new Aex().push(Routes).routes()) as {
      paths: Record<string, { get: { security?: unknown } }>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.paths["/bearer"].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/token"].get.security).toEqual([{ tokenAuth: [] }]);
    expect(doc.paths["/places"].get.security).toEqual([
      { cookie_jwt: [] },
      { query_access_token: [] },
      { "header_X-Access-Token": [] },
    ]);
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      tokenAuth: { type: "apiKey", in: "header", name: "Authorization", description: "`Authorization: Token <JWT>`" },
      cookie_jwt: { type: "apiKey", in: "cookie", name: "jwt" },
      query_access_token: { type: "apiKey", in: "query", name: "access_token" },
      "header_X-Access-Token": { type: "apiKey", in: "header", name: "X-Access-Token" },
    });
  });
});
