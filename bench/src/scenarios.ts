// The bench's one list of scenarios and servers, and the check every server passes before
// it is loaded: read by run.mjs and instructions.mjs (from dist/) and by the bench smoke
// test (test/bench-smoke.test.ts, from this source).
import { report } from "./report";

/** An answer a realistic route must give to a request that breaks one of its rules. */
export interface Refusal {
  /** What the request does wrong, for messages. */
  readonly what: string;
  /** Send no session cookie. */
  readonly anonymous?: boolean;
  /** Send this body instead of the scenario's. */
  readonly send?: string;
  readonly status: number;
}

/** One request shape, the answer every server must give to it, and how the bench names it. */
export interface Scenario {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly send?: string;
  readonly status: number;
  /** The exact body expected (absent: any body). */
  readonly body?: string;
  /** The answer's Content-Encoding from a server that compresses (absent: none). */
  readonly encoding?: string;
  /** The request carries the session cookie `POST /login` set (realistic scenarios). */
  readonly session?: boolean;
  /** The answer carries helmet's security headers and a JSON content type. */
  readonly secure?: boolean;
  /** Requests the route must refuse, checked with the scenario. */
  readonly refusals?: readonly Refusal[];
}

const JSON_HEADERS = { "content-type": "application/json" };
const BIG = JSON.stringify(report);

/** Scenarios 7 and 8: a body of 5 fields, one a nested object. */
const NOTE = '{"title":"Hello","stars":4,"status":"draft","tags":["a","b"],"author":{"name":"Ann","age":30}}';

/**
 * The realistic scenarios' body: about 1 KB of JSON, 10 fields (two nested objects and an
 * array of objects), each with a rule: lengths, ranges, an enum, an email, patterns.
 */
export const ORDER = {
  title: "Standing desk",
  description:
    "A height-adjustable standing desk with a solid oak top, two quiet motors and four memory presets. " +
    "Delivered flat-packed with every tool needed; assembly takes about forty minutes for one person. " +
    "The frame carries up to 120 kg and moves between 62 and 128 cm. Cable tray and anti-collision " +
    "sensor included. Please ring twice at delivery: the doorbell of the back entrance is broken, " +
    "and leave the parcel with the neighbours at number 14 if nobody answers. The invoice goes to the " +
    "company address on file; the order reference must appear on it, or accounting sends it back to you.",
  quantity: 3,
  price: 396.5,
  currency: "EUR",
  tags: ["office", "furniture", "ergonomic", "oak"],
  gift: false,
  customer: { name: "Ann Example", email: "ann@example.com" },
  address: { street: "12 Long Road", city: "Springfield", zip: "12345", country: "DE" },
  items: [
    { sku: "DESK-01", qty: 1 },
    { sku: "LEG-02", qty: 4 },
    { sku: "CABLE-03", qty: 2 },
  ],
};
const ORDER_JSON = JSON.stringify(ORDER);
/** What every server answers to ORDER from the user `bench`: the total is quantity × price. */
const ORDER_ANSWER = JSON.stringify({
  user: "bench",
  title: ORDER.title,
  total: ORDER.quantity * ORDER.price,
  lines: ORDER.items.length,
});
/** ORDER with one rule broken (quantity 0, below its minimum of 1). */
const BAD_ORDER = JSON.stringify({ ...ORDER, quantity: 0 });
const ORDER_REFUSALS: readonly Refusal[] = [
  { what: "no session cookie", anonymous: true, status: 401 },
  { what: "quantity 0", send: BAD_ORDER, status: 400 },
];

export const SCENARIOS: readonly Scenario[] = [
  { id: 1, name: "GET / → text", path: "/", status: 200, body: "hello world" },
  { id: 2, name: "GET /user/:id → JSON", path: "/user/42", status: 200, body: '{"id":"42"}' },
  {
    id: 3,
    name: "POST /echo JSON body",
    path: "/echo",
    method: "POST",
    headers: JSON_HEADERS,
    send: '{"hello":"world","n":1}',
    status: 200,
    body: '{"hello":"world","n":1}',
  },
  {
    id: 4,
    name: "200 routes, GET /r150/items/42",
    path: "/r150/items/42",
    status: 200,
    body: '{"route":150,"id":"42"}',
  },
  { id: 5, name: "GET /missing → 404", path: "/missing", status: 404 },
  {
    id: 6,
    name: "3 steps (query, inject, filter)",
    path: "/steps/42?page=2",
    status: 200,
    body: '{"id":"42","page":"2","user":"bench"}',
  },
  {
    id: 7,
    name: "POST /validate JSON, 5 fields (@filter / Ajv)",
    path: "/validate",
    method: "POST",
    headers: JSON_HEADERS,
    send: NOTE,
    status: 200,
    body: '{"title":"Hello","author":"Ann"}',
  },
  {
    id: 8,
    name: "POST /validate-zod JSON, 5 fields (zod / Ajv)",
    path: "/validate-zod",
    method: "POST",
    headers: JSON_HEADERS,
    send: NOTE,
    status: 200,
    body: '{"title":"Hello","author":"Ann"}',
  },
  {
    id: 9,
    name: "realistic: security headers, session, 1 KB JSON, 10 rules",
    path: "/orders",
    method: "POST",
    headers: JSON_HEADERS,
    send: ORDER_JSON,
    status: 200,
    body: ORDER_ANSWER,
    session: true,
    secure: true,
    refusals: ORDER_REFUSALS,
  },
  {
    id: 10,
    name: "realistic, Standard Schema (zod) instead of @filter",
    path: "/orders-zod",
    method: "POST",
    headers: JSON_HEADERS,
    send: ORDER_JSON,
    status: 200,
    body: ORDER_ANSWER,
    session: true,
    secure: true,
    refusals: ORDER_REFUSALS,
  },
  // The operations pair (compress() and metrics() on or off): a 2 KB JSON answer.
  { id: 11, name: "GET /big → 2 KB JSON", path: "/big", status: 200, body: BIG },
  {
    id: 12,
    name: "GET /big, Accept-Encoding: gzip",
    path: "/big",
    headers: { "accept-encoding": "gzip" },
    status: 200,
    body: BIG,
    encoding: "gzip",
  },
  {
    id: 13,
    name: "GET /big, Accept-Encoding: gzip, deflate, br",
    path: "/big",
    headers: { "accept-encoding": "gzip, deflate, br" },
    status: 200,
    body: BIG,
    encoding: "br",
  },
  // The response cache: every request after the first is a hit (@cache; raw: a Map).
  { id: 14, name: "GET /cached → 2 KB JSON, a cache hit", path: "/cached", status: 200, body: BIG },
];

/** One process of a server: a script (relative to bench/), its arguments, the scenarios it answers. */
export interface ServerProcess {
  readonly script: string;
  readonly args?: readonly string[];
  readonly scenarios: readonly number[];
  /** It compresses answers the client accepts compressed. */
  readonly compresses?: boolean;
  /** The runtime that runs the script: node (default), or Bun (the binary of the root devDependency). */
  readonly runtime?: "node" | "bun";
}

/** The scenarios the Bun servers answer: hello, a parameter, echo, and the realistic one. */
const BUN_SCENARIOS = [1, 2, 3];

const BASIC = [1, 2, 3, 4, 5, 6];

/**
 * Every server of the bench. A framework's realistic app (its usual plugins on every
 * request) runs as a process of its own, so the plugins do not slow its other scenarios;
 * Aex and raw node:http serve everything from one process (their realistic routes opt in
 * per route).
 */
export const SERVERS: Readonly<Record<string, readonly ServerProcess[]>> = {
  raw: [{ script: "servers/raw.js", scenarios: [...BASIC, 7, 8, 9, 10, 14] }],
  aex: [{ script: "dist/aex-server.js", scenarios: [...BASIC, 7, 8, 9, 10, 14] }],
  fastify: [
    { script: "servers/fastify.js", scenarios: [...BASIC, 7, 8] },
    { script: "servers/realistic/fastify.js", scenarios: [9] },
  ],
  hono: [
    { script: "servers/hono.js", scenarios: BASIC },
    { script: "servers/realistic/hono.js", scenarios: [9] },
  ],
  koa: [
    { script: "servers/koa.js", scenarios: BASIC },
    { script: "servers/realistic/koa.js", scenarios: [9] },
  ],
  express: [
    { script: "servers/express.js", scenarios: BASIC },
    { script: "servers/realistic/express.js", scenarios: [9] },
  ],
  "nest-express": [
    { script: "dist/decorated/nest-express.mjs", scenarios: BASIC },
    { script: "dist/decorated/nest-express.mjs", args: ["realistic"], scenarios: [9] },
  ],
  "nest-fastify": [
    { script: "dist/decorated/nest-fastify.mjs", scenarios: BASIC },
    { script: "dist/decorated/nest-fastify.mjs", args: ["realistic"], scenarios: [9] },
  ],
  "routing-controllers": [
    { script: "dist/decorated/routing-controllers.mjs", scenarios: BASIC },
    { script: "dist/decorated/routing-controllers.mjs", args: ["realistic"], scenarios: [9] },
  ],
  // raw node:http sending Aex's security headers and a request id on 1 and 2: what those bytes cost.
  "raw-secure": [{ script: "servers/raw.js", args: ["secure"], scenarios: [1, 2] }],
  // Pairs for `pnpm bench:instructions`, not in the default run: the cost of logging,
  // of Fastify's helmet, of compress() and metrics().
  "aex-nolog": [{ script: "dist/aex-server.js", args: ["nolog"], scenarios: [...BASIC, 7, 8, 9, 10] }],
  "aex-log": [{ script: "dist/aex-server.js", args: ["log"], scenarios: BASIC }],
  "fastify-log": [{ script: "servers/fastify-logger.js", scenarios: [1, 2, 3, 4, 5] }],
  "fastify-helmet": [{ script: "servers/fastify-helmet.js", scenarios: BASIC }],
  "ops-off": [{ script: "dist/aex-ops-off.js", scenarios: [1, 11, 12, 13] }],
  "compress-on": [{ script: "dist/aex-compress-on.js", scenarios: [1, 11, 12, 13], compresses: true }],
  "metrics-on": [{ script: "dist/aex-metrics-on.js", scenarios: [1, 11, 12, 13] }],
  // On Bun (issue 27): Aex on its Bun transport (Bun.serve, the default under Bun), a hand-written
  // Bun.serve, Hono and Elysia on Bun. Run them together: --servers bun,bun-secure,aex-bun,hono-bun,hono-bun-secure,elysia.
  bun: [{ script: "servers/bun/by-hand.mjs", runtime: "bun", scenarios: [...BUN_SCENARIOS, 9] }],
  // The hand-written Bun.serve sending Aex's default headers (security headers, a request id) on every answer.
  "bun-secure": [
    { script: "servers/bun/by-hand.mjs", runtime: "bun", args: ["secure"], scenarios: [...BUN_SCENARIOS, 9] },
  ],
  "aex-bun": [{ script: "dist/aex-server.js", runtime: "bun", scenarios: [...BUN_SCENARIOS, 9] }],
  // Aex on Bun with its security headers and request id explicitly off: set beside `bun` and
  // `hono-bun`, which send neither, as aex-bun is beside bun-secure and hono-bun-secure.
  "aex-bun-plain": [{ script: "dist/aex-server.js", runtime: "bun", args: ["plain"], scenarios: BUN_SCENARIOS }],
  "hono-bun": [
    { script: "servers/bun/hono.mjs", runtime: "bun", scenarios: BUN_SCENARIOS },
    { script: "servers/bun/hono.mjs", runtime: "bun", args: ["realistic"], scenarios: [9] },
  ],
  // Hono on Bun sending Aex's default headers (secureHeaders() and requestId(), its own middlewares).
  "hono-bun-secure": [{ script: "servers/bun/hono.mjs", runtime: "bun", args: ["secure"], scenarios: BUN_SCENARIOS }],
  elysia: [
    { script: "servers/bun/elysia.mjs", runtime: "bun", scenarios: BUN_SCENARIOS },
    { script: "servers/bun/elysia.mjs", runtime: "bun", args: ["realistic"], scenarios: [9] },
  ],
};

/** The servers of a Bun run (`pnpm bench:bun`), the hand-written Bun.serve first: ratios are to it (and to bun-secure). */
export const BUN_SERVERS: readonly string[] = ["bun", "bun-secure", "aex-bun", "hono-bun", "hono-bun-secure", "elysia"];

/** The servers `pnpm bench` loads unless told otherwise. */
export const DEFAULT_SERVERS: readonly string[] = [
  "raw",
  "aex",
  "fastify",
  "hono",
  "koa",
  "express",
  "nest-express",
  "nest-fastify",
  "routing-controllers",
];

/** The process of `server` that answers `scenario`, if any. */
export function processFor(server: string, scenario: number): ServerProcess | undefined {
  return SERVERS[server]?.find((p) => p.scenarios.includes(scenario));
}

/** The scenario with this id. */
export function scenarioById(id: number): Scenario {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (scenario === undefined) throw new Error(`no scenario ${id}`);
  return scenario;
}

/**
 * Logs in (`POST /login`) and returns the `Cookie` header that names the new session:
 * each server signs it its own way, the bench just sends it back.
 */
export async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/login`, { method: "POST" });
  await res.text();
  const cookies = res.headers.getSetCookie().map((line) => line.split(";")[0]);
  if (!res.ok || cookies.length === 0) throw new Error(`POST /login answered ${res.status} without a cookie`);
  return cookies.join("; ");
}

/** The request of `scenario` as autocannon and fetch send it. */
export function requestOf(
  scenario: Scenario,
  cookie?: string,
): { method: string; headers: Record<string, string>; body?: string } {
  // fetch asks for gzip, deflate and br unless told otherwise; autocannon asks for nothing.
  const headers: Record<string, string> = { "accept-encoding": "identity", ...scenario.headers };
  if (scenario.session && cookie !== undefined) headers.cookie = cookie;
  return { method: scenario.method ?? "GET", headers, body: scenario.send };
}

/** helmet's headers (Aex sends the same by default): the ones every secure answer must carry. */
const SECURITY_HEADERS: Readonly<Record<string, string | RegExp>> = {
  "content-security-policy": /^default-src 'self';\s?base-uri 'self';/,
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
  "x-dns-prefetch-control": "off",
  "x-permitted-cross-domain-policies": "none",
};

/** What is wrong with one answer, or null when it is right. */
function mismatch(
  expected: { status: number; body?: string; secure?: boolean; encoding?: string | undefined },
  res: Response,
  text: string,
): string | null {
  if (res.status !== expected.status)
    return `status ${res.status} (expected ${expected.status}): ${text.slice(0, 200)}`;
  if (expected.body !== undefined && text !== expected.body) return `body ${text} (expected ${expected.body})`;
  const encoding = res.headers.get("content-encoding") ?? undefined;
  if (encoding !== expected.encoding) return `content-encoding ${encoding} (expected ${expected.encoding})`;
  if (expected.secure) {
    const type = res.headers.get("content-type") ?? "";
    if (!/^application\/json(;\s*charset=utf-8)?$/i.test(type)) return `content-type ${type}`;
    for (const [name, want] of Object.entries(SECURITY_HEADERS)) {
      const got = res.headers.get(name);
      const ok = got !== null && (typeof want === "string" ? got === want : want.test(got));
      if (!ok) return `${name}: ${got} (expected ${want})`;
    }
    if (res.headers.has("x-powered-by")) return "x-powered-by is set";
  }
  return null;
}

/**
 * Checks that the server at `base` answers `scenario` as every other server does (status,
 * body, and for secure scenarios the security headers and content type), and refuses what
 * the scenario says it must refuse. Throws with the first difference.
 */
export async function checkScenario(
  base: string,
  server: string,
  scenario: Scenario,
  cookie?: string,
  compresses = false,
): Promise<void> {
  const ask = async (request: ReturnType<typeof requestOf>) => {
    const res = await fetch(base + scenario.path, request);
    return { res, text: await res.text() };
  };
  const request = requestOf(scenario, cookie);
  const { res, text } = await ask(request);
  const wrong = mismatch({ ...scenario, encoding: compresses ? scenario.encoding : undefined }, res, text);
  if (wrong !== null) throw new Error(`${server} answers scenario ${scenario.id} (${scenario.path}) with ${wrong}`);
  for (const refusal of scenario.refusals ?? []) {
    const refused = await ask({
      ...requestOf(scenario, refusal.anonymous ? undefined : cookie),
      body: refusal.send ?? request.body,
    });
    const bad = mismatch({ status: refusal.status }, refused.res, refused.text);
    if (bad !== null) throw new Error(`${server} answers scenario ${scenario.id} with ${refusal.what} with ${bad}`);
  }
}

/**
 * Checks every scenario one process of `server` answers (logging in first when one needs
 * a session); returns the session cookie for the load that follows, if any.
 */
export async function checkProcess(base: string, server: string, proc: ServerProcess): Promise<string | undefined> {
  const needsSession = proc.scenarios.some((id) => scenarioById(id).session === true);
  const cookie = needsSession ? await login(base) : undefined;
  for (const id of proc.scenarios) await checkScenario(base, server, scenarioById(id), cookie, proc.compresses);
  return cookie;
}
