// Bun.serve by hand, the least work a Bun server can do (the Bun counterpart of raw.js): one
// fetch function, routing by comparing strings. Scenarios 1-3, and the realistic one (9) as
// raw.js writes it: helmet's headers as one precomputed block, a session id signed with
// HMAC-SHA256 and looked up in a Map, the body's 10 rules as plain checks.
// `by-hand.mjs PORT secure` (the bench's bun-secure): every answer also carries the headers
// Aex sends by default (its security headers, as `curl -i` shows them over plain HTTP, and a
// request id), each from one precomputed `Headers` copied per answer: what those headers cost
// on Bun, told apart from the framework's own cost (the Bun counterpart of raw-secure).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { validOrder, answer, HELMET, SECRET } = require("./hand-rules.js");

const port = Number(process.argv[2]);
const secure = process.argv[3] === "secure";

/** Aex's default security headers over plain HTTP (no HSTS; its CSP has no upgrade-insecure-requests). */
const AEX_HEADERS = [
  [
    "Content-Security-Policy",
    "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'",
  ],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-XSS-Protection", "0"],
  ["Origin-Agent-Cluster", "?1"],
  ["X-Download-Options", "noopen"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
];
const TEXT_TYPE = ["content-type", "text/plain; charset=utf-8"];
const JSON_PAIR = ["content-type", "application/json; charset=utf-8"];
let requests = 0;
/** A copy of `base` with a request id, as Aex's default echoes one. */
const withId = (base) => {
  const headers = new Headers(base);
  headers.set("x-request-id", `bun-${++requests}`);
  return headers;
};

const SECURE_TEXT = new Headers([...AEX_HEADERS, TEXT_TYPE]);
const AEX_JSON = new Headers([...AEX_HEADERS, JSON_PAIR]);
const TEXT = { "content-type": TEXT_TYPE[1] };
const JSON_TYPE = { "content-type": JSON_PAIR[1] };
const hello = secure
  ? () => new Response("hello world", { headers: withId(SECURE_TEXT) })
  : () => new Response("hello world", { headers: TEXT });
const json = secure
  ? (data, status = 200) => new Response(JSON.stringify(data), { status, headers: withId(AEX_JSON) })
  : (data, status = 200) => new Response(JSON.stringify(data), { status, headers: JSON_TYPE });
// The realistic answers carry helmet's headers (Aex's and a request id under `secure`).
const SECURE_JSON = secure ? AEX_JSON : new Headers([...HELMET, JSON_PAIR]);
const secureJson = (data, status = 200, extra) => {
  const headers = secure ? withId(SECURE_JSON) : new Headers(SECURE_JSON);
  if (extra !== undefined) for (const [name, value] of extra) headers.append(name, value);
  return new Response(JSON.stringify(data), { status, headers });
};

const sessions = new Map();
const mac = (id) => createHmac("sha256", SECRET).update(id).digest("base64url");

/** The session the request's `sid` cookie names, if its signature holds. */
function sessionOf(cookie) {
  if (cookie === null) return undefined;
  const start = cookie.startsWith("sid=") ? 4 : cookie.indexOf("; sid=") + 6;
  if (start === 5) return undefined;
  const end = cookie.indexOf(";", start);
  const value = cookie.slice(start, end === -1 ? undefined : end);
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const id = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(id));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return sessions.get(id);
}

async function order(req) {
  const session = sessionOf(req.headers.get("cookie"));
  if (session === undefined) return secureJson({ error: "Unauthorized" }, 401);
  const body = await req.json();
  if (!validOrder(body)) return secureJson({ error: "invalid" }, 400);
  return secureJson(answer(session.user, body));
}

function login() {
  const id = randomBytes(24).toString("base64url");
  sessions.set(id, { user: "bench" });
  return secureJson({ user: "bench" }, 200, [["set-cookie", `sid=${id}.${mac(id)}; Path=/; HttpOnly; SameSite=Lax`]]);
}

const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  fetch(req) {
    const url = req.url;
    const path = url.slice(url.indexOf("/", 8));
    if (req.method === "GET") {
      if (path === "/") return hello();
      if (path.startsWith("/user/")) return json({ id: path.slice(6) });
    } else if (req.method === "POST") {
      if (path === "/echo") return req.json().then((body) => json(body));
      if (path === "/login") return login();
      if (path === "/orders") return order(req);
    }
    return json({ error: "Not Found" }, 404);
  },
});
console.log(`ready ${server.port}`);

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
