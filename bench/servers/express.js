const express = require("express");

const port = Number(process.argv[2]);
const app = express();
app.get("/", (_req, res) => res.type("text/plain").send("hello world"));
app.get("/user/:id", (req, res) => res.json({ id: req.params.id }));
app.post("/echo", express.json(), (req, res) => res.json(req.body));
for (let i = 0; i < 200; i++) app.get(`/r${i}/items/:id`, (req, res) => res.json({ route: i, id: req.params.id }));
app.get(
  "/steps/:id",
  (req, _res, next) => {
    req.user = "bench";
    next();
  },
  (req, res, next) => (/^\d+$/.test(req.params.id) ? next() : res.status(400).json({ error: "id" })),
  (req, res) => res.json({ id: req.params.id, page: req.query.page, user: req.user }),
);
const server = app.listen(port, "127.0.0.1", () => console.log(`ready ${server.address().port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
