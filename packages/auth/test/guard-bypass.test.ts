import { Aex, Router, del, get } from "@aex/core";
import { apiKey, auth, roles, signJwt } from "@aex/auth";
import { methodOverride } from "@aex/core/method-override";
import { listen, raw } from "./support/http";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const KEY = "k_live_0123456789abcdef";

/** Every guarded handler counts here: a request that reaches one without credentials is a bypass. */
let reached: string[] = [];

class Guarded {
  @get("/admin")
  @auth({ keys: SECRET })
  panel(req: any, res: any) {
    reached.push(`${req.method} ${req.url}`);
    res.end("panel");
  }

  @get("/admin/users/:id")
  @auth({ keys: SECRET })
  @roles("admin")
  user(req: any, res: any) {
    reached.push(`${req.method} ${req.url}`);
    res.end("user");
  }

  @del("/admin/users/:id")
  @auth({ keys: SECRET })
  remove(req: any, res: any) {
    reached.push(`${req.method} ${req.url}`);
    res.end("removed");
  }

  @get("/keys")
  @apiKey({ keys: [KEY] })
  keys(req: any, res: any) {
    reached.push(`${req.method} ${req.url}`);
    res.end("keys");
  }
}

function app(): Aex {
  const aex = new Aex();
  aex.use(methodOverride());
  const router = new Router().use(auth({ keys: SECRET }));
  router.get("/r/secret", (req: any, res: any) => {
    reached.push(`${req.method} ${req.url}`);
    res.end("secret");
  });
  aex.use(router.toMiddleware());
  return aex.push(Guarded);
}

const PATHS = [
  ...["/admin", "/admin/users/1", "/keys", "/r/secret"].flatMap((path) => [
    path,
    path.toUpperCase(),
    `${path}/`,
    `${path}//`,
    `/${path}`,
    path.replace(/^\/([a-z])/, (_, c: string) => `/%${c.charCodeAt(0).toString(16)}`),
    `${path}%2F`,
    `${path}%2f`,
    `${path};x`,
    `${path}%00`,
    `${path}%20`,
    `/.${path}`,
    `/x/..${path}`,
    `http://x${path}`,
  ]),
  "/admin/users%2F1",
  "/admin%2Fusers/1",
  "/r%2Fsecret",
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"];

describe("@auth, @roles and @apiKey on a route hold for every request that reaches its handler", () => {
  beforeEach(() => (reached = []));

  it("path variants, other methods and method overrides never reach a guarded handler without credentials", async () => {
    const aex = app();
    const base = await listen(aex);
    try {
      const answers = new Set<string>();
      for (const method of METHODS) {
        for (const path of PATHS) {
          const text = await raw(base, `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
          answers.add(text.slice(9, 12));
        }
      }
      for (const [header, value] of [
        ["X-HTTP-Method-Override", "DELETE"],
        ["X-HTTP-Method-Override", "GET"],
        ["X-HTTP-Method", "DELETE"],
        ["X-Method-Override", "DELETE"],
      ]) {
        const text = await raw(
          base,
          `POST /admin/users/1 HTTP/1.1\r\nHost: x\r\n${header}: ${value}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        );
        answers.add(text.slice(9, 12));
      }
      // A token without the role, and a header spelled twice, do not get through either.
      const user = await signJwt({ sub: "u", roles: ["user"] }, SECRET);
      const noRole = await raw(
        base,
        `GET /admin/users/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${user}\r\nConnection: close\r\n\r\n`,
      );
      expect(noRole).toMatch(/^HTTP\/1\.1 403 /);
      const twice = await raw(
        base,
        `GET /keys HTTP/1.1\r\nHost: x\r\nX-API-Key: ${KEY}\r\nX-API-Key: ${KEY}\r\nConnection: close\r\n\r\n`,
      );
      expect(twice).toMatch(/^HTTP\/1\.1 401 /);
      expect(twice).toContain('"code":"AEX_API_KEY_INVALID"');
      expect(reached).toEqual([]);
      // Refused (401, 403), not found, not allowed, malformed, or the automatic OPTIONS answer.
      expect([...answers].filter((status) => !["204", "400", "401", "403", "404", "405"].includes(status))).toEqual([]);
      expect(answers.has("401")).toBe(true);

      // With credentials, the same handlers answer.
      const admin = await signJwt({ sub: "a", roles: ["admin"] }, SECRET);
      const ok = await raw(
        base,
        `GET /admin/users/1/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nConnection: close\r\n\r\n`,
      );
      expect(ok).toMatch(/^HTTP\/1\.1 200 /);
      expect(ok.endsWith("user")).toBe(true);
      expect(reached).toEqual(["GET /admin/users/1/"]);
    } finally {
      await aex.close();
    }
  });
});
