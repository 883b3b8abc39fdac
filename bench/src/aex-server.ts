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
} from "@aex/core";

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
  .push(ManyRoutes)
  .start(port, "127.0.0.1")
  .then(() => console.log("ready"));

// Exit normally on a signal, so `node --cpu-prof` can write its profile.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
