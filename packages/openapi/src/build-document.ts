import type { FilterOptions, StandardSchemaV1 } from "@aex/core";
import { isStandardSchema, type RouteInfo, type SecuritySchemeDoc, type StepDefinition } from "@aex/core/plugin";
import { docOf } from "./method-doc";
import { rulesToJsonSchema, type JsonSchema } from "./rules-to-json-schema";
import { schemaToJsonSchema, type ToJsonSchema } from "./schema-to-json-schema";

/** Options of the generated document. */
export interface OpenApiOptions {
  /** The document's `info`; `title` and `version` default to "Aex app" and "1.0.0". */
  info?: {
    /** The API's name. */
    title?: string;
    /** The API's version (not OpenAPI's). */
    version?: string;
    /** What the API is for (Markdown). */
    description?: string;
  };
  /** The document's `servers`. */
  servers?: {
    /** The server's base URL. */
    url: string;
    /** Which server it is (production, staging…). */
    description?: string;
  }[];
  /** Converts a Standard Schema that has no `~standard.jsonSchema` (e.g. valibot's `toJsonSchema`). */
  toJsonSchema?: ToJsonSchema;
}

type Source = "params" | "query" | "body";
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

/** The JSON Schema each source is checked with, from `@filter`, `@body(schema)`, `@query(schema)`, `@params(schema)`. */
function sourceSchemas(
  definitions: readonly StepDefinition[],
  convert?: ToJsonSchema,
): Partial<Record<Source, JsonSchema>> {
  const out: Partial<Record<Source, JsonSchema>> = {};
  const toSchema = (check: unknown): JsonSchema =>
    isStandardSchema(check) ? schemaToJsonSchema(check, convert) : rulesToJsonSchema(check as never);
  for (const definition of definitions) {
    const { filter, schema } = definition as StepDefinition & {
      filter?: FilterOptions;
      schema?: { source: Source; schema: StandardSchemaV1 };
    };
    if (filter !== undefined) {
      for (const source of ["params", "query", "body"] as const) {
        if (filter[source] !== undefined) out[source] = toSchema(filter[source]);
      }
    }
    if (schema !== undefined) out[schema.source] = schemaToJsonSchema(schema.schema, convert);
  }
  return out;
}

function propertiesOf(schema: JsonSchema | undefined): [string, JsonSchema, boolean][] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => [name, s, required.has(name)]);
}

function bodyMediaType(steps: readonly string[]): string {
  if (steps.includes("body(json)") || steps.includes("body(schema)")) return "application/json";
  if (steps.includes("body(text)")) return "text/plain";
  if (steps.includes("body(raw)")) return "application/octet-stream";
  return "application/x-www-form-urlencoded";
}

/**
 * The operation's `security` from its guard steps: each step needs one of its schemes (a
 * requirement lists one scheme of every step), with the roles `@roles` asks for; `optional`
 * adds `{}`. The schemes go into `schemes` for `components.securitySchemes`.
 */
function securityOf(
  definitions: readonly StepDefinition[],
  schemes: Map<string, SecuritySchemeDoc["scheme"]>,
): JsonSchema[] | undefined {
  const roles = definitions.flatMap((d) => d.openapi?.roles ?? []);
  let requirements: Record<string, string[]>[] = [{}];
  let guarded = false;
  for (const definition of definitions) {
    const security = definition.openapi?.security;
    if (security === undefined || security.length === 0) continue;
    guarded = true;
    for (const { name, scheme } of security) schemes.set(name, scheme);
    // An optional step may also be passed with no credentials: "none" is one more choice.
    const choices: (string | null)[] = security.map(({ name }) => name);
    if (definition.openapi?.optional === true) choices.push(null);
    requirements = requirements.flatMap((requirement) =>
      choices.map((name) => (name === null ? requirement : { ...requirement, [name]: [...roles] })),
    );
  }
  return guarded ? requirements : undefined;
}

function operation(
  route: RouteInfo,
  names: string[],
  convert: ToJsonSchema | undefined,
  id: string,
  schemes: Map<string, SecuritySchemeDoc["scheme"]>,
): JsonSchema {
  const schemas = sourceSchemas(route.definitions, convert);
  const pathProps = new Map(propertiesOf(schemas.params).map(([name, s]) => [name, s]));
  const parameters: JsonSchema[] = names.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: pathProps.get(name) ?? { type: "string" },
  }));
  for (const [name, schema, required] of propertiesOf(schemas.query)) {
    parameters.push({ name, in: "query", required, schema });
  }
  const doc = docOf(route.Class, route.handler);
  const responses: Record<string, JsonSchema> = {};
  for (const response of doc?.responses ?? []) {
    if (responses[String(response.status)] !== undefined) continue; // the first @returns of a status counts
    const schema =
      response.schema === undefined
        ? undefined
        : isStandardSchema(response.schema)
          ? schemaToJsonSchema(response.schema, convert, "output") // what the handler sends
          : response.schema;
    responses[String(response.status)] = {
      description: response.description ?? (response.status < 400 ? "Success" : "Error"),
      ...(schema ? { content: { "application/json": { schema } } } : {}),
    };
  }
  if (Object.keys(responses).length === 0) {
    responses["200"] = {
      description: "Success",
      ...(route.produces ? { content: { [route.produces]: { schema: { type: "string" } } } } : {}),
    };
  }
  for (const definition of route.definitions) {
    for (const [status, description] of Object.entries(definition.openapi?.responses ?? {})) {
      responses[status] ??= { description };
    }
  }
  if (Object.keys(schemas).length > 0 && responses["400"] === undefined) {
    responses["400"] = { description: "Invalid request: `details.errors` names each field and rule" };
  }
  const parsesBody = route.steps.some((s) => s.startsWith("body"));
  const body =
    schemas.body !== undefined || (parsesBody && route.method !== "GET")
      ? {
          requestBody: {
            required: schemas.body !== undefined,
            content: { [bodyMediaType(route.steps)]: { schema: schemas.body ?? {} } },
          },
        }
      : {};
  const security = securityOf(route.definitions, schemes);
  return {
    operationId: id,
    tags: [route.controller],
    ...(doc?.summary ? { summary: doc.summary } : {}),
    ...(doc?.description ? { description: doc.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...body,
    ...(security ? { security } : {}),
    responses,
  };
}

/**
 * Builds an OpenAPI 3.1 document from an app's routes (`aex.routes()`): paths and their
 * parameters, `@query`/`@body`/`@params`/`@filter` checks as JSON Schema, `@rest`/`@api`
 * verbs, `@returns` responses, `@summary`, one tag per controller, the security schemes
 * of the route's guards (`@auth`, `@apiKey`, `@roles`) with the answers guards may give
 * (401, 403, 429), and `text/event-stream` for `@sse` routes.
 *
 * @example
 * const document = buildOpenApi(aex.routes(), { info: { title: "Notes", version: "1.0.0" } });
 */
export function buildOpenApi(routes: readonly RouteInfo[], options: OpenApiOptions = {}): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Set<string>();
  const ids = new Set<string>();
  const schemes = new Map<string, SecuritySchemeDoc["scheme"]>();
  for (const route of routes) {
    if (!METHODS.has(route.method) || !route.path.startsWith("/")) continue;
    const { path, names } = openApiPath(route.path);
    const method = route.method.toLowerCase();
    const item = (paths[path] ??= {});
    if (item[method] !== undefined) continue; // the first route answers, as in the router
    let id = `${route.controller}.${route.handler}`;
    if (ids.has(id)) id = `${id}.${method}`;
    for (let n = 2; ids.has(id); n++) id = `${route.controller}.${route.handler}.${method}${n}`;
    ids.add(id);
    item[method] = operation(route, names, options.toJsonSchema, id, schemes);
    tags.add(route.controller);
  }
  return {
    openapi: "3.1.0",
    info: { title: options.info?.title ?? "Aex app", version: options.info?.version ?? "1.0.0", ...options.info },
    ...(options.servers ? { servers: options.servers } : {}),
    tags: [...tags].map((name) => ({ name })),
    paths,
    ...(schemes.size > 0 ? { components: { securitySchemes: Object.fromEntries(schemes) } } : {}),
  };
}
