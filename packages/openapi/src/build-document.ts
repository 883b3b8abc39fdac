import { isStandardSchema, type RouteInfo } from "@aex/core/plugin";
import { SchemaComponents, type GivenSchema, type ToJson } from "./component-schemas";
import { docOf } from "./method-doc";
import { operationIds } from "./operation-ids";
import { operationOf, type OperationContext } from "./operation";
import { PROBLEM_SCHEMAS } from "./problem-schemas";
import type { JsonSchema } from "./rules-to-json-schema";
import { schemaToJsonSchema, type ToJsonSchema } from "./schema-to-json-schema";

/** Options of the generated document. */
export interface OpenApiOptions {
  /** The document's `info`; `title` and `version` default to "Aex app" and "1.0.0". */
  info?: {
    /** The API's name. */
    title?: string;
    /** The API's version (not OpenAPI's). */
    version?: string;
    /** A one-line summary of the API. */
    summary?: string;
    /** What the API is for (Markdown). */
    description?: string;
    /** A URL of the API's terms of service. */
    termsOfService?: string;
    /** Who to ask about the API. */
    contact?: {
      /** A person or team. */
      name?: string;
      /** Where to find them. */
      url?: string;
      /** Their e-mail address. */
      email?: string;
    };
    /** The API's license: `{ name: "MIT", identifier: "MIT" }` (an SPDX id) or `{ name, url }`. */
    license?: {
      /** The license's name. */
      name: string;
      /** Its SPDX identifier (not with `url`). */
      identifier?: string;
      /** Where its text is (not with `identifier`). */
      url?: string;
    };
  };
  /** The document's `servers`; default `[{ url: "/" }]` (the host that serves the document). */
  servers?: {
    /** The server's base URL. */
    url: string;
    /** Which server it is (production, staging…). */
    description?: string;
  }[];
  /**
   * Schemas to write once, in `components.schemas`, under these names: every body given one
   * of them (the same object), or with the same JSON Schema inside it, points there with
   * `$ref`. `{ Article, Profile }` names them as your variables are named. Schemas that name
   * themselves (zod's `.meta({ id })`, a JSON Schema's `$id` or `title`) need not be listed.
   */
  schemas?: Readonly<Record<string, GivenSchema>>;
  /** A description for each tag (a controller class's name), shown by reference pages. */
  tags?: Readonly<Record<string, string>>;
  /** Converts a Standard Schema that has no `~standard.jsonSchema` (e.g. valibot's `toJsonSchema`). */
  toJsonSchema?: ToJsonSchema;
}

const METHODS = new Set(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]);

/** `/notes/:id/*` → `/notes/{id}/{wildcard}`, with the parameter names. */
function openApiPath(path: string): { path: string; names: string[] } {
  const names: string[] = [];
  const out = path
    .split("/")
    .map((segment) => {
      if (segment.startsWith(":")) {
        names.push(segment.slice(1));
        return `{${segment.slice(1)}}`;
      }
      if (segment === "*") {
        names.push("wildcard");
        return "{wildcard}";
      }
      return segment;
    })
    .join("/");
  return { path: out, names };
}

/** The routes the document describes: one per path and method (the first, as the router answers), no upgrades. */
function documented(routes: readonly RouteInfo[]): { route: RouteInfo; path: string; names: string[] }[] {
  const seen = new Set<string>();
  const out: { route: RouteInfo; path: string; names: string[] }[] = [];
  for (const route of routes) {
    if (!METHODS.has(route.method) || !route.path.startsWith("/")) continue;
    // A WebSocket route is an upgrade, not an HTTP answer (AsyncAPI describes it).
    if ((route as { readonly upgrade?: boolean }).upgrade === true) continue;
    const { path, names } = openApiPath(route.path);
    const key = `${route.method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ route, path, names });
  }
  return out;
}

/** `value` without its undefined members (`{ title: undefined }` keeps the default title). */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The operationIds of an app's routes, as the document gives them; throws
 * `AEX_ERR_OPENAPI_OPERATION_ID` when two routes were given the same `@operationId`.
 *
 * @example
 * documentOperationIds(aex.routes()); // ["listNotes", "createNote", …]
 */
export function documentOperationIds(routes: readonly RouteInfo[]): string[] {
  return operationIds(
    documented(routes).map(({ route }) => ({ route, explicit: docOf(route.Class, route.handler)?.operationId })),
  );
}

/**
 * Builds an OpenAPI 3.1 document from an app's routes (`aex.routes()`): paths and their
 * parameters (with the ones steps read, such as `paginate()`'s), `@query`/`@body`/`@params`/
 * `@filter` checks as JSON Schema, `@rest`/`@api` verbs, `@returns` responses, `@summary`,
 * `@operationId` (default: the method's name), one tag per controller, the security schemes
 * of the route's guards (`@auth`, `@apiKey`, `@roles`), `text/event-stream` for `@sse`
 * routes, and every error answer as `application/problem+json` (the guards' 401/403/429, a
 * body's 400/413/415, validation's 400 or `validationStatus`, 500). Shared and named
 * schemas are written once, in `components.schemas` (docs/openapi.md says how they are named).
 * Throws `AEX_ERR_OPENAPI_OPERATION_ID` when two routes were given the same `@operationId`.
 *
 * @example
 * const document = buildOpenApi(aex.routes(), { info: { title: "Notes", version: "1.0.0" } });
 */
export function buildOpenApi(routes: readonly RouteInfo[], options: OpenApiOptions = {}): JsonSchema {
  const convert = options.toJsonSchema;
  const toJson: ToJson = (schema, side) =>
    isStandardSchema(schema) ? schemaToJsonSchema(schema, convert, side) : (schema as JsonSchema);
  const components = new SchemaComponents(toJson, options.schemas, PROBLEM_SCHEMAS);
  const context: OperationContext = { toJson, components, schemes: new Map() };
  const operations = documented(routes);
  const ids = documentOperationIds(routes);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Set<string>();
  operations.forEach(({ route, path, names }, i) => {
    (paths[path] ??= {})[route.method.toLowerCase()] = operationOf(route, names, ids[i], context);
    tags.add(route.controller);
  });
  const guarded = Object.values(paths).some((item) => Object.values(item).some((op) => op.security !== undefined));
  // Beside guarded routes, a public one says so (`security: []`); with none, the document does once.
  if (guarded) for (const item of Object.values(paths)) for (const op of Object.values(item)) op.security ??= [];
  const schemas = components.finish(paths);
  const { schemes } = context;
  return {
    openapi: "3.1.0",
    info: { title: "Aex app", version: "1.0.0", ...withoutUndefined(options.info ?? {}) },
    servers: options.servers ?? [{ url: "/" }],
    ...(guarded ? {} : { security: [] }),
    tags: [...tags].map((name) => ({ name, ...(options.tags?.[name] ? { description: options.tags[name] } : {}) })),
    paths,
    components: {
      schemas,
      ...(schemes.size > 0 ? { securitySchemes: Object.fromEntries(schemes) } : {}),
    },
  };
}
