import { Aex, get, post } from "@aex/core";
import { csrf } from "@aex/core/csrf";
import { methodOverride } from "@aex/core/method-override";
import { listen, raw } from "../support/http";

// The route-guard contract of @aex/auth's guard-bypass test, for core's csrf(): a request
// that reaches the handler without a token is a bypass.
let reached: string[] = [];

const guard = csrf({ secret: "a-csrf-signing-secret" });

class Notes {
  @get("/notes/new")
  @guard
  form(_req: any, res: any, scope: any) {
    res.end(scope.csrfToken);
  }

  @post("/notes")
  @guard
  note(req: any, res: any) {
    reached.push(`${req.method} ${req.url}`);
    res.end("saved");
  }
}

const PATHS = [
  "/notes",
  "/NOTES",
  "/notes/",
  "/notes//",
  "//notes",
  "/%6eotes",
  "/notes%2F",
  "/notes%2f",
  "/notes;x",
  "/notes%00",
  "/notes%20",
  "/./notes",
  "/x/../notes",
  "http://x/notes",
];
const METHODS = ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"];

describe("csrf() on a route holds for every request that reaches its handler", () => {
  beforeEach(() => (reached = []));

  it("path variants, other methods and method overrides never reach a guarded handler without a token", async () => {
    const aex = new Aex().use(methodOverride()).push(Notes);
    const base = await listen(aex);
    try {
      const answers = new Set<string>();
      for (const method of METHODS) {
        for (const path of PATHS) {
          const text = await raw(
            base,
            `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
          );
          answers.add(text.slice(9, 12));
        }
      }
      for (const [header, value] of [
        ["X-HTTP-Method-Override", "POST"],
        ["X-HTTP-Method-Override", "GET"],
        ["X-HTTP-Method", "POST"],
        ["X-Method-Override", "POST"],
      ]) {
        const text = await raw(
          base,
          `POST /notes HTTP/1.1\r\nHost: x\r\n${header}: ${value}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        );
        answers.add(text.slice(9, 12));
      }
      const missing = await raw(
        base,
        "POST /notes HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      );
      expect(missing).toMatch(/^HTTP\/1\.1 403 /);
      expect(missing).toContain('"code":"AEX_CSRF_MISSING"');
      expect(reached).toEqual([]);
      // Refused, not found, not allowed or malformed.
      expect([...answers].filter((status) => !["400", "403", "404", "405"].includes(status))).toEqual([]);

      // With the page's token and cookie, the same handler answers.
      const page = await aex.inject().get("/notes/new");
      const cookie = String(page.headers["set-cookie"]).split(";")[0];
      const saved = await aex.inject().post("/notes/").set({ Cookie: cookie, "X-CSRF-Token": page.text() });
      expect(saved.status).toBe(200);
      expect(saved.text()).toBe("saved");
      expect(reached).toEqual(["POST /notes/"]);
    } finally {
      await aex.close();
    }
  });
});
