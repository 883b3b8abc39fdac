import type { Scope } from "../scope/scope";

/** Scope's own members, without its `[attribute: string]: any` index signature. */
type KnownMembers<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/**
 * A {@link Scope} whose slots have the given types: `ScopeWith<{ body: Note }>` reads
 * `scope.body` as a `Note`. Declare a handler's scope with it so `@body(schema)`,
 * `@query(schema)` and `@params(schema)` can check, under standard decorators, that the
 * handler expects what the schema produces. (`Scope & { body: Note }` would not do:
 * Scope's `body` is `any`, and `any & Note` is `any`.)
 *
 * @example
 * class Notes {
 *   @post("/notes")
 *   @body(z.object({ title: z.string() }))
 *   create(req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: { title: string } }>) {}
 * }
 */
export type ScopeWith<Slots extends object> = Omit<KnownMembers<Scope>, keyof Slots> &
  Slots & {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Scope's own user attributes
    [attribute: string]: any;
  };
