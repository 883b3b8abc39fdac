import { Aex, get, post, type AexRequest, type AexResponse, type RouteScope } from "@aex/core";
import { auth, roles, signJwt, type AuthUser } from "@aex/auth";

const secret = process.env.JWT_SECRET ?? "change-me-to-32-or-more-random-characters";
const verified = auth({ keys: secret, issuer: "https://notes.example", audience: "notes" });

class Session {
  @post("/token")
  async token(_req: any, res: any) {
    const token = await signJwt({ sub: "alice", roles: ["admin"] }, secret, {
      issuer: "https://notes.example",
      audience: "notes",
      expiresIn: "15m",
    });
    res.json({ token });
  }

  @get("/me")
  @verified
  me(_req: AexRequest, res: AexResponse, scope: RouteScope<"/me", { user: AuthUser }>) {
    res.json({ user: scope.user.sub });
  }

  @get("/admin")
  @verified
  @roles("admin")
  admin(_req: any, res: any) {
    res.end("admin area");
  }
}

const aex = new Aex().push(Session);

describe("docs/auth.md: tokens, @auth and @roles", () => {
  it("signs a token that @auth and @roles accept, and refuses requests without it", async () => {
    const { token } = (await aex.inject().post("/token")).json<{ token: string }>();
    const me = await aex.inject().get("/me").set("Authorization", `Bearer ${token}`);
    expect(me.json()).toEqual({ user: "alice" });
    expect((await aex.inject().get("/admin").set("Authorization", `Bearer ${token}`)).text()).toBe("admin area");
    const anonymous = await aex.inject().get("/admin");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toBe('Bearer realm="api"');
  });
});
