import { Aex, body, get, post, type AexOptions } from "@aex/core";
import { csrf } from "@aex/core/csrf";
import { session } from "@aex/session";
import { listen, send } from "../support/http";

class Forms {
  @get("/form")
  form(_req: any, res: any, scope: any) {
    res.json({ token: scope.csrfToken });
  }

  @post("/notes")
  @body("urlencoded")
  @csrf()
  create(_req: any, res: any) {
    res.end("saved");
  }

  @post("/api/notes")
  save(_req: any, res: any) {
    res.end("saved");
  }
}

function cookieOf(setCookie: string[] | string | undefined, name: string): string {
  const line = ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`no ${name} cookie`);
  return line.split(";")[0]!;
}

/** A cookie-session app: session first, then csrf for every request. */
function sessionApp(): Aex {
  const aex = new Aex();
  aex.use(session(undefined, { secret: "a-session-secret-long-enough-to-sign" }));
  aex.use(csrf());
  aex.push(Forms);
  return aex;
}

describe("csrf(options) with a session (synchronizer token)", () => {
  it("gives a token on GET and accepts it back in X-CSRF-Token", async () => {
    const aex = sessionApp();
    const page = await aex.inject().get("/form");
    expect(page.status).toBe(200);
    const { token } = page.json<{ token: string }>();
    expect(token).toMatch(/^[\w-]{43}$/);
    const sid = cookieOf(page.headers["set-cookie"], "aex.sid");
    expect(String(page.headers["set-cookie"])).not.toContain("aex.csrf");
    const saved = await aex.inject().post("/api/notes").set({ Cookie: sid, "X-CSRF-Token": token });
    expect(saved.status).toBe(200);
    expect(saved.text()).toBe("saved");
    // The same session keeps the same token.
    expect((await aex.inject().get("/form").set("Cookie", sid)).json()).toEqual({ token });
  });

  it("refuses a missing token (AEX_CSRF_MISSING) and another session's token (AEX_CSRF_INVALID)", async () => {
    const aex = sessionApp();
    const mine = await aex.inject().get("/form");
    const sid = cookieOf(mine.headers["set-cookie"], "aex.sid");
    const missing = await aex.inject().post("/api/notes").set("Cookie", sid);
    expect(missing.status).toBe(403);
    expect(missing.json()).toMatchObject({ status: 403, code: "AEX_CSRF_MISSING" });
    const theirs = (await aex.inject().get("/form")).json<{ token: string }>().token;
    const stolen = await aex.inject().post("/api/notes").set({ Cookie: sid, "X-CSRF-Token": theirs });
    expect(stolen.status).toBe(403);
    expect(stolen.json()).toMatchObject({ code: "AEX_CSRF_INVALID" });
    const forgedCookie = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: "aex.sid=forged.value", "X-CSRF-Token": theirs });
    expect(forgedCookie.json()).toMatchObject({ code: "AEX_CSRF_INVALID" });
  });
});

describe("csrf(options) across a login that rotates the session id", () => {
  class Login {
    @get("/form")
    form(_req: any, res: any, scope: any) {
      res.json({ token: scope.csrfToken });
    }

    // Writing an identity key rotates the session id when the response ends.
    @post("/login")
    login(_req: any, res: any, scope: any) {
      scope.session.user = "alice";
      res.end("logged in");
    }

    // An explicit regenerate(): the token read after it is the new session's.
    @post("/login-now")
    async loginNow(_req: any, res: any, scope: any) {
      await scope.session.regenerate();
      scope.session.user = "alice";
      res.json({ token: scope.csrfToken });
    }

    @post("/api/notes")
    save(_req: any, res: any) {
      res.end("saved");
    }
  }

  function loginApp(): Aex {
    const aex = new Aex();
    aex.use(session(undefined, { secret: "a-session-secret-long-enough-to-sign" }));
    aex.use(csrf());
    return aex.push(Login);
  }

  async function anonymous(aex: Aex): Promise<{ token: string; sid: string }> {
    const page = await aex.inject().get("/form");
    expect(page.status).toBe(200);
    return { token: page.json<{ token: string }>().token, sid: cookieOf(page.headers["set-cookie"], "aex.sid") };
  }

  it("regression: a CSRF token given before login is refused after the login rotated the session id", async () => {
    const aex = loginApp();
    const before = await anonymous(aex);
    const login = await aex.inject().post("/login").set({ Cookie: before.sid, "X-CSRF-Token": before.token });
    expect(login.status).toBe(200);
    expect(login.text()).toBe("logged in");
    const sid = cookieOf(login.headers["set-cookie"], "aex.sid");
    expect(sid).not.toBe(before.sid);

    const stale = await aex.inject().post("/api/notes").set({ Cookie: sid, "X-CSRF-Token": before.token });
    expect(stale.status).toBe(403);
    expect(stale.json()).toMatchObject({ status: 403, code: "AEX_CSRF_INVALID" });

    const page = await aex.inject().get("/form").set("Cookie", sid);
    const { token } = page.json<{ token: string }>();
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(token).not.toBe(before.token);
    const saved = await aex.inject().post("/api/notes").set({ Cookie: sid, "X-CSRF-Token": token });
    expect(saved.status).toBe(200);
    expect(saved.text()).toBe("saved");
  });

  it("regression: after session.regenerate() the old token is refused and the one read after it works", async () => {
    const aex = loginApp();
    const before = await anonymous(aex);
    const login = await aex.inject().post("/login-now").set({ Cookie: before.sid, "X-CSRF-Token": before.token });
    expect(login.status).toBe(200);
    const sid = cookieOf(login.headers["set-cookie"], "aex.sid");
    expect(sid).not.toBe(before.sid);
    const { token } = login.json<{ token: string }>();
    expect(token).not.toBe(before.token);

    const stale = await aex.inject().post("/api/notes").set({ Cookie: sid, "X-CSRF-Token": before.token });
    expect(stale.status).toBe(403);
    expect(stale.json()).toMatchObject({ status: 403, code: "AEX_CSRF_INVALID" });
    const fresh = await aex.inject().post("/api/notes").set({ Cookie: sid, "X-CSRF-Token": token });
    expect(fresh.status).toBe(200);
    expect((await aex.inject().get("/form").set("Cookie", sid)).json()).toEqual({ token });
  });

  it("keeps the token while the session id stays, and refuses a guessed one", async () => {
    const aex = loginApp();
    const { sid, token } = await anonymous(aex);
    // The same session keeps its token while its id stays.
    expect((await aex.inject().get("/form").set("Cookie", sid)).json()).toEqual({ token });
    const planted = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: sid, "X-CSRF-Token": "x".repeat(43) });
    expect(planted.status).toBe(403);
    expect(planted.json()).toMatchObject({ code: "AEX_CSRF_INVALID" });
  });
});

describe("csrf(options) without a session (double-submit cookie)", () => {
  function cookieApp(): Aex {
    const aex = new Aex();
    aex.use(csrf({ secret: "a-csrf-signing-secret" }));
    aex.push(Forms);
    return aex;
  }

  it("sets a signed cookie on first read of scope.csrfToken and accepts the token from the _csrf field", async () => {
    const guard = csrf({ secret: "a-csrf-signing-secret" });
    class Signup {
      @get("/signup")
      @guard
      form(_req: any, res: any, scope: any) {
        res.end(`<input type="hidden" name="_csrf" value="${scope.csrfToken}">`);
      }

      @post("/signup")
      @body("urlencoded")
      @guard
      create(_req: any, res: any, scope: any) {
        res.end(`welcome ${scope.body.name}`);
      }
    }
    const aex = new Aex().push(Signup);
    const page = await aex.inject().get("/signup");
    const token = /value="([^"]+)"/.exec(page.text())![1]!;
    const cookie = cookieOf(page.headers["set-cookie"], "aex.csrf");
    expect(cookie).toBe(`aex.csrf=${token}`);
    expect(String(page.headers["set-cookie"])).toContain("SameSite=Strict");
    const form = `name=ann&_csrf=${encodeURIComponent(token)}`;
    const saved = await aex
      .inject()
      .post("/signup")
      .set("Cookie", cookie)
      .send(form, "application/x-www-form-urlencoded");
    expect(saved.status).toBe(200);
    expect(saved.text()).toBe("welcome ann");
    const without = await aex
      .inject()
      .post("/signup")
      .set("Cookie", cookie)
      .send("name=ann", "application/x-www-form-urlencoded");
    expect(without.status).toBe(403);
    expect(without.json()).toMatchObject({ code: "AEX_CSRF_MISSING" });
  });

  it("refuses a token that differs from the cookie, and an unsigned planted cookie", async () => {
    const aex = cookieApp();
    const { token } = (await aex.inject().get("/form")).json<{ token: string }>();
    const other = (await aex.inject().get("/form")).json<{ token: string }>().token;
    const mismatch = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: `aex.csrf=${other}`, "X-CSRF-Token": token });
    expect(mismatch.status).toBe(403);
    expect(mismatch.json()).toMatchObject({ code: "AEX_CSRF_INVALID" });
    const planted = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: "aex.csrf=planted", "X-CSRF-Token": "planted" });
    expect(planted.status).toBe(403);
    expect(planted.json()).toMatchObject({ code: "AEX_CSRF_INVALID" });
    const huge = "a".repeat(4000);
    const big = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: `aex.csrf=${huge}`, "X-CSRF-Token": huge });
    expect(big.json()).toMatchObject({ code: "AEX_CSRF_INVALID" });
  });

  it("does not read scope.csrfToken unless asked: no cookie for pages without forms", async () => {
    const aex = new Aex();
    aex.use(csrf());
    aex.use((_req, res) => res.end("plain"));
    const res = await aex.inject().get("/");
    expect(res.text()).toBe("plain");
    expect(res.headers["set-cookie"]).toBeUndefined();
  });
});

describe("csrf(options) origin checks", () => {
  async function tokenAndCookie(aex: Aex) {
    const page = await aex.inject().get("/form");
    return { token: page.json<{ token: string }>().token, cookie: cookieOf(page.headers["set-cookie"], "aex.csrf") };
  }
  function app(options = {}) {
    const aex = new Aex();
    aex.use(csrf(options));
    aex.push(Forms);
    return aex;
  }

  it("refuses Sec-Fetch-Site: cross-site and a foreign Origin with AEX_CSRF_ORIGIN, even with a good token", async () => {
    const aex = app();
    const { token, cookie } = await tokenAndCookie(aex);
    const crossSite = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: cookie, "X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.json()).toMatchObject({ code: "AEX_CSRF_ORIGIN" });
    const foreign = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: cookie, "X-CSRF-Token": token, Origin: "https://evil.example" });
    expect(foreign.json()).toMatchObject({ code: "AEX_CSRF_ORIGIN" });
    const nullOrigin = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: cookie, "X-CSRF-Token": token, Origin: "null" });
    expect(nullOrigin.json()).toMatchObject({ code: "AEX_CSRF_ORIGIN" });
  });

  it("accepts the request's own origin, same-origin fetches and trusted origins", async () => {
    const aex = app({ trustedOrigins: ["https://app.example"] });
    const { token, cookie } = await tokenAndCookie(aex);
    const host = "api.example";
    const own = await aex
      .inject()
      .post("/api/notes")
      .set({
        Host: host,
        Cookie: cookie,
        "X-CSRF-Token": token,
        Origin: `http://${host}`,
        "Sec-Fetch-Site": "same-origin",
      });
    expect(own.status).toBe(200);
    const trusted = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: cookie, "X-CSRF-Token": token, Origin: "https://app.example", "Sec-Fetch-Site": "cross-site" });
    expect(trusted.status).toBe(200);
  });

  /** A double-submit app on a real socket; returns its base URL, a token and its cookie. */
  async function served(options: AexOptions, headers: Record<string, string>) {
    const aex = new Aex(options);
    aex.use(csrf({ secret: "a-csrf-signing-secret" }));
    aex.push(Forms);
    const base = await listen(aex);
    const page = await send(base, "GET", "/form", { headers });
    expect(page.status).toBe(200);
    const token = page.json<{ token: string }>().token;
    const secure = options.trustProxy !== undefined && headers["X-Forwarded-Proto"] === "https";
    const cookie = cookieOf(page.headers["set-cookie"], secure ? "__Host-aex.csrf" : "aex.csrf");
    const post = (origin: string, extra: Record<string, string> = {}) =>
      send(base, "POST", "/api/notes", {
        headers: { Cookie: cookie, "X-CSRF-Token": token, ...headers, ...extra, Origin: origin },
      });
    return { aex, base, page, token, post };
  }

  it("regression: over HTTPS the double-submit cookie is __Host- prefixed, so a sibling subdomain cannot plant a token", async () => {
    const https = { Host: "app.example", "X-Forwarded-Proto": "https" };
    const { aex, base, page, post } = await served({ trustProxy: "loopback" }, https);
    try {
      const line = ([] as string[])
        .concat(page.headers["set-cookie"] ?? [])
        .find((c) => c.startsWith("__Host-aex.csrf="));
      expect(line).toMatch(/^__Host-aex\.csrf=[^;]+; Path=\/; Secure; SameSite=Strict$/);
      expect(line).not.toMatch(/Domain=/i);
      // The attacker's own, well-signed token, planted as the unprefixed cookie a sibling
      // subdomain can set (Domain=.example): not the cookie read over HTTPS.
      const attacker = await send(base, "GET", "/form", { headers: https });
      const planted = attacker.json<{ token: string }>().token;
      const tossed = await post("https://app.example", { Cookie: `aex.csrf=${planted}`, "X-CSRF-Token": planted });
      expect(tossed.status).toBe(403);
      expect(tossed.json()).toMatchObject({ status: 403, code: "AEX_CSRF_INVALID" });
      const own = await post("https://app.example");
      expect(own.status).toBe(200);
      expect(own.text).toBe("saved");
    } finally {
      await aex.close();
    }
  });

  it("regression: CSRF behind a TLS-terminating proxy accepts the https origin and refuses the http one", async () => {
    const proxy = { Host: "app.example", "X-Forwarded-Proto": "https", "Sec-Fetch-Site": "same-origin" };
    const { aex, page, post } = await served({ trustProxy: "loopback" }, proxy);
    try {
      // The cookie is Secure: the client's connection was HTTPS.
      expect(String(page.headers["set-cookie"])).toMatch(/; Secure/);
      const https = await post("https://app.example");
      expect(https.status).toBe(200);
      expect(https.text).toBe("saved");
      const http = await post("http://app.example");
      expect(http.status).toBe(403);
      expect(http.json()).toMatchObject({ status: 403, code: "AEX_CSRF_ORIGIN" });
      // Browsers write the origin in lower case without the default port; Host may not be.
      expect((await post("https://app.example", { Host: "App.Example:443" })).status).toBe(200);
      // The proxy names the public host in X-Forwarded-Host when it rewrites Host.
      const rewritten = await post("https://app.example", {
        Host: "127.0.0.1:3000",
        "X-Forwarded-Host": "app.example",
      });
      expect(rewritten.status).toBe(200);
      const foreign = await post("https://evil.example", { Host: "127.0.0.1:3000", "X-Forwarded-Host": "app.example" });
      expect(foreign.status).toBe(403);
      expect(foreign.json()).toMatchObject({ code: "AEX_CSRF_ORIGIN" });
    } finally {
      await aex.close();
    }
  });

  it("without trustProxy, X-Forwarded-Proto and X-Forwarded-Host are not believed", async () => {
    const spoofed = { Host: "app.example", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example" };
    const { aex, page, post } = await served({}, spoofed);
    try {
      expect(String(page.headers["set-cookie"])).not.toMatch(/Secure/);
      expect((await post("http://app.example")).status).toBe(200);
      for (const origin of ["https://app.example", "http://evil.example"]) {
        const refused = await post(origin);
        expect(refused.status).toBe(403);
        expect(refused.json()).toMatchObject({ status: 403, code: "AEX_CSRF_ORIGIN" });
      }
    } finally {
      await aex.close();
    }
  });

  it("refuses a Sec-Fetch-Site that is no browser's single value (two headers joined)", async () => {
    const aex = app();
    const { token, cookie } = await tokenAndCookie(aex);
    for (const site of ["same-origin, cross-site", "cross-site, same-origin", "same-origin-ish"]) {
      const res = await aex
        .inject()
        .post("/api/notes")
        .set({ Cookie: cookie, "X-CSRF-Token": token, "Sec-Fetch-Site": site });
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ status: 403, code: "AEX_CSRF_ORIGIN" });
    }
    const none = await aex
      .inject()
      .post("/api/notes")
      .set({ Cookie: cookie, "X-CSRF-Token": token, "Sec-Fetch-Site": "none" });
    expect(none.status).toBe(200);
  });

  it("lets safe methods through without a token", async () => {
    const aex = app();
    aex.use((_req, res) => res.end("safe"));
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const res = await aex.inject().request(method, "/nothing").set("Sec-Fetch-Site", "cross-site");
      expect(res.status).toBe(200);
    }
  });
});
