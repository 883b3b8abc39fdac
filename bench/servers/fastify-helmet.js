// Fastify with @fastify/helmet's defaults: the peer of Aex's default security headers.
const fastify = require("fastify")({ logger: false });

const port = Number(process.argv[2]);
fastify.register(require("@fastify/helmet"));
fastify.after(() => {
  fastify.get("/", (_req, reply) => reply.type("text/plain; charset=utf-8").send("hello world"));
  fastify.get("/user/:id", (req) => ({ id: req.params.id }));
  fastify.post("/echo", (req) => req.body);
  for (let i = 0; i < 200; i++) fastify.get(`/r${i}/items/:id`, (req) => ({ route: i, id: req.params.id }));
  fastify.get(
    "/steps/:id",
    {
      schema: { params: { type: "object", properties: { id: { type: "string", pattern: "^[0-9]+$" } } } },
      preHandler: (req, _reply, done) => {
        req.user = "bench";
        done();
      },
    },
    (req) => ({ id: req.params.id, page: req.query.page, user: req.user }),
  );
});
fastify.listen({ port, host: "127.0.0.1" }).then(() => console.log(`ready ${fastify.server.address().port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
