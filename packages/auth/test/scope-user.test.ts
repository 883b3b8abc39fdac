import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { Aex, get, type Scope } from "@aex/core";
import { rateLimit } from "@aex/core/rate-limit";
import { auth, roles, signJwt, type AuthUser } from "@aex/auth";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";

describe("scope.user, the slot @auth fills", () => {
  it("regression: require('@aex/core') loads no jose, and @aex/auth defines scope.user when an @auth step is built, not at import", () => {
    // A process of its own (a test runner's module cache is shared), on the built packages.
    const out = execFileSync(process.execPath, [join(__dirname, "fixtures", "require-auth.js")], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({
      joseAfterCore: 0,
      joseAfterAuth: true,
      userAtImport: false,
      userAfterBuild: true,
      status: 200,
      body: "ada",
    });
  });

  it("is typed AuthUser | undefined and read-only; a step of your own fills it with provide()", async () => {
    // Your own login (a session, a header a gateway signs) puts its user where @roles looks.
    const login = (req: { get(name: string): string | undefined }, _res: unknown, scope: Scope) => {
      const name = req.get("x-user");
      if (name !== undefined) scope.provide("user", { sub: name, roles: name === "root" ? ["admin"] : [] });
    };
    class Admin {
      @get("/admin")
      @roles("admin")
      panel(_req: unknown, res: { end(text: string): void }, scope: Scope) {
        const user: AuthUser | undefined = scope.user;
        res.end(`hello ${user?.sub}`);
      }
    }
    const aex = new Aex().use(login).push(Admin);
    const root = await aex.inject().get("/admin").set("X-User", "root");
    expect(root.status).toBe(200);
    expect(root.text()).toBe("hello root");
    const guest = await aex.inject().get("/admin").set("X-User", "guest");
    expect(guest.status).toBe(403);
    expect(guest.json()).toMatchObject({ status: 403, code: "AEX_AUTH_FORBIDDEN" });
    const nobody = await aex.inject().get("/admin");
    expect(nobody.status).toBe(401);
    expect(nobody.json()).toMatchObject({ status: 401, code: "AEX_AUTH_MISSING" });

    const assign = (scope: Scope) => {
      // @ts-expect-error scope.user is read-only: steps fill it with scope.provide("user", …)
      scope.user = { sub: "mallory" };
    };
    const writer = new Aex().use((_req, res, scope) => {
      try {
        assign(scope);
        res.end("assigned");
      } catch (error) {
        res.end((error as Error).name);
      }
    });
    writer.use(auth({ keys: SECRET, optional: true }));
    expect((await writer.inject().get("/")).text()).toBe("TypeError");
  });

  it('rateLimit({ by: "user" }) counts the subject @auth verified, and the address without a user', async () => {
    const aex = new Aex();
    aex.use(auth({ keys: SECRET, optional: true }));
    aex.use(rateLimit({ limit: 1, windowMs: 60_000, by: "user" }));
    aex.use((_req, res, scope) => res.end(scope.user?.sub ?? "anonymous"));
    const bearer = async (sub: string) => ({ Authorization: `Bearer ${await signJwt({ sub }, SECRET)}` });
    expect(
      (
        await aex
          .inject()
          .get("/")
          .set(await bearer("alice"))
      ).text(),
    ).toBe("alice");
    expect(
      (
        await aex
          .inject()
          .get("/")
          .set(await bearer("bob"))
      ).text(),
    ).toBe("bob");
    expect((await aex.inject().get("/")).text()).toBe("anonymous");
    const again = await aex
      .inject()
      .get("/")
      .set(await bearer("alice"));
    expect(again.status).toBe(429);
    expect(again.json()).toMatchObject({ status: 429, code: "AEX_RATE_LIMITED" });
    expect((await aex.inject().get("/")).status).toBe(429);
  });
});
