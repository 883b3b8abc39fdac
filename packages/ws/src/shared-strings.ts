import type { AexRequest } from "@aex/core";

/** Longest string worth a lookup; longer ones are rarely the same on two connections. */
const MAX_LENGTH = 256;
/** Distinct strings kept; past that the table starts again (unique values cannot fill it for good). */
const MAX_SIZE = 1024;
/**
 * The headers whose values clients send alike; only these are looked up. An allow-list: a
 * value of any other (a token in Sec-WebSocket-Protocol, an API key, a forwarded address, a
 * trace id) is the connection's own, and must not stay in the table once it is gone.
 */
const SHARED = new Set([
  "host",
  "upgrade",
  "connection",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "origin",
  "user-agent",
  "accept-encoding",
  "accept-language",
  "pragma",
  "cache-control",
]);

/**
 * One copy of the strings that many connections hold with the same value. A connection keeps
 * its upgrade request for its life, and node's parser gives each request strings of its own:
 * the raw header names ("Sec-WebSocket-Version"), values every client sends alike
 * ("websocket", the extensions, the Host, a browser's User-Agent), the HTTP version and the
 * path. Each is replaced by an equal string that other connections share, so no reader can
 * tell; the request's own copies are collected (issue 29: ~300 bytes per idle connection).
 */
export class SharedStrings {
  private readonly known = new Map<string, string>();

  /** `value`, or an equal string seen before. */
  get(value: string): string {
    if (value.length > MAX_LENGTH) return value;
    const known = this.known.get(value);
    if (known !== undefined) return known;
    if (this.known.size >= MAX_SIZE) this.known.clear();
    this.known.set(value, value);
    return value;
  }

  /**
   * Shares the strings of node's upgrade request: its header lines, the headers object made
   * from them, the HTTP version and the path; of another kind of request (a facade whose
   * header lines are a getter), its headers object and path.
   */
  shareRequest(req: AexRequest): void {
    const raw = Object.getOwnPropertyDescriptor(req, "rawHeaders");
    if (raw === undefined || !raw.writable || !Array.isArray(raw.value)) return this.shareHeaders(req);
    const lines = raw.value as string[];
    const headers = req.headers as Record<string, string | string[] | undefined>;
    for (let i = 0; i + 1 < lines.length; i += 2) {
      lines[i] = this.get(lines[i]);
      const name = lines[i].toLowerCase();
      if (!SHARED.has(name)) continue;
      const value = this.get(lines[i + 1]);
      lines[i + 1] = value;
      // The headers object holds the same string, unless the header was repeated (joined).
      if (headers[name] === value) headers[name] = value;
    }
    if (typeof req.httpVersion === "string" && Object.getOwnPropertyDescriptor(req, "httpVersion")?.writable) {
      req.httpVersion = this.get(req.httpVersion);
    }
    this.sharePath(req);
  }

  /**
   * Shares the values of the headers object of a request whose header lines are made from it
   * when read (Bun.serve's facade), and its path.
   */
  private shareHeaders(req: AexRequest): void {
    const headers = req.headers as Record<string, string | string[] | undefined>;
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === "string" && SHARED.has(name)) headers[name] = this.get(value);
    }
    this.sharePath(req);
  }

  private sharePath(req: AexRequest): void {
    if (
      typeof req.url === "string" &&
      !req.url.includes("?") &&
      Object.getOwnPropertyDescriptor(req, "url")?.writable
    ) {
      req.url = this.get(req.url);
    }
  }
}
