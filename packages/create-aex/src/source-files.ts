import { hasSession, type Choices } from "./choices";
import { lines } from "./project-files";

/** src/app.ts: the controller and the app, exported for main.ts, the tests and `aex routes`. */
export function appTs(c: Choices): string {
  const session = hasSession(c);
  return lines(
    `import { Aex, get, type AexRequest, type AexResponse, type Scope } from "@aex/core";`,
    session && `import { MemoryStore, session } from "@aex/session";`,
    c.redis && `import { RedisStore } from "@aex/session/redis";`,
    c.template && `import { template } from "@aex/template";`,
    c.template && `import { nunjucks } from "@aex/template/nunjucks";`,
    c.template && `import { fileURLToPath } from "node:url";`,
    "",
    c.redis && `// Sessions in Redis when REDIS_URL is set (shared by every instance), else in memory.`,
    c.redis && `const store = process.env.REDIS_URL`,
    c.redis && `  ? new RedisStore({ url: process.env.REDIS_URL })`,
    c.redis && `  : new MemoryStore();`,
    session && !c.redis && `const store = new MemoryStore();`,
    c.template && `const views = fileURLToPath(new URL("../views", import.meta.url));`,
    (session || c.template) && "",
    `export class Hello {`,
    `  @get("/")`,
    `  home(_req: AexRequest, res: AexResponse) {`,
    `    res.json({ hello: "world" });`,
    `  }`,
    ``,
    `  @get("/hello/:name")`,
    `  hello(_req: AexRequest, res: AexResponse, scope: Scope) {`,
    `    res.json({ hello: scope.params.name });`,
    `  }`,
    session && ``,
    session && `  // The secret comes from AEX_SESSION_SECRET (a random one per process when unset).`,
    session && `  @get("/visits")`,
    session && `  @session(store)`,
    session && `  visits(_req: AexRequest, res: AexResponse, scope: Scope) {`,
    session && `    const visits = Number(scope.session.visits ?? 0) + 1;`,
    session && `    scope.session.visits = visits;`,
    session && `    res.json({ visits });`,
    session && `  }`,
    c.template && ``,
    c.template && `  @get("/page")`,
    c.template && `  @template(nunjucks, views)`,
    c.template && `  page(_req: AexRequest, res: AexResponse) {`,
    c.template && `    res.render("page", { name: "Aex" });`,
    c.template && `  }`,
    `}`,
    ``,
    `export const aex = new Aex();`,
    `aex.push(Hello);`,
  );
}

/**
 * src/env.ts: loads `.env` when there is one. main.ts imports it first, so app.ts (which
 * reads `REDIS_URL` as it loads) sees its values; a variable the environment has wins.
 */
export const ENV_TS = lines(
  `import { existsSync } from "node:fs";`,
  ``,
  `// Settings from .env (copy .env.example); the environment's own values win.`,
  `if (existsSync(".env")) process.loadEnvFile(".env");`,
);

/** src/main.ts: starts the app (and the WebSocket server) on HOST:PORT, default localhost:3000. */
export function mainTs(c: Choices): string {
  return lines(
    `import "./env.js";`,
    `import { aex } from "./app.js";`,
    c.ws && `import { WebSocketServer } from "@aex/ws";`,
    ``,
    `// HOST=0.0.0.0 in a container (the Dockerfile sets it): localhost is unreachable from outside.`,
    `const server = await aex.start(Number(process.env.PORT ?? 3000), process.env.HOST ?? "localhost");`,
    c.ws && `const ws = new WebSocketServer(server);`,
    c.ws && `ws.on(WebSocketServer.ENTER, (handler) => {`,
    c.ws && `  handler.on("echo", (data) => handler.send("echo", data));`,
    c.ws && `});`,
    !c.ws && `void server;`,
    `console.log(\`Listening on http://\${process.env.HOST ?? "localhost"}:\${aex.port}/\`);`,
  );
}

/** src/app.test.ts: node's test runner and the in-process client (no port opened). */
export function appTestTs(c: Choices): string {
  const session = hasSession(c);
  return lines(
    `import assert from "node:assert/strict";`,
    `import { test } from "node:test";`,
    `import { aex } from "./app.js";`,
    ``,
    `test("GET /hello/:name answers JSON", async () => {`,
    `  const res = await aex.inject().get("/hello/ada");`,
    `  assert.equal(res.status, 200);`,
    `  assert.match(String(res.headers["content-type"]), /^application\\/json/);`,
    `  assert.deepEqual(res.json(), { hello: "ada" });`,
    `});`,
    session && ``,
    session && `test("GET /visits counts in the session cookie", async () => {`,
    session && `  const client = aex.inject();`,
    session && `  assert.deepEqual((await client.get("/visits")).json(), { visits: 1 });`,
    session && `  assert.deepEqual((await client.get("/visits")).json(), { visits: 2 });`,
    session && `});`,
    c.template && ``,
    c.template && `test("GET /page renders the template", async () => {`,
    c.template && `  const res = await aex.inject().get("/page");`,
    c.template && `  assert.equal(res.status, 200);`,
    c.template && `  assert.match(res.text(), /Hello, Aex!/);`,
    c.template && `});`,
  );
}

export const PAGE_HTML = `<!doctype html>
<title>{{ name }}</title>
<h1>Hello, {{ name }}!</h1>
`;
