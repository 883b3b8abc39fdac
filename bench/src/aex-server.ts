// Aex as a user would write it: decorated controller classes.
import {
  Aex,
  body,
  filter,
  get,
  http,
  inject,
  post,
  query,
  type AexRequest,
  type AexResponse,
  type Scope,
  type ScopeWith,
} from "@aex/core";
import { z } from "zod";

// Scenarios 7 and 8: a JSON body of 5 fields, one a nested object (same checks everywhere).
const NoteSchema = z.object({
  title: z.string().min(1).max(100),
  stars: z.number().int().min(0).max(5),
  status: z.enum(["draft", "published"]),
  tags: z.array(z.string().max(20)).max(10),
  author: z.object({ name: z.string().min(1).max(50), age: z.number().int().min(0) }),
});

class Bench {
  @get("/")
  hello(_req: AexRequest, res: AexResponse) {
    res.send("hello world");
  }

  @get("/user/:id")
  user(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ id: scope.params.id });
  }

  @post("/echo")
  @body("json")
  echo(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @http("/steps/:id")
  @query()
  @inject((_req, _res, scope) => {
    scope.inner.user = "bench";
  })
  @filter({ params: { id: { type: "numeric", required: true } } })
  steps(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ id: scope.params.id, page: scope.query.page, user: scope.inner.user });
  }
}

class Validation {
  @post("/validate")
  @body("json")
  @filter({
    body: {
      title: { type: "string", required: true, minLength: 1, maxLength: 100 },
      stars: { type: "int", required: true, min: 0, max: 5 },
      status: { type: "enum", required: true, enums: ["draft", "published"] },
      tags: { type: "array", required: true, maxItems: 10, items: { type: "string", maxLength: 20 } },
      author: {
        type: "object",
        required: true,
        validate: {
          name: { type: "string", required: true, minLength: 1, maxLength: 50 },
          age: { type: "int", required: true, min: 0 },
        },
      },
    },
  })
  filtered(_req: AexRequest, res: AexResponse, scope: Scope) {
    const note = scope.extracted.body;
    res.json({ title: note.title, author: note.author.name });
  }

  @post("/validate-zod")
  @body(NoteSchema)
  zod(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: z.output<typeof NoteSchema> }>) {
    res.json({ title: scope.body.title, author: scope.body.author.name });
  }
}

/** 200 routes `/r{i}/items/:id`, registered the way a big app would: one class. */
class ManyRoutes {}
for (let i = 0; i < 200; i++) {
  const name = `route${i}`;
  Object.defineProperty(ManyRoutes.prototype, name, {
    value(_req: AexRequest, res: AexResponse, scope: Scope) {
      res.json({ route: i, id: scope.params.id });
    },
  });
  get(`/r${i}/items/:id`)(ManyRoutes.prototype, name, Object.getOwnPropertyDescriptor(ManyRoutes.prototype, name)!);
}

const port = Number(process.argv[2]);
// `nolog` as second argument: the app without its default logger (the logging cost pair).
new Aex(process.argv[3] === "nolog" ? { logger: false } : {})
  .push(Bench)
  .push(Validation)
  .push(ManyRoutes)
  .start(port, "127.0.0.1")
  .then(() => console.log("ready"));

// Exit normally on a signal, so `node --cpu-prof` can write its profile.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
