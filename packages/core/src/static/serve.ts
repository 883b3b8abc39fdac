import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { realpath } from "node:fs/promises";
import { resolve, sep } from "node:path";
import type Send from "send";
import debug from "debug";
import { AexError } from "../errors/aex-error";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Step } from "../pipeline/types";
import { addRoute } from "../registry/registry";
import { pathOf } from "../router/path-of";
import { normalizePath } from "../router/route-path";
import { resolveFile } from "./resolve-file";

const log = debug("aex:serve");

let sendModule: typeof Send | undefined;

/** send, loaded when a route serves files (its `@serve` is made), not at start-up. */
function send(): typeof Send {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start-up
  return (sendModule ??= require("send") as typeof Send);
}

/** Options of `@serve`. */
export interface ServeOptions {
  /** `Cache-Control: max-age` in milliseconds (or an `ms` string such as `"1d"`). Default 0. */
  maxAge?: number | string;
  /** Serve files and folders whose name starts with a dot. Default false. */
  dotfiles?: boolean;
}

/** Streams one file with send: Content-Type, ETag, Last-Modified, 304, Range and HEAD. */
function sendFile(req: AexRequest, res: AexResponse, file: string, options: ServeOptions): Promise<void> {
  // send decodes the path it is given, so give it an encoded one.
  const encoded = file.split(sep).map(encodeURIComponent).join("/");
  return new Promise((resolvePromise, reject) => {
    const stream = send()(req, encoded, { dotfiles: "allow", index: false, maxAge: options.maxAge ?? 0 });
    stream.on("error", (error: { status?: number }) =>
      reject(
        new HttpError(error.status === 416 ? 416 : 404, "File not found", {
          code: "AEX_STATIC_NOT_FOUND",
          cause: error,
        }),
      ),
    );
    stream.on("directory", () => reject(new HttpError(404, "File not found", { code: "AEX_STATIC_NOT_FOUND" })));
    res.once("close", () => resolvePromise());
    stream.pipe(res);
  });
}

/** The step serving files from the folder `folderOf()` returns, for paths under `prefix`. */
export function serveStep(folderOf: () => unknown, prefix: string, options: ServeOptions = {}): Step {
  send();
  let root: Promise<string> | null = null;
  const rootOnce = () =>
    (root ??= (async () => {
      const folder = await folderOf();
      if (typeof folder !== "string") throw new HttpError(500, "@serve method did not return a folder path");
      return realpath(resolve(folder));
    })().catch((error) => {
      root = null; // try again on the next request
      log("cannot serve %s: %O", prefix, error);
      throw error;
    }));
  return async (req, res) => {
    const folder = await rootOnce();
    const file = await resolveFile(folder, pathOf(req.url).slice(prefix.length), options.dotfiles === true);
    await sendFile(req, res, file, options);
  };
}

/** What a static file route may answer besides the file, for OpenAPI. */
const STATIC_RESPONSES = {
  "400": "The file path has a malformed escape or a null byte (`AEX_STATIC_BAD_PATH`)",
  "404": "No servable file at this path (`AEX_STATIC_NOT_FOUND`)",
};

/**
 * Serves the files of the folder the decorated method returns under `url`, recursively,
 * for GET and HEAD. Paths can never leave the folder (`..` in any encoding, null bytes,
 * symlinks out); dotfiles and folder listings are not served.
 *
 * @example
 * class StaticFileServer {
 *   @serve("/assets")
 *   async files() { return resolve(__dirname, "./public"); }
 * }
 */
export function serve(url: string, options: ServeOptions = {}): AexMethodDecorator {
  const base = normalizePath(url);
  if (base.includes(":") || base.includes("*"))
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@serve takes a plain URL");
  const prefix = base === "/" ? "" : base;
  return methodDecorator((holder, key) => {
    addRoute(holder, key, {
      methods: ["GET", "HEAD"],
      urls: [`${prefix}/*`],
      compact: false,
      responses: STATIC_RESPONSES,
      handler: ({ instance, methodName }) =>
        serveStep(
          () => (instance as Record<string | symbol, () => unknown>)[methodName].call(instance),
          prefix,
          options,
        ),
    });
  });
}

/** Alias of {@link serve}. */
export const assets = serve;
