// Compiled by tsc under both decorator modes (the repository's tsconfig.json and
// tsconfig.legacy.json): every `@ts-expect-error` must be an error, or tsc fails.
import { get, type AexRequest, type AexResponse, type RouteScope, type Scope } from "@aex/core";
import { auth, type AuthUser } from "@aex/auth";

const required = auth({ keys: "a-secret-of-32-or-more-characters!!" });
const optional = auth({ keys: "a-secret-of-32-or-more-characters!!", optional: true });

export class Profiles {
  // After a required @auth, scope.user is there: a handler may say so.
  @get("/me")
  @required
  me(_req: AexRequest, res: AexResponse, scope: RouteScope<"/me", { user: AuthUser }>) {
    res.json({ sub: scope.user.sub });
  }

  // After an optional @auth, a handler that reads scope.user as maybe missing is fine.
  @get("/feed")
  @optional
  feed(_req: AexRequest, res: AexResponse, scope: RouteScope<"/feed", { user: AuthUser | undefined }>) {
    res.json({ sub: scope.user?.sub ?? null });
  }

  // @ts-expect-error auth({ optional: true }) lets requests without a token through: user may be undefined
  @optional
  @get("/maybe")
  maybe(_req: AexRequest, res: AexResponse, scope: RouteScope<"/maybe", { user: AuthUser }>) {
    res.json({ sub: scope.user.sub });
  }

  // A plain Scope is not checked; its user is AuthUser | undefined.
  @get("/plain")
  @required
  plain(_req: AexRequest, res: AexResponse, scope: Scope) {
    // @ts-expect-error a plain scope's user may be undefined
    res.json({ sub: scope.user.sub });
  }
}
