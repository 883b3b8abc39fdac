import { AexError } from "../errors/aex-error";
import type { AexRequest } from "../http/request";
import { readQuery } from "../parsers/read-query";
import type { Pagination, Scope } from "../scope/scope";
import type { Step } from "../pipeline/types";
import { withOpenApi } from "../registry/decorator-step";

/** Where `paginate` reads `page` and `limit`. */
export type PaginationSource = "query" | "body" | "params";

/** The largest page number accepted; beyond it offsets stop meaning anything. */
const MAX_PAGE = 1_000_000;

function toInteger(value: unknown): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  const number = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  return Number.isFinite(number) ? Math.trunc(number) : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Reads page and limit from `data` into safe integers. */
export function pagination(data: unknown, defaultLimit: number, maxLimit: number): Pagination {
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const limit = clamp(toInteger(record.limit) ?? defaultLimit, 1, maxLimit);
  const page = clamp(toInteger(record.page) ?? 1, 1, MAX_PAGE);
  return { page, limit, offset: (page - 1) * limit };
}

function sourceData(type: PaginationSource, req: AexRequest, scope: Scope): unknown {
  if (type === "query") return readQuery(req, scope);
  return type === "body" ? scope.body : scope.params;
}

/**
 * A step for `@inject` that sets `scope.pagination = { page, limit, offset }` from the
 * `page` and `limit` of the query (default), body or params. Values are integers:
 * `page` ≥ 1, `1 ≤ limit ≤ maxLimit` (default the larger of 100 and `limit`), so
 * `limit=1000000000` or `page=-3` cannot hurt. From the query, it lists `page` and `limit` as
 * its route's query parameters in the OpenAPI document (`withOpenApi`).
 *
 * @example
 * class Paginator {
 *   @http("/page/query")
 *   @query()
 *   @inject(paginate(10, "query"))
 *   async list(req, res, scope) { res.json(scope.pagination); }
 * }
 */
export function paginate(limit = 20, type: PaginationSource = "query", maxLimit = Math.max(100, limit)): Step {
  if (!Number.isInteger(limit) || limit < 1 || !["query", "body", "params"].includes(type)) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", `paginate(${limit}, ${JSON.stringify(type)})`);
  }
  const step: Step = (req, _res, scope) => {
    scope.provide("pagination", pagination(sourceData(type, req, scope), limit, maxLimit));
  };
  if (type !== "query") return step;
  // What the route's OpenAPI operation lists as its query parameters (@aex/openapi reads it).
  return withOpenApi(step, {
    parameters: [
      {
        name: "page",
        in: "query",
        description: "The page, from 1",
        schema: { type: "integer", minimum: 1, maximum: MAX_PAGE, default: 1 },
      },
      {
        name: "limit",
        in: "query",
        description: `Items per page (at most ${maxLimit})`,
        schema: { type: "integer", minimum: 1, maximum: maxLimit, default: limit },
      },
    ],
  });
}
