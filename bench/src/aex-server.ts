// Aex as a user would write it: decorated controller classes.
import {
  Aex,
  body,
  filter,
  get,
  http,
  HttpError,
  inject,
  post,
  query,
  type AexRequest,
  type AexOptions,
  type AexResponse,
  type FilterRules,
  type Scope,
  type ScopeWith,
} from "@aex/core";
import { cache } from "@aex/core/cache";
import { MemoryStore, session } from "@aex/session";
import { z } from "zod";
import { report } from "./report";

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

// The realistic scenario: Aex's default security headers, a signed-cookie session read
// from a memory store, a 1 KB JSON body checked against 10 rules (as @filter rules and as
// a zod schema, a Standard Schema), a JSON answer.
const sessions = {
  store: new MemoryStore(),
  options: { secret: "bench-session-secret-0123456789abcdef", name: "sid" },
};

const ORDER_RULES: FilterRules = {
  title: { type: "string", required: true, minLength: 1, maxLength: 100 },
  description: { type: "text", required: true, maxLength: 2000 },
  quantity: { type: "int", required: true, min: 1, max: 100 },
  price: { type: "float", required: true, min: 0, max: 100_000 },
  currency: { type: "enum", required: true, enums: ["EUR", "USD", "GBP"] },
  tags: { type: "array", required: true, maxItems: 10, items: { type: "string", minLength: 1, maxLength: 20 } },
  gift: { type: "bool", required: true },
  customer: {
    type: "object",
    required: true,
    validate: {
      name: { type: "string", required: true, minLength: 1, maxLength: 100 },
      email: { type: "email", required: true, maxLength: 200 },
    },
  },
  address: {
    type: "object",
    required: true,
    validate: {
      street: { type: "string", required: true, minLength: 1, maxLength: 200 },
      city: { type: "string", required: true, minLength: 1, maxLength: 100 },
      zip: { type: "regex", required: true, regex: /^[0-9]{5}$/ },
      country: { type: "regex", required: true, regex: /^[A-Z]{2}$/ },
    },
  },
  items: {
    type: "array",
    required: true,
    minItems: 1,
    maxItems: 20,
    items: {
      type: "object",
      validate: {
        sku: { type: "regex", required: true, regex: /^[A-Z0-9-]{1,20}$/ },
        qty: { type: "int", required: true, min: 1, max: 99 },
      },
    },
  },
};

const OrderSchema = z.object({
  title: z.string().min(1).max(100),
  description: z.string().max(2000),
  quantity: z.number().int().min(1).max(100),
  price: z.number().min(0).max(100_000),
  currency: z.enum(["EUR", "USD", "GBP"]),
  tags: z.array(z.string().min(1).max(20)).max(10),
  gift: z.boolean(),
  customer: z.object({ name: z.string().min(1).max(100), email: z.email().max(200) }),
  address: z.object({
    street: z.string().min(1).max(200),
    city: z.string().min(1).max(100),
    zip: z.string().regex(/^[0-9]{5}$/),
    country: z.string().regex(/^[A-Z]{2}$/),
  }),
  items: z
    .array(z.object({ sku: z.string().regex(/^[A-Z0-9-]{1,20}$/), qty: z.number().int().min(1).max(99) }))
    .min(1)
    .max(20),
});
type Order = z.output<typeof OrderSchema>;

/** Refuses a request whose session has no user, before its body is read. */
function loggedIn(_req: AexRequest, _res: AexResponse, scope: Scope): void {
  if (scope.session.user === undefined) throw new HttpError(401, "Log in first");
}

const answer = (user: string, order: Pick<Order, "title" | "quantity" | "price" | "items">) => ({
  user,
  title: order.title,
  total: order.quantity * order.price,
  lines: order.items.length,
});

class Orders {
  @post("/login")
  @session(sessions.store, sessions.options)
  login(_req: AexRequest, res: AexResponse, scope: Scope) {
    scope.session.user = "bench";
    res.json({ user: "bench" });
  }

  @post("/orders")
  @session(sessions.store, sessions.options)
  @inject(loggedIn)
  @body("json")
  @filter({ body: ORDER_RULES })
  order(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json(answer(scope.session.user, scope.extracted.body));
  }

  @post("/orders-zod")
  @session(sessions.store, sessions.options)
  @inject(loggedIn)
  @body(OrderSchema)
  orderZod(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: Order }>) {
    res.json(answer(scope.session.user, scope.body));
  }
}

/** Scenario 14: a 2 KB JSON answer kept by `@cache`; after the first request every one is a hit. */
class Cached {
  @get("/cached")
  @cache({ ttl: 3600 })
  cached(_req: AexRequest, res: AexResponse) {
    res.json(report);
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
// Second argument, for the logging cost pairs: `nolog` turns the default logger off, `log`
// adds a line per request (as Fastify's `logger: true` does); `plain` opts out of the security
// headers and the request id echo, to set beside servers that send neither (Hono, Bun.serve).
const MODES: Record<string, AexOptions> = {
  nolog: { logger: false },
  log: { logRequests: true },
  plain: { securityHeaders: false, requestId: { echo: false } },
};
new Aex(MODES[process.argv[3]] ?? {})
  .push(Bench)
  .push(Validation)
  .push(ManyRoutes)
  .push(Cached)
  .push(Orders)
  .start(port, "127.0.0.1")
  .then((server) => console.log(`ready ${(server.address() as { port: number }).port}`));

// Exit normally on a signal, so `node --cpu-prof` can write its profile.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
