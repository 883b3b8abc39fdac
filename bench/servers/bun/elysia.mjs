// Elysia on Bun (its own Bun.serve adapter, with its ahead-of-time compiled handlers): the
// basic scenarios, and with `realistic` the realistic one written Elysia's way: helmet's
// headers set for every answer (Elysia has no security-header plugin of its own), a signed
// cookie naming a session in a Map (Elysia's cookie secrets), the order checked by Elysia's
// own schema (TypeBox, `t`), a JSON answer.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { Elysia, t } from "elysia";

const require = createRequire(import.meta.url);
const { SECRET, answer, HELMET } = { ...require("../realistic/order"), ...require("./hand-rules.js") };

const port = Number(process.argv[2]);
let app = new Elysia();
if (process.argv[3] === "realistic") {
  const sessions = new Map();
  const text = (minLength, maxLength) => t.String({ minLength, maxLength });
  const Order = t.Object({
    title: text(1, 100),
    description: text(0, 2000),
    quantity: t.Integer({ minimum: 1, maximum: 100 }),
    price: t.Number({ minimum: 0, maximum: 100000 }),
    currency: t.UnionEnum(["EUR", "USD", "GBP"]),
    tags: t.Array(text(1, 20), { maxItems: 10 }),
    gift: t.Boolean(),
    customer: t.Object({ name: text(1, 100), email: t.String({ format: "email", maxLength: 200 }) }),
    address: t.Object({
      street: text(1, 200),
      city: text(1, 100),
      zip: t.String({ pattern: "^[0-9]{5}$" }),
      country: t.String({ pattern: "^[A-Z]{2}$" }),
    }),
    items: t.Array(
      t.Object({ sku: t.String({ pattern: "^[A-Z0-9-]{1,20}$" }), qty: t.Integer({ minimum: 1, maximum: 99 }) }),
      {
        minItems: 1,
        maxItems: 20,
      },
    ),
  });
  const helmet = Object.fromEntries(HELMET);
  app = app
    .onRequest(({ set }) => void Object.assign(set.headers, helmet))
    .onError(({ code, set }) => {
      if (code === "VALIDATION") {
        set.status = 400;
        return { error: "invalid" };
      }
    })
    .post(
      "/login",
      ({ cookie: { sid } }) => {
        const id = randomBytes(24).toString("base64url");
        sessions.set(id, { user: "bench" });
        sid.set({ value: id, path: "/", httpOnly: true, sameSite: "lax" });
        return { user: "bench" };
      },
      { cookie: t.Cookie({ sid: t.Optional(t.String()) }, { secrets: SECRET, sign: ["sid"] }) },
    )
    .post(
      "/orders",
      ({ body, cookie: { sid }, set }) => {
        const session = typeof sid.value === "string" ? sessions.get(sid.value) : undefined;
        if (session === undefined) {
          set.status = 401;
          return { error: "Unauthorized" };
        }
        return answer(session.user, body);
      },
      { body: Order, cookie: t.Cookie({ sid: t.Optional(t.String()) }, { secrets: SECRET, sign: ["sid"] }) },
    );
} else {
  app = app
    .get("/", () => "hello world")
    .get("/user/:id", ({ params }) => ({ id: params.id }))
    .post("/echo", ({ body }) => body);
}
app.listen({ port, hostname: "127.0.0.1" }, (server) => console.log(`ready ${server.port}`));

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
