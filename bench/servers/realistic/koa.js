// Koa as a realistic app: koa-helmet, koa-session with an in-memory external store (the
// cookie holds a signed key), @koa/bodyparser, the order body validated by zod, JSON.
const { randomBytes } = require("node:crypto");
const Koa = require("koa");
const Router = require("@koa/router");
const helmet = require("koa-helmet");
const session = require("koa-session").default;
const { bodyParser } = require("@koa/bodyparser");
const { OrderSchema, SECRET, answer } = require("./order");

const port = Number(process.argv[2]);
const app = new Koa();
app.keys = [SECRET];
// autocannon drops connections with requests in flight when it stops: not worth a log line.
app.silent = true;
const sessions = new Map();
const store = {
  get: (key) => sessions.get(key),
  set: (key, value) => void sessions.set(key, value),
  destroy: (key) => void sessions.delete(key),
};
app.use(helmet());
app.use(session({ key: "sid", store, genid: () => randomBytes(24).toString("base64url"), sameSite: "lax" }, app));
app.use(bodyParser());

const router = new Router();
router.post("/login", (ctx) => {
  ctx.session.user = "bench";
  ctx.body = { user: "bench" };
});
router.post(
  "/orders",
  async (ctx, next) => {
    if (ctx.session.user === undefined) {
      ctx.status = 401;
      ctx.body = { error: "Unauthorized" };
      return;
    }
    await next();
  },
  (ctx) => {
    const order = OrderSchema.safeParse(ctx.request.body);
    if (!order.success) {
      ctx.status = 400;
      ctx.body = { error: "invalid", issues: order.error.issues };
      return;
    }
    ctx.body = answer(ctx.session.user, order.data);
  },
);
app.use(router.routes());
const server = app.listen(port, "127.0.0.1", () => console.log(`ready ${server.address().port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
