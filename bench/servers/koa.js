const Koa = require("koa");
const Router = require("@koa/router");

const port = Number(process.argv[2]);
const app = new Koa();
// autocannon drops connections with requests in flight when it stops: not worth a log line.
app.silent = true;
const router = new Router();

async function readJson(ctx) {
  let body = "";
  ctx.req.setEncoding("utf8");
  for await (const chunk of ctx.req) body += chunk;
  return JSON.parse(body);
}

router.get("/", (ctx) => {
  ctx.type = "text/plain";
  ctx.body = "hello world";
});
router.get("/user/:id", (ctx) => {
  ctx.body = { id: ctx.params.id };
});
router.post("/echo", async (ctx) => {
  ctx.body = await readJson(ctx);
});
for (let i = 0; i < 200; i++) {
  router.get(`/r${i}/items/:id`, (ctx) => {
    ctx.body = { route: i, id: ctx.params.id };
  });
}
router.get(
  "/steps/:id",
  async (ctx, next) => {
    ctx.state.user = "bench";
    await next();
  },
  async (ctx, next) => {
    if (!/^\d+$/.test(ctx.params.id)) {
      ctx.status = 400;
      ctx.body = { error: "id" };
      return;
    }
    await next();
  },
  (ctx) => {
    ctx.body = { id: ctx.params.id, page: ctx.query.page, user: ctx.state.user };
  },
);
app.use(router.routes());
const server = app.listen(port, "127.0.0.1", () => console.log(`ready ${server.address().port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
