import { AexError, HttpError, type AexRequest, type Scope } from "@aex/core";
import { decoratorStep, type DecoratorStep } from "@aex/core/plugin";
import { CHALLENGE, DEFAULT_CHALLENGE, type Challenge } from "./auth-challenge";
import { defineUserSlot, type AuthUser } from "./auth-user";

function rolesOf(user: AuthUser): readonly string[] {
  if (Array.isArray(user.roles)) return user.roles.filter((role): role is string => typeof role === "string");
  return typeof user.role === "string" ? [user.role] : [];
}

/**
 * Lets a request through when `scope.user` (from `@auth`) has one of `names` in its
 * `roles` claim (or its `role`). Without a user: 401 `AEX_AUTH_MISSING`; without the
 * role: 403 `AEX_AUTH_FORBIDDEN` with `WWW-Authenticate: Bearer error="insufficient_scope"`
 * (the scheme and realm of the `@auth` before it).
 *
 * @example
 * class Admin {
 *   @get("/admin")
 *   @auth({ keys: secret })
 *   @roles("admin", "owner")
 *   panel(req, res) { res.end("ok"); }
 * }
 */
export function roles(...names: string[]): DecoratorStep {
  if (names.length === 0 || names.some((name) => typeof name !== "string" || name === "")) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "@roles takes one or more role names");
  }
  const wanted = new Set(names);
  function check(_req: AexRequest, _res: unknown, scope: Scope): undefined {
    const user = scope.user;
    // The challenge of the @auth step before this one (its scheme and realm).
    const challenge = (scope as Scope & { [CHALLENGE]?: Challenge })[CHALLENGE] ?? DEFAULT_CHALLENGE;
    if (user === undefined || user === null) {
      throw new HttpError(401, "Authentication is required", {
        code: "AEX_AUTH_MISSING",
        headers: { "WWW-Authenticate": challenge.header },
      });
    }
    if (rolesOf(user).some((role) => wanted.has(role))) return undefined;
    throw new HttpError(403, "A required role is missing", {
      code: "AEX_AUTH_FORBIDDEN",
      headers: { "WWW-Authenticate": `${challenge.header}, error="insufficient_scope"` },
    });
  }

  return decoratorStep(
    `roles(${names.join(",")})`,
    {
      build: () => {
        defineUserSlot();
        return check;
      },
    },
    {
      roles: names,
      responses: { "401": "No authenticated user", "403": "A required role is missing (`AEX_AUTH_FORBIDDEN`)" },
    },
  );
}
