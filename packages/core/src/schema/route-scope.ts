import type { PathParams } from "../router/path-params";
import type { StandardSchemaV1 } from "./standard-schema";
import type { ScopeWith } from "./scope-with";

/** A slot's type given as a type or as a Standard Schema (its output type). */
type OutputOf<T> = T extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<T> : T;

/**
 * The {@link Scope} of one route, derived from what the route already says: `scope.params`
 * from the pattern (`RouteScope<"/notes/:id">` reads `scope.params.id` as a string, and
 * `scope.params.idd` is a compile error), and other slots from the route's schemas or types
 * (`RouteScope<"/notes/:id", { body: typeof Note }>` reads `scope.body` as the schema's
 * output). `@get`, `@post`… check that the pattern names the parameters the handler's scope
 * declares, and `@body(schema)`, `@query(schema)`, `@params(schema)` that its slots accept
 * the schemas' output: a mismatch is a compile error at the decorator.
 *
 * @example
 * const Note = z.object({ title: z.string() });
 * class Notes {
 *   @put("/notes/:id")
 *   @body(Note)
 *   update(req: AexRequest, res: AexResponse, scope: RouteScope<"/notes/:id", { body: typeof Note }>) {
 *     res.json({ id: scope.params.id, title: scope.body.title });
 *   }
 * }
 */
export type RouteScope<P extends string, Slots extends object = object> = ScopeWith<
  Omit<PatternSlots<P>, keyof Slots> & { [K in keyof Slots]: OutputOf<Slots[K]> }
>;

/** The slots a route pattern types by itself. */
interface PatternSlots<P extends string> {
  /** The route's parameters, each a string, by the names the pattern gives them. */
  params: PathParams<P>;
}
