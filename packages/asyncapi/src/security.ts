import type { SecuritySchemeDoc, StepDefinition } from "@aex/core/plugin";
import type { JsonSchema } from "@aex/openapi";

/**
 * An OpenAPI 3.1 Security Scheme Object (what guards declare) as AsyncAPI 3.0 writes it: an
 * API key in a header, query or cookie is `httpApiKey` (AsyncAPI's `apiKey` is a key in
 * the user or password field); OAuth 2 flows name their scopes `availableScopes`.
 */
export function toAsyncApiScheme(scheme: SecuritySchemeDoc["scheme"]): JsonSchema {
  if (scheme.type === "apiKey") return { ...scheme, type: "httpApiKey" };
  if (scheme.type === "oauth2" && typeof scheme.flows === "object" && scheme.flows !== null) {
    const flows: Record<string, unknown> = {};
    for (const [name, flow] of Object.entries(scheme.flows as Record<string, JsonSchema>)) {
      const { scopes, ...rest } = flow;
      flows[name] = { ...rest, availableScopes: scopes ?? {} };
    }
    return { ...scheme, flows };
  }
  return { ...scheme };
}

/** What a route's guards require, as an AsyncAPI operation says it. */
export interface RouteSecurity {
  /** The schemes any one of which lets a client in (AsyncAPI lists alternatives only). */
  readonly names: readonly string[];
  /** The roles `@roles` asks for, which AsyncAPI has no field for (`x-aex-roles`). */
  readonly roles: readonly string[];
}

/**
 * The security of a route from its guard steps (the `openapi` their `decoratorStep`
 * declares: `@auth`, `@apiKey`, `@roles`), adding their schemes to `schemes`. Undefined when
 * no step requires credentials: a route whose every guard is optional lets anyone in, which
 * AsyncAPI 3.0 says by listing no security.
 */
export function securityOf(
  definitions: readonly StepDefinition[],
  schemes: Map<string, JsonSchema>,
): RouteSecurity | undefined {
  const names: string[] = [];
  for (const definition of definitions) {
    const security = definition.openapi?.security;
    if (security === undefined || security.length === 0 || definition.openapi?.optional === true) continue;
    for (const { name, scheme } of security) {
      schemes.set(name, toAsyncApiScheme(scheme));
      if (!names.includes(name)) names.push(name);
    }
  }
  if (names.length === 0) return undefined;
  return { names, roles: definitions.flatMap((d) => d.openapi?.roles ?? []) };
}
