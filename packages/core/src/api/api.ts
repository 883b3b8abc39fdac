import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { openApiOf } from "../registry/decorator-step";
import { paginate } from "../helpers/paginate";
import { readQuery } from "../parsers/read-query";
import type { Step } from "../pipeline/types";
import { addRoute } from "../registry/registry";
import { normalizePath } from "../router/route-path";
import { methodStep } from "../pipeline/to-step";
import { callableMethods } from "./callable-methods";
import { notImplemented } from "./not-implemented";
import { bodyUnlessGet, type RestOptions } from "./rest";

const readQueryStep: Step = (req, _res, scope) => {
  readQuery(req, scope);
};

/**
 * An RPC-style endpoint at `url`. GET calls the decorated method; POST calls the
 * controller method named by the body's `action` field (methods of the class only:
 * never `constructor`, `_private` names or `Object.prototype` members), else 501. Both
 * get `scope.query` and `scope.pagination` (as `paginate()`); POST gets `scope.body`.
 *
 * @example
 * class Notes {
 *   @api("/notes")
 *   list({ res, scope }) { res.json({ page: scope.pagination.page }); }
 *   create({ res, scope }) { res.json({ created: scope.body.title }); } // POST action=create
 * }
 */
export function api(url: string, options: RestOptions = {}): AexMethodDecorator {
  const compact = options.isCompact ?? true;
  const urls = [normalizePath(url)];
  const pagination = paginate();
  return methodDecorator((holder, key) => {
    addRoute(holder, key, {
      methods: ["GET", "POST"],
      urls,
      compact,
      before: [
        { name: "query", build: () => readQueryStep },
        bodyUnlessGet(options),
        { name: "paginate", build: () => pagination, openapi: openApiOf(pagination) },
      ],
      handler: ({ instance, methodName }) => {
        const methods = callableMethods(instance, compact);
        const list = methodStep(instance, methodName, compact);
        return (req, res, scope) => {
          if (req.method !== "POST") return list(req, res, scope);
          const action = (scope.body as { action?: unknown } | undefined)?.action;
          return ((typeof action === "string" && methods.get(action)) || notImplemented)(req, res, scope);
        };
      },
    });
  });
}
