import type { FilterOptions } from "@aex/core";
import {
  isStandardSchema,
  type ParameterDoc,
  type RouteInfo,
  type SchemaRecord,
  type SecuritySchemeDoc,
  type StepDefinition,
} from "@aex/core/plugin";
import type { GivenSchema, SchemaComponents, ToJson } from "./component-schemas";
import { docOf } from "./method-doc";
import { pascalCase } from "./operation-ids";
import { PROBLEM, problemResponse, VALIDATION_PROBLEM } from "./problem-schemas";
import { rulesToJsonSchema, type JsonSchema } from "./rules-to-json-schema";
import { inlineLocalRefs, localDefinitions } from "./schema-walk";

type Source = "params" | "query" | "body";

/** What an operation is written with: the document's converter and components, and the schemes it found. */
export interface OperationContext {
  /** JSON Schema of a given schema, for one side. */
  readonly toJson: ToJson;
  /** The document's `components.schemas`, where bodies go. */
  readonly components: SchemaComponents;
  /** The security schemes the operations' guards named, for `components.securitySchemes`. */
  readonly schemes: Map<string, SecuritySchemeDoc["scheme"]>;
}

/** A source's check: its JSON Schema, the schema as given (for `schemas` by identity), and its failure's status and code. */
interface Check {
  readonly definition: StepDefinition;
  readonly json: JsonSchema;
  readonly given: unknown;
  readonly status: number;
  readonly code: "AEX_FILTER_INVALID" | "AEX_VALIDATION_FAILED";
}

/** The checks of each source, from `@filter`, `@body(schema)`, `@query(schema)`, `@params(schema)`. */
function checksOf(route: RouteInfo, toJson: ToJson): Partial<Record<Source, Check>> {
  const out: Partial<Record<Source, Check>> = {};
  for (const definition of route.definitions) {
    const { filter, schema } = definition as StepDefinition & { filter?: FilterOptions; schema?: SchemaRecord };
    if (filter !== undefined) {
      const status = filter.validationStatus ?? route.validationStatus;
      for (const source of ["params", "query", "body"] as const) {
        const check = filter[source];
        if (check === undefined) continue;
        const json = isStandardSchema(check) ? toJson(check, "input") : rulesToJsonSchema(check);
        // A source with a fallback answers as its fallback says, not with a problem.
        const answered = filter.fallbacks?.[source] === undefined;
        out[source] = { definition, json, given: check, status: answered ? status : 0, code: "AEX_FILTER_INVALID" };
      }
    }
    if (schema !== undefined) {
      out[schema.source] = {
        definition,
        json: toJson(schema.schema, "input"),
        given: schema.schema,
        status: schema.status ?? route.validationStatus,
        code: "AEX_VALIDATION_FAILED",
      };
    }
  }
  return out;
}

/** The properties of an object schema as parameters' schemas (local `$ref`s inlined: a parameter's schema is its own). */
function propertiesOf(schema: JsonSchema | undefined): [string, JsonSchema, boolean][] {
  if (schema === undefined) return [];
  const defs = localDefinitions(schema);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => [
    name,
    defs.size > 0 ? inlineLocalRefs(s, defs) : s,
    required.has(name),
  ]);
}

function bodyMediaType(steps: readonly string[]): string {
  if (steps.includes("formdata")) return "multipart/form-data";
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

/** The answers a route may give instead of its handler's, by status: each cause's description. */
class ErrorAnswers {
  readonly byStatus = new Map<string, string[]>();
  /** Statuses whose every cause is a validation failure (their body lists `errors`). */
  readonly validation = new Set<string>();
  private readonly other = new Set<string>();

  add(status: number | string, description: string, validation = false): void {
    const key = String(status);
    const list = this.byStatus.get(key) ?? [];
    if (!list.includes(description)) list.push(description);
    this.byStatus.set(key, list);
    if (validation && !this.other.has(key)) this.validation.add(key);
    if (!validation) {
      this.other.add(key);
      this.validation.delete(key);
    }
  }
}

const SOURCE_WORDS: Record<Source, string> = { params: "path parameters", query: "query", body: "body" };

/** The step that parses the body (`@body`, `@formdata`, `@rest`'s), if the operation has one. */
const isBodyStep = (definition: StepDefinition) => definition.name.startsWith("body") || definition.name === "formdata";

/** Whether the operation takes a request body: it checks one, or parses one (not for GET and HEAD). */
function readsBody(route: RouteInfo, checks: Partial<Record<Source, Check>>): boolean {
  if (checks.body !== undefined) return true;
  return route.definitions.some(isBodyStep) && route.method !== "GET" && route.method !== "HEAD";
}

/**
 * The answers the route's steps may give, in the order they run: each step's own (guards'),
 * the body parser's, each check's validation failure; then the route's own (`@serve`'s 404)
 * and Aex's 500.
 */
function stepAnswers(route: RouteInfo, checks: Partial<Record<Source, Check>>): ErrorAnswers {
  const answers = new ErrorAnswers();
  const body = readsBody(route, checks);
  for (const definition of route.definitions) {
    for (const [status, description] of Object.entries(definition.openapi?.responses ?? {})) {
      answers.add(status, description);
    }
    if (body && isBodyStep(definition)) {
      if (definition.name === "formdata") {
        answers.add(400, "The multipart body is malformed (`AEX_FORMDATA_INVALID`)");
        answers.add(413, "Too many files, fields or parts, or one too large (`AEX_FORMDATA_LIMIT`)");
      } else {
        answers.add(400, "The body is malformed (`AEX_BODY_INVALID`)");
        answers.add(413, "The body is larger than the route's limit (`AEX_BODY_TOO_LARGE`)");
        answers.add(415, "The body's media type or encoding is not one the route reads (`AEX_BODY_UNSUPPORTED_TYPE`)");
      }
    }
    for (const source of ["params", "query", "body"] as const) {
      const check = checks[source];
      if (check?.definition !== definition || check.status === 0) continue;
      const description = `The ${SOURCE_WORDS[source]} failed validation (\`${check.code}\`): \`errors\` names each field and rule`;
      answers.add(check.status, description, true);
    }
  }
  for (const [status, description] of Object.entries(route.responses ?? {})) answers.add(status, description);
  answers.add(500, "An unexpected error (`AEX_INTERNAL`): its message is logged, not sent");
  return answers;
}

/** The parameters, request body and answers of a route's checks and body parser. */
function requestParts(
  route: RouteInfo,
  checks: Partial<Record<Source, Check>>,
  names: readonly string[],
  id: string,
  context: OperationContext,
): { parameters: JsonSchema[]; requestBody?: JsonSchema } {
  const pathProps = new Map(propertiesOf(checks.params?.json).map(([name, s]) => [name, s]));
  const parameters: JsonSchema[] = names.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: pathProps.get(name) ?? { type: "string" },
  }));
  for (const [name, schema, required] of propertiesOf(checks.query?.json)) {
    parameters.push({ name, in: "query", required, schema });
  }
  // Parameters steps read (`paginate()`), unless a check documents them already.
  const stepParameters: ParameterDoc[] = route.definitions.flatMap((d) => d.openapi?.parameters ?? []);
  for (const parameter of stepParameters) {
    if (parameters.some((p) => p.name === parameter.name && p.in === parameter.in)) continue;
    parameters.push({ ...parameter, required: parameter.required === true });
  }
  if (!readsBody(route, checks)) return { parameters };
  const formdata = route.steps.includes("formdata");
  const schema =
    checks.body !== undefined
      ? context.components.slot(checks.body.json, checks.body.given, "input", `${pascalCase(id)}Request`)
      : formdata
        ? { type: "object" }
        : {};
  return {
    parameters,
    requestBody: { required: checks.body !== undefined, content: { [bodyMediaType(route.steps)]: { schema } } },
  };
}

/** The `responses` of a route: `@returns`, then its steps' and Aex's own answers as problem details. */
function responsesOf(route: RouteInfo, id: string, context: OperationContext, answers: ErrorAnswers): JsonSchema {
  const doc = docOf(route.Class, route.handler);
  const responses: Record<string, JsonSchema> = {};
  for (const response of doc?.responses ?? []) {
    const status = String(response.status);
    if (responses[status] !== undefined) continue; // the first @returns of a status counts
    const description = response.description ?? (response.status < 400 ? "Success" : "Error");
    if (response.schema !== undefined) {
      const given: GivenSchema = response.schema;
      const hint = `${pascalCase(id)}${status === "200" ? "" : status}Response`;
      const schema = context.components.slot(context.toJson(given, "output"), given, "output", hint);
      responses[status] = { description, content: { "application/json": { schema } } };
    } else if (response.status >= 400) {
      responses[status] = problemResponse(description, answers.validation.has(status) ? VALIDATION_PROBLEM : PROBLEM);
    } else responses[status] = { description };
  }
  if (Object.keys(responses).length === 0) {
    responses["200"] = {
      description: "Success",
      ...(route.produces ? { content: { [route.produces]: { schema: { type: "string" } } } } : {}),
    };
  }
  const statuses = [...answers.byStatus.keys()].filter((s) => responses[s] === undefined).sort();
  for (const status of statuses) {
    const causes = answers.byStatus.get(status)!;
    const description = causes.length === 1 ? causes[0] : causes.map((cause) => `- ${cause}`).join("\n");
    responses[status] = problemResponse(description, answers.validation.has(status) ? VALIDATION_PROBLEM : PROBLEM);
  }
  // Every error goes through Aex's one error path: the ones no step names (a timeout, a
  // request too large for the server, a shutdown) have the same body.
  responses.default = problemResponse(
    "Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details",
  );
  return responses;
}

/**
 * The Operation Object of one route: its parameters, request body, answers and security,
 * bodies going through the document's components.
 */
export function operationOf(
  route: RouteInfo,
  names: readonly string[],
  id: string,
  context: OperationContext,
): JsonSchema {
  const checks = checksOf(route, context.toJson);
  const { parameters, requestBody } = requestParts(route, checks, names, id, context);
  const answers = stepAnswers(route, checks);
  const security = securityOf(route.definitions, context.schemes);
  const responses = responsesOf(route, id, context, answers);
  const doc = docOf(route.Class, route.handler);
  return {
    operationId: id,
    tags: [route.controller],
    summary: doc?.summary ?? sentence(id),
    ...(doc?.description ? { description: doc.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    ...(security ? { security } : {}),
    responses,
  };
}

/** `listArticles` → `List articles`: the summary of an operation that has no `@summary`. */
function sentence(id: string): string {
  const text = id.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
