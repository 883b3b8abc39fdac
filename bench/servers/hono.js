const { Hono } = require("hono");
const { serve } = require("@hono/node-server");

const port = Number(process.argv[2]);
const app = new Hono();
app.get("/", (c) => c.text("hello world"));
app.get("/user/:id", (c) => c.json({ id: c.req.param("id") }));
app.post("/echo", async (c) => c.json(await c.req.json()));
for (let i = 0; i < 200; i++) app.get(`/r${i}/items/:id`, (c) => c.json({ route: i, id: c.req.param("id") }));
app.get(
  "/steps/:id",
  async (c, next) => {
    c.set("user", "bench");
    await next();
  },
  async (c, next) => (/^\d+$/.test(c.req.param("id")) ? next() : c.json({ error: "id" }, 400)),
  (c) => c.json({ id: c.req.param("id"), page: c.req.query("page"), user: c.get("user") }),
);
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => console.log(`ready ${info.port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
