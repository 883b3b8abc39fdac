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
 */
export function clientSource(types: string, { title, version }: ClientSourceInfo): string {
  return `// The typed client of ${JSON.stringify(title)} ${version}, written by \`aex client\` from the app's OpenAPI
// document: do not edit, run \`aex client\` again when the routes change. The types below are
// openapi-typescript's; requests go through openapi-fetch (the one package the client needs).
import createFetchClient, { type Client, type ClientOptions } from "openapi-fetch";

${types.trimEnd()}

/**
 * The body of every error answer of the app (\`application/problem+json\`): RFC 9457 problem
 * details with Aex's \`code\`, \`requestId\` and, for a failed validation, \`errors\`.
 */
export type Problem = components["schemas"]["Problem"];

/** A client of the app's routes: \`GET\`, \`POST\`… take one of its paths (prefixes included) and that route's parameters and body. */
export type AexClient = Client<paths>;

/**
 * A client of the app over \`fetch\` (openapi-fetch). Each call takes a path of the app, its
 * \`params\` (\`path\`, \`query\`) and \`body\` as the route declares them, and resolves with
 * \`data\` (the route's answer) or \`error\` (a \`Problem\`), and the \`response\`.
 *
 * @example
 * const api = createClient({ baseUrl: "http://localhost:3000" });
 * const { data, error, response } = await api.GET("/notes/{id}", { params: { path: { id: "1" } } });
 */
export function createClient(options?: ClientOptions): AexClient {
  return createFetchClient<paths>(options);
}
`;
}
