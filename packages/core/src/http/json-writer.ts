import type { AexResponse } from "./response";

/**
 * Writes the JSON bodies of one route's responses in place of `JSON.stringify`:
 * `res.json(data)` (and `res.ok`, `res.send` of an object) hand `data` to the writer a step
 * set on the response (`res.jsonWriter`). `@aex/openapi`'s `@returns` sets one that checks
 * a body against its status's schema and writes it with fast-json-stringify; core knows
 * no schema. Build it once, at `prepare()`: it serves every request of its route.
 *
 * @example
 * const sorted: JsonWriter = {
 *   send(res, data) {
 *     res.typedEnd(JSON.stringify(data, Object.keys(data as object).sort()), { "content-type": "application/json" });
 *   },
 * };
 * addStep(holder, key, { name: "sorted", build: () => (_req, res) => void (res.jsonWriter = sorted) });
 */
export interface JsonWriter {
  /**
   * Sends `data` as the JSON body of `res` (its status already set), with `res.typedEnd`,
   * or answers an error with `res.failed(error)`.
   */
  send(res: AexResponse, data: unknown): void;
}
