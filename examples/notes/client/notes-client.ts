// The typed client of "Aex notes" 1.0.0, written by `aex client` from the app's OpenAPI
// document: do not edit, run `aex client` again when the routes change. The types below are
// openapi-typescript's; requests go through openapi-fetch (the one package the client needs).
import createFetchClient, {
  type Client,
  type ClientOptions,
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
} from "openapi-fetch";

export interface paths {
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Home */
        get: operations["home"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/{wildcard}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get assets */
        get: operations["getAssets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /** Head assets */
        head: operations["headAssets"];
        patch?: never;
        trace?: never;
    };
    "/api/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Login */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Logout */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List */
        get: operations["list"];
        put?: never;
        /** Add */
        post: operations["add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove */
        delete: operations["remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The body of every error answer (`application/problem+json`): RFC 9457 problem details, plus Aex's `code`, `requestId`, `errors` (validation) and, in development only, `stack`. */
        Problem: {
            /** @description A URI naming the kind of problem; `about:blank` when the status says it all. */
            type: string;
            /** @description The status text, e.g. "Not Found". */
            title: string;
            /** @description The HTTP status. */
            status: number;
            /** @description What happened to this request; absent for a 5xx outside development. */
            detail?: string;
            /** @description The request path (without its query string). */
            instance?: string;
            /** @description The error's machine-readable code (`AEX_NOT_FOUND`…). */
            code?: string;
            /** @description The request's id, also in the `X-Request-Id` header. */
            requestId?: string;
            /** @description Validation failures, one per field and rule. */
            errors?: components["schemas"]["FieldError"][];
            /** @description Other JSON-safe details of an exposed error. */
            details?: unknown;
            /** @description Development only. */
            stack?: string;
        };
        /** @description One failed check of a validation error. */
        FieldError: {
            /** @description The field's path, e.g. "title" or "author.name". */
            field: string;
            /** @description The rule it broke, e.g. "minLength". */
            rule: string;
            /** @description What is wrong, in plain English; never the rejected value. */
            message: string;
        };
        /** Note */
        Note: {
            id: string;
            title: string;
            text: string;
            /** Format: date-time */
            createdAt: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    home: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The CSRF token or the request's origin is missing or wrong */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An unexpected error (`AEX_INTERNAL`): its message is logged, not sent */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAssets: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                wildcard: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The file path has a malformed escape or a null byte (`AEX_STATIC_BAD_PATH`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No servable file at this path (`AEX_STATIC_NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An unexpected error (`AEX_INTERNAL`): its message is logged, not sent */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    headAssets: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                wildcard: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The file path has a malformed escape or a null byte (`AEX_STATIC_BAD_PATH`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No servable file at this path (`AEX_STATIC_NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An unexpected error (`AEX_INTERNAL`): its message is logged, not sent */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    username: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Logged in */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: string;
                    };
                };
            };
            /**
             * @description - The body is malformed (`AEX_BODY_INVALID`)
             *     - The body failed validation (`AEX_FILTER_INVALID`): `errors` names each field and rule
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Wrong password */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The CSRF token or the request's origin is missing or wrong */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route's limit (`AEX_BODY_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body's media type or encoding is not one the route reads (`AEX_BODY_UNSUPPORTED_TYPE`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests: `Retry-After` and `RateLimit` say when to come back */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An unexpected error (`AEX_INTERNAL`): its message is logged, not sent */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: null;
                    };
                };
            };
            /** @description The CSRF token or the request's origin is missing or wrong */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An unexpected error (`AEX_INTERNAL`): its message is logged, not sent */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list: {
        parameters: {
            query?: {
                /** @description The page, from 1 */
                page?: number;
                /** @description Items per page (at most 100) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the user's notes, newest first, and how many they have */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        notes: components["schemas"]["Note"][];
                        total: number;
                        page: number;
                        limit: number;
                    };
                };
            };
            /** @description Not logged in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An unexpected error (`AEX_INTERNAL`): its message is logged, not sent */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    add: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    title: string;
                    text?: string;
                };
            };
        };
        responses: {
            /** @description The new note */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Note"];
                };
            };
            /**
             * @description - The body is malformed (`AEX_BODY_INVALID`)
             *     - The body failed validation (`AEX_FILTER_INVALID`): `errors` names each field and rule
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not logged in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The CSRF token or the request's origin is missing or wrong */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route's limit (`AEX_BODY_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body's media type or encoding is not one the route reads (`AEX_BODY_UNSUPPORTED_TYPE`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An unexpected error (`AEX_INTERNAL`): its message is logged, not sent */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not logged in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The CSRF token or the request's origin is missing or wrong */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such note */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An unexpected error (`AEX_INTERNAL`): its message is logged, not sent */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error (`AEX_HANDLER_TIMEOUT`, `AEX_SHUTTING_DOWN`, `AEX_PARAM_TOO_LONG`…), as problem details */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}

/**
 * The body of every error answer of the app (`application/problem+json`): RFC 9457 problem
 * details with Aex's `code`, `requestId` and, for a failed validation, `errors`.
 */
export type Problem = components["schemas"]["Problem"];

/** An HTTP method of `paths`, as openapi-typescript spells it. */
export type Method = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";

/** The paths (prefixes included) that answer `M`. */
export type PathsOf<M extends Method> = ClientPathsWithMethod<Client<paths>, M>;

/** What a call takes besides the path: `params` (`path`, `query`), `body`, `headers`, fetch's options. */
export type RequestOf<P extends PathsOf<M>, M extends Method> = P extends PathsOf<M>
  ? MaybeOptionalInit<paths[P], M> extends infer Init
    ? Init extends undefined
      ? undefined
      : Omit<Init, "parseAs">
    : never
  : never;

/** The operation of `M` on `P`. */
type OperationOf<P extends PathsOf<M>, M extends Method> =
  paths[P][M] extends infer Operation extends Record<string | number, unknown> ? Operation : never;

/** What a call resolves with: `data` (the route's answer) or `error` (a `Problem`), and the `response`. */
export type ResponseOf<P extends PathsOf<M>, M extends Method> = FetchResponse<
  OperationOf<P, M>,
  Record<never, never>,
  `${string}/${string}`
>;

/** One method of the client: a path that answers `M`, then that route's options (required when it has required parameters or a body). */
export type ClientCall<M extends Method> = <P extends PathsOf<M>>(
  path: P,
  ...init: undefined extends RequestOf<P, M> ? [init?: RequestOf<P, M>] : [init: RequestOf<P, M>]
) => Promise<ResponseOf<P, M>>;

/** A client of the app's routes: `GET`, `POST`… take one of its paths and that route's parameters and body. */
export interface AexClient {
  GET: ClientCall<"get">;
  PUT: ClientCall<"put">;
  POST: ClientCall<"post">;
  DELETE: ClientCall<"delete">;
  OPTIONS: ClientCall<"options">;
  HEAD: ClientCall<"head">;
  PATCH: ClientCall<"patch">;
  TRACE: ClientCall<"trace">;
  /** Adds openapi-fetch middleware (`onRequest`, `onResponse`, `onError`): headers, cookies, logs. */
  use: Client<paths>["use"];
  /** Removes middleware added with `use`. */
  eject: Client<paths>["eject"];
}

/**
 * A client of the app over `fetch` (openapi-fetch). Each call takes a path of the app, its
 * `params` (`path`, `query`) and `body` as the route declares them, and resolves with
 * `data` (the route's answer, read as JSON) or `error` (a `Problem`), and the `response`.
 *
 * @example
 * const api = createClient({ baseUrl: "http://localhost:3000" });
 * const { data, error, response } = await api.GET("/notes/{id}", { params: { path: { id: "1" } } });
 */
export function createClient(options?: ClientOptions): AexClient {
  // The same object: AexClient only types its calls more strictly (see RequestOf).
  return createFetchClient<paths>(options) as unknown as AexClient;
}
