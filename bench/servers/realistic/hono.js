// Hono as a realistic app: secureHeaders (with helmet's CSP, which it does not send by
// default), a signed cookie (hono/cookie, HMAC-SHA256) naming a session in a memory Map
// (Hono has no session middleware of its own), the order body validated by zod through
// @hono/zod-validator, a JSON answer.
const { randomBytes } = require("node:crypto");
const { Hono } = require("hono");
const { serve } = require("@hono/node-server");
const { secureHeaders } = require("hono/secure-headers");
const { getSignedCookie, setSignedCookie } = require("hono/cookie");
const { zValidator } = require("@hono/zod-validator");
const { OrderSchema, SECRET, answer, helmetCsp } = require("./order");

const port = Number(process.argv[2]);
const sessions = new Map();
const app = new Hono();
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
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => console.log(`ready ${info.port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
