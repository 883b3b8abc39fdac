/** What the generated file says about the document it was written from. */
export interface ClientSourceInfo {
  /** The document's `info.title`. */
  title: string;
  /** The document's `info.version`. */
  version: string;
}

/**
 * The client module: openapi-typescript's types of the document (`types`), then a typed
 * `createClient` on openapi-fetch, its only import, whose errors are the app's problem details.
 *
 * The calls are typed here rather than by openapi-fetch's own `Client`: its methods infer their
 * options as a type parameter, and a type parameter takes an object literal without checking it
 * for unknown properties, so `body: { title, colour }` compiled. Here the options' type follows
 * from the path alone, so a field the route does not take is an error, as a wrong path is.
 */
export function clientSource(types: string, { title, version }: ClientSourceInfo): string {
  return `// The typed client of ${JSON.stringify(title)} ${version}, written by \`aex client\` from the app's OpenAPI
// document: do not edit, run \`aex client\` again when the routes change. The types below are
// openapi-typescript's; requests go through openapi-fetch (the one package the client needs).
import createFetchClient, {
  type Client,
  type ClientOptions,
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
} from "openapi-fetch";

${types.trimEnd()}

/**
 * The body of every error answer of the app (\`application/problem+json\`): RFC 9457 problem
 * details with Aex's \`code\`, \`requestId\` and, for a failed validation, \`errors\`.
 */
export type Problem = components["schemas"]["Problem"];

/** An HTTP method of \`paths\`, as openapi-typescript spells it. */
export type Method = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";

/** The paths (prefixes included) that answer \`M\`. */
export type PathsOf<M extends Method> = ClientPathsWithMethod<Client<paths>, M>;

/** What a call takes besides the path: \`params\` (\`path\`, \`query\`), \`body\`, \`headers\`, fetch's options. */
export type RequestOf<P extends PathsOf<M>, M extends Method> = P extends PathsOf<M>
  ? MaybeOptionalInit<paths[P], M> extends infer Init
    ? Init extends undefined
      ? undefined
      : Omit<Init, "parseAs">
    : never
  : never;

/** The operation of \`M\` on \`P\`. */
type OperationOf<P extends PathsOf<M>, M extends Method> =
  paths[P][M] extends infer Operation extends Record<string | number, unknown> ? Operation : never;

/** What a call resolves with: \`data\` (the route's answer) or \`error\` (a \`Problem\`), and the \`response\`. */
export type ResponseOf<P extends PathsOf<M>, M extends Method> = FetchResponse<
  OperationOf<P, M>,
  Record<never, never>,
  \`\${string}/\${string}\`
>;

/** One method of the client: a path that answers \`M\`, then that route's options (required when it has required parameters or a body). */
export type ClientCall<M extends Method> = <P extends PathsOf<M>>(
  path: P,
  ...init: undefined extends RequestOf<P, M> ? [init?: RequestOf<P, M>] : [init: RequestOf<P, M>]
) => Promise<ResponseOf<P, M>>;

/** A client of the app's routes: \`GET\`, \`POST\`… take one of its paths and that route's parameters and body. */
export interface AexClient {
  GET: ClientCall<"get">;
  PUT: ClientCall<"put">;
  POST: ClientCall<"post">;
  DELETE: ClientCall<"delete">;
  OPTIONS: ClientCall<"options">;
  HEAD: ClientCall<"head">;
  PATCH: ClientCall<"patch">;
  TRACE: ClientCall<"trace">;
  /** Adds openapi-fetch middleware (\`onRequest\`, \`onResponse\`, \`onError\`): headers, cookies, logs. */
  use: Client<paths>["use"];
  /** Removes middleware added with \`use\`. */
  eject: Client<paths>["eject"];
}

/**
 * A client of the app over \`fetch\` (openapi-fetch). Each call takes a path of the app, its
 * \`params\` (\`path\`, \`query\`) and \`body\` as the route declares them, and resolves with
 * \`data\` (the route's answer, read as JSON) or \`error\` (a \`Problem\`), and the \`response\`.
 *
 * @example
 * const api = createClient({ baseUrl: "http://localhost:3000" });
 * const { data, error, response } = await api.GET("/notes/{id}", { params: { path: { id: "1" } } });
 */
export function createClient(options?: ClientOptions): AexClient {
  // The same object: AexClient only types its calls more strictly (see RequestOf).
  return createFetchClient<paths>(options) as unknown as AexClient;
}
`;
}
