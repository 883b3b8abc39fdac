import type { IncomingHttpHeaders } from "node:http";

/** The answer of a `TestRequest` (`aex.inject()`). */
export interface TestResponse {
  /** The HTTP status. */
  readonly status: number;
  /** The response headers, names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The raw body. */
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = unknown>(): T;
}
