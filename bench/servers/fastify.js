const fastify = require("fastify")({ logger: false });

const port = Number(process.argv[2]);
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
// Scenarios 7 and 8: the same body checks as Aex's, as an Ajv schema Fastify compiles.
const note = {
  type: "object",
  required: ["title", "stars", "status", "tags", "author"],
  properties: {
    title: { type: "string", minLength: 1, maxLength: 100 },
    stars: { type: "integer", minimum: 0, maximum: 5 },
    status: { enum: ["draft", "published"] },
    tags: { type: "array", maxItems: 10, items: { type: "string", maxLength: 20 } },
    author: {
      type: "object",
      required: ["name", "age"],
      properties: { name: { type: "string", minLength: 1, maxLength: 50 }, age: { type: "integer", minimum: 0 } },
    },
  },
};
for (const path of ["/validate", "/validate-zod"]) {
  fastify.post(path, { schema: { body: note } }, (req) => ({ title: req.body.title, author: req.body.author.name }));
}
fastify.listen({ port, host: "127.0.0.1" }).then(() => console.log(`ready ${fastify.server.address().port}`));

// Exit normally on a signal, so `node --cpu-prof` (pnpm bench:profile) can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
