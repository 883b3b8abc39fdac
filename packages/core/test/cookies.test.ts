import { Aex, get, type CookieOptions } from "@aex/core";
import { get as httpGet, listen } from "./support/http";

class Cookies {
  @get("/set-cookie")
  setCookie(_req: any, res: any) {
    const cookieOptions: CookieOptions = {
      maxAge: 3600,
      secure: true, // Only send cookie over HTTPS
      httpOnly: true, // Make the cookie inaccessible to JavaScript
      sameSite: "Strict", // Restrict the cookie to first-party contexts
    };
    res.cookies.set("userSession", "abcd1234", cookieOptions); // Set a cookie with options
    res.cookies.set("note", "a b;c=d", {
      domain: "example.test",
      path: "/app",
      expires: new Date(Date.UTC(2030, 0, 1)),
    });
    res.send("Cookie has been set!");
  }

  @get("/get-cookie")
  getCookie(req: any, res: any) {
    const userSession = req.cookies.get("userSession"); // Get the cookie
    res.send(userSession ? `Session: ${userSession}` : "No user session cookie found.");
  }

  @get("/get-all-cookies")
  getAll(req: any, res: any) {
    const allCookies = req.cookies.getAll(); // Get all cookies
    res.json(allCookies);
  }

  @get("/delete-cookie")
  deleteCookie(_req: any, res: any) {
    res.cookies.delete("userSession"); // Delete the cookie
    res.send("Cookie has been deleted.");
  }

  @get("/set-twice")
  setTwice(_req: any, res: any) {
    res.cookies.set("sid", "first");
    res.cookies.set("sid", "other-path", { path: "/app" });
    res.cookies.set("theme", "dark");
    res.cookies.set("sid", "second");
    res.send("set");
  }

  @get("/bad-cookie")
  badCookie(_req: any, res: any) {
    res.cookies.set("bad name", "x");
    res.send("never");
  }
}

describe("req.cookies and res.cookies", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex({ production: true }).push(Cookies);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("sets cookies with every option, encoding values", async () => {
    const res = await httpGet(base, "/set-cookie");
    expect(res.text).toBe("Cookie has been set!");
    expect(res.headers["set-cookie"]).toEqual([
      "userSession=abcd1234; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Strict",
      "note=a%20b%3Bc%3Dd; Domain=example.test; Path=/app; Expires=Tue, 01 Jan 2030 00:00:00 GMT",
    ]);
  });

  it("sends one line for a cookie set twice in a response (regression: a login that rotated the session twice sent two aex.sid)", async () => {
    const res = await httpGet(base, "/set-twice");
    expect(res.status).toBe(200);
    expect(res.headers["set-cookie"]).toEqual([
      "sid=other-path; Path=/app",
      "theme=dark; Path=/",
      "sid=second; Path=/",
    ]);
  });

  it("reads one cookie and all cookies", async () => {
    const headers = { Cookie: "userSession=abcd1234; note=a%20b%3Bc%3Dd; broken=%E0%A4%A" };
    expect((await httpGet(base, "/get-cookie", headers)).text).toBe("Session: abcd1234");
    expect((await httpGet(base, "/get-cookie")).text).toBe("No user session cookie found.");
    expect((await httpGet(base, "/get-all-cookies", headers)).json()).toEqual({
      userSession: "abcd1234",
      note: "a b;c=d",
      broken: "%E0%A4%A",
    });
  });

  it("deletes a cookie by expiring it now", async () => {
    const res = await httpGet(base, "/delete-cookie");
    expect(res.headers["set-cookie"]).toEqual([
      "userSession=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    ]);
  });

  it("refuses a cookie name that would break the header (500, server keeps serving)", async () => {
    const res = await httpGet(base, "/bad-cookie");
    expect(res.status).toBe(500);
    expect((await httpGet(base, "/get-cookie")).status).toBe(200);
  });
});

describe("res.cookies.set twice in one response", () => {
  it("replaces the earlier line of the same cookie (name, path, domain) and keeps other cookies", async () => {
    class Twice {
      @get("/twice")
      twice(_req: unknown, res: { cookies: { set(n: string, v: string, o?: CookieOptions): void }; end(): void }) {
        res.cookies.set("sid", "first", { httpOnly: true });
        res.cookies.set("theme", "dark");
        res.cookies.set("sid", "elsewhere", { path: "/admin" });
        res.cookies.set("sid", "second", { httpOnly: true });
        res.end();
      }
    }
    const res = await new Aex().push(Twice).inject().get("/twice");
    expect(res.status).toBe(200);
    expect(res.headers["set-cookie"]).toEqual([
      "theme=dark; Path=/",
      "sid=elsewhere; Path=/admin",
      "sid=second; Path=/; HttpOnly",
    ]);
  });
});
