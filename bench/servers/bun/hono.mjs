// Hono on Bun, served by Bun.serve (Hono's own Bun adapter is `fetch: app.fetch`): the basic
// scenarios as servers/hono.js writes them; `realistic` as servers/realistic/hono.js does.
// `hono.mjs PORT secure` (the bench's hono-bun-secure): the basic scenarios with the headers Aex
// sends by default over plain HTTP, from Hono's own middlewares: secureHeaders() with Aex's CSP
// and no HSTS, and requestId() with a counter (as bun-secure's ids), so Aex is compared with
// Hono doing the same header work.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { Hono } from "hono";
import { getSignedCookie, setSignedCookie } from "hono/cookie";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { zValidator } from "@hono/zod-validator";

const require = createRequire(import.meta.url);
const { OrderSchema, SECRET, answer, helmetCsp } = require("../realistic/order");

const port = Number(process.argv[2]);
const app = new Hono();
if (process.argv[3] === "realistic") {
  const sessions = new Map();
  app.use(secureHeaders({ contentSecurityPolicy: helmetCsp }));
  app.use(async (c, next) => {
    const id = await getSignedCookie(c, SECRET, "sid");
    c.set("session", id ? sessions.get(id) : undefined);
    await next();
  });
  app.post("/login", async (c) => {
    const id = randomBytes(24).toString("base64url");
    sessions.set(id, { user: "bench" });
    await setSignedCookie(c, "sid", id, SECRET, { path: "/", httpOnly: true, sameSite: "Lax" });
    return c.json({ user: "bench" });
  });
  app.post(
    "/orders",
    async (c, next) => (c.get("session")?.user === undefined ? c.json({ error: "Unauthorized" }, 401) : next()),
    zValidator("json", OrderSchema),
    (c) => c.json(answer(c.get("session").user, c.req.valid("json"))),
  );
} else {
  if (process.argv[3] === "secure") {
    // Aex's CSP over plain HTTP is helmet's without upgrade-insecure-requests.
    const aexCsp = { ...helmetCsp };
    delete aexCsp.upgradeInsecureRequests;
    app.use(secureHeaders({ contentSecurityPolicy: aexCsp, strictTransportSecurity: false }));
    let requests = 0;
    app.use(requestId({ generator: () => `hono-${++requests}` }));
  }
  app.get("/", (c) => c.text("hello world"));
  app.get("/user/:id", (c) => c.json({ id: c.req.param("id") }));
  app.post("/echo", async (c) => c.json(await c.req.json()));
}
const server = Bun.serve({ port, hostname: "127.0.0.1", fetch: app.fetch });
console.log(`ready ${server.port}`);

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
