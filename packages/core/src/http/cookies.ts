import { parse, serialize, type SerializeOptions } from "cookie";
import { stripFlatPrototypeKey } from "../parsers/prototype-keys";

/** Options of a cookie, as in the Harpia seed's "Cookie Options". */
export interface CookieOptions {
  /** Path the cookie is sent for. Default `/`. */
  path?: string;
  /** Domain the cookie is sent to. Default: the current host only. */
  domain?: string;
  /** Lifetime in seconds; without it (and `expires`), a browser-session cookie. */
  maxAge?: number;
  /** Exact expiry date. */
  expires?: Date;
  /** Hide the cookie from JavaScript. */
  httpOnly?: boolean;
  /** Send it over HTTPS only (required by browsers with `sameSite: "None"`). */
  secure?: boolean;
  /** `"Strict"`, `"Lax"` or `"None"` (case-insensitive), or a boolean (true is Strict). */
  sameSite?: "Strict" | "Lax" | "None" | "strict" | "lax" | "none" | boolean;
  /** Partitioned (CHIPS) cookie. */
  partitioned?: boolean;
  /** `"Low"`, `"Medium"` or `"High"`. */
  priority?: "Low" | "Medium" | "High" | "low" | "medium" | "high";
}

/** The cookies a request came with: `req.cookies.get(name)`, `req.cookies.getAll()`. */
export class RequestCookies {
  private parsed: Record<string, string | undefined> | null = null;

  constructor(private readonly header: string | undefined) {}

  private all(): Record<string, string | undefined> {
    // A malformed escape keeps the raw value rather than failing the request; a cookie
    // named __proto__ is dropped, as in every parsed input (parsers/prototype-keys.ts).
    return (this.parsed ??= this.header ? stripFlatPrototypeKey(parse(this.header)) : Object.create(null));
  }

  /** The value of cookie `name`, or undefined. */
  get(name: string): string | undefined {
    return this.all()[name];
  }

  /** Every cookie, as name → value (a null-prototype copy). */
  getAll(): Record<string, string> {
    return Object.assign(Object.create(null) as Record<string, string>, this.all());
  }

  /** Whether the request has cookie `name`. */
  has(name: string): boolean {
    return this.all()[name] !== undefined;
  }
}

function toSerializeOptions(options: CookieOptions): SerializeOptions {
  const { sameSite, priority, ...rest } = options;
  return {
    path: "/",
    ...rest,
    sameSite: typeof sameSite === "string" ? (sameSite.toLowerCase() as "strict" | "lax" | "none") : sameSite,
    priority: priority?.toLowerCase() as SerializeOptions["priority"],
  };
}

/** A target that can read and add header lines (an `AexResponse`). */
interface HeaderTarget {
  appendHeader(name: string, value: string | readonly string[]): unknown;
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
}

/** Name, path and domain of a `Set-Cookie` line: what makes two lines the same cookie. */
function identityOf(line: string): string {
  const [pair, ...attributes] = line.split(";");
  const attribute = (key: string) =>
    attributes
      .map((a) => a.trim())
      .find((a) => a.toLowerCase().startsWith(key + "="))
      ?.slice(key.length + 1) ?? "";
  return `${pair.slice(0, pair.indexOf("=")).trim()};${attribute("path")};${attribute("domain").toLowerCase()}`;
}

/** The cookies a response sets: `res.cookies.set(name, value, options)`, `.delete(name)`. */
export class ResponseCookies {
  constructor(private readonly res: HeaderTarget) {}

  /**
   * Sets a cookie. The value is percent-encoded; names and attributes are checked, so a
   * bad one throws instead of splitting a header.
   */
  set(name: string, value: string, options: CookieOptions = {}): this {
    const line = serialize(name, value, toSerializeOptions(options));
    const set = this.res.getHeader("Set-Cookie");
    const lines = set === undefined ? [] : Array.isArray(set) ? set : [String(set)];
    const same = identityOf(line);
    if (lines.some((l) => identityOf(l) === same)) {
      // Setting a cookie twice in one response replaces it: RFC 6265 §4.1.1 (one Set-Cookie per
      // cookie), and a client that reads the first line would otherwise get a stale value (a
      // session id rotated at login).
      this.res.setHeader("Set-Cookie", [...lines.filter((l) => identityOf(l) !== same), line]);
    } else this.res.appendHeader("Set-Cookie", line);
    return this;
  }

  /** Expires a cookie now (same `path`/`domain` as it was set with). */
  delete(name: string, options: Omit<CookieOptions, "maxAge" | "expires"> = {}): this {
    return this.set(name, "", { ...options, expires: new Date(0), maxAge: 0 });
  }
}
