// Express as a realistic app: helmet, express-session (its memory store), express.json(),
// the order body validated by zod, a JSON answer.
const express = require("express");
const helmet = require("helmet");
const session = require("express-session");
const { OrderSchema, SECRET, answer } = require("./order");

const port = Number(process.argv[2]);
const app = express();
app.use(helmet());
app.use(
  session({
    secret: SECRET,
    name: "sid",
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: "lax" },
  }),
);
app.use(express.json());

app.post("/login", (req, res) => {
  req.session.user = "bench";
  res.json({ user: "bench" });
});
app.post(
  "/orders",
  (req, res, next) => (req.session.user === undefined ? res.status(401).json({ error: "Unauthorized" }) : next()),
  (req, res) => {
    const order = OrderSchema.safeParse(req.body);
    if (!order.success) return res.status(400).json({ error: "invalid", issues: order.error.issues });
    res.json(answer(req.session.user, order.data));
  },
);
const server = app.listen(port, "127.0.0.1", () => console.log(`ready ${server.address().port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
