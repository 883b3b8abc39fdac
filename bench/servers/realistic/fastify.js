// Fastify as a realistic app: @fastify/helmet, @fastify/cookie with @fastify/session (its
// memory store), the order body validated by Ajv from a JSON Schema, a JSON answer.
const fastify = require("fastify")({ logger: false });
const { SECRET, answer, orderJsonSchema } = require("./order");

const port = Number(process.argv[2]);
fastify.register(require("@fastify/helmet"));
fastify.register(require("@fastify/cookie"));
fastify.register(require("@fastify/session"), {
  secret: SECRET,
  cookieName: "sid",
  // Plain HTTP on 127.0.0.1: the cookie's default `secure: true` would never come back.
  cookie: { secure: false, httpOnly: true, sameSite: "lax" },
  saveUninitialized: false,
});

/** Refuses a request whose session has no user, before its body is validated. */
function loggedIn(req, reply, done) {
  if (req.session.get("user") === undefined) reply.code(401).send({ error: "Unauthorized" });
  else done();
}

fastify.after(() => {
  fastify.post("/login", async (req) => {
    req.session.set("user", "bench");
    return { user: "bench" };
  });
  fastify.post("/orders", { onRequest: loggedIn, schema: { body: orderJsonSchema } }, (req) =>
    answer(req.session.get("user"), req.body),
  );
});
fastify.listen({ port, host: "127.0.0.1" }).then(() => console.log(`ready ${fastify.server.address().port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
