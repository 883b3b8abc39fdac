import type { JsonSchema } from "@aex/openapi";
import { asyncapiSetupError } from "./errors";

/** Where the app is served: one base URL (`https://notes.example.com`), as OpenAPI's `servers` give it. */
export interface AsyncApiServerOption {
  /** The app's base URL: `http:`/`ws:` for plain connections, `https:`/`wss:` for TLS; a path is put before every channel. */
  url: string;
  /** Which server it is (production, staging…). */
  description?: string;
  /**
   * Its name in the document (letters, digits, `_`, `-`); default `server`, `server2`… The
   * document has `<name>-ws` for the WebSocket routes and `<name>-http` for the event streams.
   */
  name?: string;
}

/** The servers of the document, by kind of channel: what each kind's channels reference. */
export interface Servers {
  /** `servers`, by name. */
  readonly servers: Record<string, JsonSchema>;
  /** The names of the `ws`/`wss` servers. */
  readonly ws: string[];
  /** The names of the `http`/`https` servers. */
  readonly http: string[];
}

const NAME = /^[A-Za-z0-9_-]+$/;
const SECURE: Record<string, boolean> = { "http:": false, "ws:": false, "https:": true, "wss:": true };

/** A server option's URL and name, checked: a wrong one is a setup error, not a broken document. */
function parse(option: AsyncApiServerOption, index: number): { url: URL; name: string } {
  let url: URL | undefined;
  try {
    url = new URL(option.url);
  } catch {
    url = undefined;
  }
  if (url === undefined || SECURE[url.protocol] === undefined || url.search !== "" || url.hash !== "") {
    throw asyncapiSetupError(
      "AEX_ERR_ASYNCAPI_OPTIONS",
      `servers[${index}].url must be an http(s) or ws(s) URL without query or fragment: ${String(option.url)}`,
    );
  }
  const name = option.name ?? (index === 0 ? "server" : `server${index + 1}`);
  if (typeof name !== "string" || !NAME.test(name)) {
    throw asyncapiSetupError(
      "AEX_ERR_ASYNCAPI_OPTIONS",
      `servers[${index}].name must be letters, digits, _ or -: ${name}`,
    );
  }
  return { url, name };
}

/** Checks the `servers` option (at the call of `asyncapi()`). */
export function checkServers(options: readonly AsyncApiServerOption[] | undefined): void {
  if (options !== undefined && !Array.isArray(options)) {
    throw asyncapiSetupError("AEX_ERR_ASYNCAPI_OPTIONS", "servers must be an array of { url, description?, name? }");
  }
  options?.forEach(parse);
}

/**
 * AsyncAPI servers from base URLs: for each, a `ws`/`wss` server when the app has WebSocket
 * routes and an `http`/`https` one when it has event streams, with the URL's host and path.
 */
export function serversOf(options: readonly AsyncApiServerOption[], kinds: { ws: boolean; http: boolean }): Servers {
  const out: Servers = { servers: {}, ws: [], http: [] };
  options.forEach((option, index) => {
    const { url, name } = parse(option, index);
    const secure = SECURE[url.protocol];
    const pathname = url.pathname.replace(/\/+$/, "");
    const common = {
      host: url.host,
      ...(pathname !== "" ? { pathname } : {}),
      ...(option.description !== undefined ? { description: option.description } : {}),
    };
    if (kinds.ws) {
      out.servers[`${name}-ws`] = { ...common, protocol: secure ? "wss" : "ws" };
      out.ws.push(`${name}-ws`);
    }
    if (kinds.http) {
      out.servers[`${name}-http`] = { ...common, protocol: secure ? "https" : "http" };
      out.http.push(`${name}-http`);
    }
  });
  return out;
}
