import type { Scope } from "../scope/scope";

/**
 * A {@link Scope} whose slots have the given types: `ScopeWith<{ body: Note }>` reads
 * `scope.body` as a `Note`. Declare a handler's scope with it so `@body(schema)`,
 * `@query(schema)` and `@params(schema)` can check, under both decorator modes, that the
 * handler expects what the schema produces. (`Scope & { body: Note }` would not do:
 * Scope's `body` is `unknown`, and `unknown & Note` is `Note`, but its `params` stays a record
 * any name reads.) {@link RouteScope} derives the slots from the route itself.
 *
 * @example
 * class Notes {
 *   @post("/notes")
 *   @body(z.object({ title: z.string() }))
 *   create(req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: { title: string } }>) {}
 * }
 */
export type ScopeWith<Slots extends object> = Omit<Scope, keyof Slots> & Slots;
