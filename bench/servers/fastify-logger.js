// Fastify with its default pino logger on (`logger: true`: two info lines per request to
// stdout), for the logging cost pair of `pnpm bench:instructions`.
const fastify = require("fastify")({ logger: true });

const port = Number(process.argv[2]);
fastify.get("/", (_req, reply) => reply.type("text/plain; charset=utf-8").send("hello world"));
fastify.get("/user/:id", (req) => ({ id: req.params.id }));
fastify.post("/echo", (req) => req.body);
for (let i = 0; i < 200; i++) fastify.get(`/r${i}/items/:id`, (req) => ({ route: i, id: req.params.id }));
fastify.listen({ port, host: "127.0.0.1" }).then(() => console.log(`ready ${fastify.server.address().port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
