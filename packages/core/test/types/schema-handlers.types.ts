// Compiled by tsc under TC39 standard decorators (./tsconfig.json) and under
// experimentalDecorators (the repository's tsconfig.json); run by schema-types.test.ts.
// Every `@ts-expect-error` must be an error, or tsc fails ("unused directive").
import {
  body,
  controller,
  get,
  params,
  post,
  query,
  type AexRequest,
  type AexResponse,
  type RouteScope,
  type Scope,
  type ScopeWith,
} from "@aex/core";
import { z } from "zod";

const Note = z.object({ title: z.string(), stars: z.number().default(0) });
const Id = z.object({ id: z.coerce.number() });
const Page = z.object({ page: z.coerce.number().default(1) });

export class Handlers {
  @body(Note)
  exact(_req: AexRequest, _res: AexResponse, scope: ScopeWith<{ body: { title: string; stars: number } }>) {
    const title: string = scope.body.title;
    return title;
  }

  @body(Note)
  wider(_req: AexRequest, _res: AexResponse, scope: ScopeWith<{ body: { title: string } }>) {
    return scope.body.title;
  }

  @body(Note)
  plainScope(_req: AexRequest, _res: AexResponse, scope: Scope) {
    return scope.body;
  }

  @body(Note)
  noScope() {}

  @params(Id)
  @query(Page)
  stacked(_req: AexRequest, _res: AexResponse, scope: ScopeWith<{ params: { id: number }; query: { page: number } }>) {
    return scope.params.id + scope.query.page;
  }

  // @ts-expect-error title is a string, not a number
  @body(Note)
  wrongType(_req: AexRequest, _res: AexResponse, scope: ScopeWith<{ body: { title: number } }>) {
    return scope.body.title;
  }

  // @ts-expect-error the schema has no `author`
  @body(Note)
  missingField(_req: AexRequest, _res: AexResponse, scope: ScopeWith<{ body: { title: string; author: string } }>) {
    return scope.body.author;
  }

  // @ts-expect-error params.id is a number after coercion, not a string
  @params(Id)
  rawParams(_req: AexRequest, _res: AexResponse, scope: ScopeWith<{ params: { id: string } }>) {
    return scope.params.id;
  }

  // @ts-expect-error the plain Scope reads params as strings; the schema makes a number
  @params(Id)
  plainParams(_req: AexRequest, _res: AexResponse, scope: Scope) {
    return scope.params.id;
  }

  // @ts-expect-error page is a number
  @query(Page)
  wrongQuery(_req: AexRequest, _res: AexResponse, scope: ScopeWith<{ query: { page: string } }>) {
    return scope.query.page;
  }
}

export function inScope(scope: ScopeWith<{ body: { title: string } }>): void {
  // @ts-expect-error reading the body as a number
  const n: number = scope.body.title;
  void n;
}

// The route types the handler (RouteScope): params from the pattern, slots from the schemas.
@controller("/api")
export class Routes {
  @get("/notes/:id")
  one(_req: AexRequest, _res: AexResponse, scope: RouteScope<"/notes/:id">) {
    const id: string = scope.params.id;
    // @ts-expect-error the pattern names no `idd`
    return id + scope.params.idd;
  }

  @get("/files/:user/*path")
  file(_req: AexRequest, _res: AexResponse, scope: RouteScope<"/files/:user/*path">) {
    return scope.params.user + scope.params.path;
  }

  // @ts-expect-error the handler's scope reads :slug, the route names :id
  @get("/articles/:id")
  wrongParam(_req: AexRequest, _res: AexResponse, scope: RouteScope<"/articles/:slug">) {
    return scope.params.slug;
  }

  @get(["/a/:id", "/b/:id"])
  both(_req: AexRequest, _res: AexResponse, scope: RouteScope<"/a/:id">) {
    return scope.params.id;
  }

  // @ts-expect-error /b/:other names no :id
  @get(["/a/:id", "/b/:other"])
  oneMissing(_req: AexRequest, _res: AexResponse, scope: RouteScope<"/a/:id">) {
    return scope.params.id;
  }

  @post("/notes/:id")
  @body(Note)
  update(_req: AexRequest, _res: AexResponse, scope: RouteScope<"/notes/:id", { body: typeof Note }>) {
    const title: string = scope.body.title;
    const stars: number = scope.body.stars;
    return `${scope.params.id} ${title} ${stars}`;
  }

  // @ts-expect-error the body schema makes { title, stars }, the scope wants a number
  @body(Note)
  @post("/notes")
  wrongBody(_req: AexRequest, _res: AexResponse, scope: RouteScope<"/notes", { body: number }>) {
    return scope.body;
  }

  @get("/plain/:id")
  plain(_req: AexRequest, _res: AexResponse, scope: Scope) {
    // @ts-expect-error a plain Scope's body is unknown: say its type with RouteScope or a schema
    const title: string = scope.body.title;
    return title + scope.params.id;
  }
}
