import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import type Busboy from "busboy";
import { tmpdir } from "node:os";
import debug from "debug";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Step } from "../pipeline/types";
import { addStep } from "../registry/registry";
import type { UploadedFile } from "../scope/scope";
import { guardBody } from "./body-guard";
import { isWellFormedMediaType, malformedType } from "./media-type";
import { stripFlatPrototypeKey } from "./prototype-keys";
import { TempFiles } from "./temp-files";

const log = debug("aex:formdata");

/**
 * Options of `@formdata`: the ones of busboy that Aex passes on (declared here, so an app's
 * types need no `@types/busboy`), plus `tempDir`.
 */
export interface FormDataOptions {
  /** Limits over {@link DEFAULT_FORMDATA_LIMITS}; past one the answer is 413. */
  limits?: {
    /** Largest file, in bytes. */
    fileSize?: number;
    /** Most files in one body. */
    files?: number;
    /** Most non-file fields. */
    fields?: number;
    /** Most parts, files and fields together. */
    parts?: number;
    /** Largest field value, in bytes. */
    fieldSize?: number;
    /** Longest field name, in bytes. */
    fieldNameSize?: number;
    /** Most header pairs in one part. Default busboy's, 2 000. */
    headerPairs?: number;
  };
  /** Where uploads are written; default the OS temp folder. */
  tempDir?: string;
  /** Keep the client's path in `filename` instead of its last part. Default false. */
  preservePath?: boolean;
  /** The charset of fields that name none. Default `utf8`. */
  defCharset?: string;
  /** The charset of part header parameters (file names) that name none. Default `latin1`. */
  defParamCharset?: string;
  /** The parser's stream buffer size, in bytes (busboy's `highWaterMark`). */
  highWaterMark?: number;
  /** Each file stream's buffer size, in bytes (busboy's `fileHwm`). */
  fileHwm?: number;
}

let busboyModule: typeof Busboy | undefined;

/** busboy, loaded when a route takes multipart bodies (its `@formdata` is made), not at start-up. */
function busboy(): typeof Busboy {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start-up
  return (busboyModule ??= require("busboy") as typeof Busboy);
}

/** Limits on by default; pass `limits` to change them. */
export const DEFAULT_FORMDATA_LIMITS = {
  /** Largest file, in bytes: 10 MiB. */
  fileSize: 10 * 1024 * 1024,
  /** Most files in one body. */
  files: 10,
  /** Most non-file fields. */
  fields: 100,
  /** Most parts, files and fields together. */
  parts: 110,
  /** Largest field value, in bytes: 100 KiB. */
  fieldSize: 100 * 1024,
  /** Longest field name, in bytes. */
  fieldNameSize: 200,
} as const;

type Fields = Record<string, string | string[]>;

function addField(fields: Fields, name: string, value: string): void {
  const current = fields[name];
  if (current === undefined) fields[name] = value;
  else if (Array.isArray(current)) current.push(value);
  else fields[name] = [current, value];
}

type Limits = { [K in keyof typeof DEFAULT_FORMDATA_LIMITS]: number };

/** What each limit's 413 says, from the limit's name and value. */
const PAST: Record<keyof Limits, (max: number) => string> = {
  fileSize: (max) => `A file is larger than ${max} bytes`,
  files: (max) => `The body has more than ${max} files`,
  fields: (max) => `The body has more than ${max} fields`,
  parts: (max) => `The body has more than ${max} parts`,
  fieldSize: (max) => `A field value is longer than ${max} bytes`,
  fieldNameSize: (max) => `A field name is longer than ${max} bytes`,
};

/** The 413 of a limit, naming it and its value (`details.limit`, `details.max`). */
function tooLarge(limit: keyof Limits, limits: Limits): HttpError {
  return new HttpError(413, PAST[limit](limits[limit]), {
    code: "AEX_FORMDATA_LIMIT",
    headers: { Connection: "close" },
    details: { limit, max: limits[limit] },
  });
}

/** Removes the temp files once the response is done (a moved file is simply gone already). */
function discardAfterResponse(res: AexResponse, temps: TempFiles): void {
  if (res.writableFinished || res.destroyed) temps.discard();
  else res.once("close", () => temps.discard());
}

/**
 * Reads a multipart body: each file streamed to a temp file with a random name, the
 * fields collected. Rejects with 413 past a limit, 400 for a malformed body or one the
 * client stopped sending; a refused read discards its temp files at once.
 */
function readMultipart(
  req: AexRequest,
  res: AexResponse,
  options: FormDataOptions,
  temps: TempFiles,
): Promise<{ fields: Fields; files: Record<string, UploadedFile[]> }> {
  // busboy ignores `tempDir`, which rides along in `config`.
  const { limits: given, ...config } = options;
  const limits: Limits = { ...DEFAULT_FORMDATA_LIMITS, ...given };
  return new Promise((resolve, reject) => {
    if (!isWellFormedMediaType(req.headers["content-type"] ?? "")) {
      // Answered before reading: the guard's refusal lets the client read it while it still sends.
      guardBody(req, res, null, req.bodyLimits, reject).refuse(malformedType("AEX_FORMDATA_INVALID"));
      return;
    }
    let parser: Busboy.Busboy;
    try {
      parser = busboy()({ ...config, headers: req.headers, limits });
    } catch (cause) {
      reject(new HttpError(400, "Malformed multipart/form-data request", { code: "AEX_FORMDATA_INVALID", cause }));
      return;
    }
    const fields = Object.create(null) as Fields;
    const files = Object.create(null) as Record<string, UploadedFile[]>;
    const writes: Promise<void>[] = [];
    let failed = false;

    const guard = guardBody(req, res, null, req.bodyLimits, (error) => {
      failed = true;
      req.unpipe(parser);
      req.resume(); // drain what the client still sends
      temps.discard();
      reject(error);
    });
    // A refusal answers at once and linger-closes, so the client can read it.
    const fail = (error: HttpError) => {
      if (failed) return;
      if (error.status === 413 || error.status === 408) {
        guard.refuse(error);
        return;
      }
      guard.stop();
      failed = true;
      req.unpipe(parser);
      req.resume();
      temps.discard();
      reject(error);
    };
    // A client that resets mid-upload ends the request without an end: busboy would wait forever.
    const aborted = () => {
      if (!req.complete) fail(new HttpError(400, "The client stopped sending the body", { code: "AEX_BODY_ABORTED" }));
    };
    req.once("error", aborted);
    req.once("close", aborted);

    // busboy applies fieldNameSize to urlencoded names only; a multipart name it passes
    // whole, and a part without one (RFC 7578 §4.2 requires it) as undefined.
    const badName = (name: string | undefined): HttpError | null =>
      name === undefined
        ? new HttpError(400, "A part of the multipart body has no name", { code: "AEX_FORMDATA_INVALID" })
        : Buffer.byteLength(name) > limits.fieldNameSize
          ? tooLarge("fieldNameSize", limits)
          : null;
    parser.on("file", (field, stream, info) => {
      const refused = failed ? null : badName(field);
      if (failed || refused !== null) {
        stream.resume();
        if (refused !== null) fail(refused);
        return;
      }
      const { path, written } = temps.write(stream);
      const file: UploadedFile = {
        temp: path,
        filename: info.filename ?? "",
        encoding: info.encoding,
        mimetype: info.mimeType,
        size: 0,
      };
      stream.on("data", (chunk: Buffer) => (file.size += chunk.length));
      stream.on("limit", () => fail(tooLarge("fileSize", limits)));
      (files[field] ??= []).push(file);
      writes.push(
        written.catch((cause) => {
          fail(new HttpError(400, "The upload was interrupted", { code: "AEX_FORMDATA_INVALID", cause }));
        }),
      );
    });
    parser.on("field", (name, value, info) => {
      const refused = info.nameTruncated ? tooLarge("fieldNameSize", limits) : badName(name);
      if (refused !== null) fail(refused);
      else if (info.valueTruncated) fail(tooLarge("fieldSize", limits));
      else addField(fields, name, value);
    });
    parser.on("filesLimit", () => fail(tooLarge("files", limits)));
    parser.on("fieldsLimit", () => fail(tooLarge("fields", limits)));
    parser.on("partsLimit", () => fail(tooLarge("parts", limits)));
    parser.on("error", (cause) => {
      log("malformed multipart body: %O", cause);
      fail(new HttpError(400, "Malformed multipart/form-data body", { code: "AEX_FORMDATA_INVALID", cause }));
    });
    parser.on("close", () => {
      guard.stop();
      Promise.all(writes).then(() => {
        // A field or file named __proto__ is dropped, as in every parsed input (prototype-keys.ts).
        if (!failed) resolve({ fields: stripFlatPrototypeKey(fields), files: stripFlatPrototypeKey(files) });
      }, reject);
    });
    req.pipe(parser);
  });
}

/** The `@formdata` step; a request that is not multipart gets an empty body and no files. */
export function formdataStep(options: FormDataOptions = {}): Step {
  busboy();
  return async (req, res, scope) => {
    const type = req.headers["content-type"] ?? "";
    if (!/^multipart\/form-data\b/i.test(type)) {
      scope.provide("files", Object.create(null));
      scope.provide("body", (req.body = Object.create(null)));
      return;
    }
    const temps = new TempFiles(options.tempDir ?? tmpdir());
    discardAfterResponse(res, temps);
    const { fields, files } = await readMultipart(req, res, options, temps);
    req.body = fields;
    scope.provide("body", fields);
    scope.provide("files", files);
  };
}

/**
 * Parses `multipart/form-data` with busboy: files into `scope.files[field]` (arrays of
 * `{ temp, filename, encoding, mimetype, size }`), other fields into `scope.body`.
 * Temp files are deleted when the response is done unless you moved them. Limits are on
 * by default ({@link DEFAULT_FORMDATA_LIMITS}); past one the answer is 413.
 *
 * @example
 * class Formdata {
 *   @http("post", "/file/upload")
 *   @formdata({ limits: { fileSize: 1024 * 1024 } })
 *   async upload(req, res, scope) {
 *     const avatar = scope.files["avatar"][0];
 *     res.end(`${avatar.filename}: ${avatar.size} bytes`);
 *   }
 * }
 */
export function formdata(options: FormDataOptions = {}): AexMethodDecorator {
  const step = formdataStep(options);
  return methodDecorator((holder, key) => {
    addStep(holder, key, { name: "formdata", build: () => step });
  });
}
