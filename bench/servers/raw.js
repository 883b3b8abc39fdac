// Baseline: node:http with hand-written routing, the least work a server can do.
const http = require("node:http");
const { createHmac, randomBytes, timingSafeEqual } = require("node:crypto");

const port = Number(process.argv[2]);
// `raw.js PORT secure` (the bench's raw-secure): GET / and GET /user/:id also send helmet's
// headers and a request id, as Aex's defaults do, to tell the framework's cost from the cost
// of the bytes those headers add (the load generator parses them too).
const secure = process.argv[3] === "secure";
const HELLO_HEAD = ["content-type", "text/plain; charset=utf-8", "content-length", "11"];
let requests = 0;
const nextId = () => `raw-${++requests}`;
// Content-Length spares the chunked framing: the least work node can do.
const json = (res, status, data) => {
  const body = JSON.stringify(data);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
};

http
  .createServer((req, res) => {
    const q = req.url.indexOf("?");
    const path = q === -1 ? req.url : req.url.slice(0, q);
    if (req.method === "GET" && path === "/") {
      if (secure) res.writeHead(200, [...HELMET, "x-request-id", nextId(), ...HELLO_HEAD]);
      else res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": 11 });
      return res.end("hello world");
    }
    if (req.method === "GET" && path.startsWith("/user/")) {
      if (secure) return secureJson(res, 200, { id: path.slice(6) }, ["x-request-id", nextId()]);
      return json(res, 200, { id: path.slice(6) });
    }
    if (req.method === "POST" && path === "/echo") {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => json(res, 200, JSON.parse(body)));
      return;
    }
    const items = /^\/r(\d+)\/items\/([^/]+)$/.exec(path);
    if (req.method === "GET" && items) return json(res, 200, { route: Number(items[1]), id: items[2] });
    if (req.method === "GET" && path.startsWith("/steps/")) {
      const id = path.slice(7);
      const query = new URLSearchParams(q === -1 ? "" : req.url.slice(q + 1));
      if (!/^\d+$/.test(id)) return json(res, 400, { error: "id" });
      return json(res, 200, { id, page: query.get("page"), user: "bench" });
    }
    if (req.method === "POST" && (path === "/validate" || path === "/validate-zod")) {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const n = JSON.parse(body);
        const a = n.author;
        const ok =
          typeof n.title === "string" &&
          n.title.length >= 1 &&
          n.title.length <= 100 &&
          Number.isInteger(n.stars) &&
          n.stars >= 0 &&
          n.stars <= 5 &&
          (n.status === "draft" || n.status === "published") &&
          Array.isArray(n.tags) &&
          n.tags.length <= 10 &&
          n.tags.every((t) => typeof t === "string" && t.length <= 20) &&
          typeof a === "object" &&
          a !== null &&
          typeof a.name === "string" &&
          a.name.length >= 1 &&
          a.name.length <= 50 &&
          Number.isInteger(a.age) &&
          a.age >= 0;
        if (!ok) return json(res, 400, { error: "invalid" });
        json(res, 200, { title: n.title, author: a.name });
      });
      return;
    }
    if (req.method === "GET" && path === "/cached") return cached(req, res);
    if (req.method === "POST" && path === "/login") return login(res);
    if (req.method === "POST" && (path === "/orders" || path === "/orders-zod")) return order(req, res);
    json(res, 404, { error: "Not Found" });
  })
  .listen(port, "127.0.0.1", function () {
    console.log(`ready ${this.address().port}`);
  });

// Scenario 14, a response cache by hand: the answer's head and body kept in a Map, as
// serialized the first time, and sent again as they are (the headers @cache sends).
const cache = new Map();
function cached(req, res) {
  let entry = cache.get(req.url);
  if (entry === undefined) {
    const body = JSON.stringify(require("../dist/report.js").report);
    const etag = `"${createHmac("sha1", "etag").update(body).digest("base64url")}"`;
    const head = {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      etag,
      "cache-control": "public, max-age=3600",
      "x-cache": "HIT",
    };
    cache.set(req.url, (entry = { head, body, etag }));
  }
  if (req.headers["if-none-match"] === entry.etag) {
    res.writeHead(304, { etag: entry.etag, "cache-control": "public, max-age=3600" });
    return res.end();
  }
  res.writeHead(200, entry.head);
  res.end(entry.body);
}

// The realistic scenario by hand, the least work it can take: helmet's headers as one
// precomputed block, a session id signed with HMAC-SHA256 and looked up in a Map, and the
// body's 10 rules as plain checks.
const SECRET = "bench-session-secret-0123456789abcdef";
const sessions = new Map();
const HELMET = [
  [
    "Content-Security-Policy",
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  ],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
].flat();
const secureJson = (res, status, data, extra = []) => {
  const body = JSON.stringify(data);
  res.writeHead(status, [
    ...HELMET,
    ...extra,
    "content-type",
    "application/json; charset=utf-8",
    "content-length",
    String(Buffer.byteLength(body)),
  ]);
  res.end(body);
};
const mac = (id) => createHmac("sha256", SECRET).update(id).digest("base64url");

function login(res) {
  const id = randomBytes(24).toString("base64url");
  sessions.set(id, { user: "bench" });
  secureJson(res, 200, { user: "bench" }, ["set-cookie", `sid=${id}.${mac(id)}; Path=/; HttpOnly; SameSite=Lax`]);
}

/** The session the request's `sid` cookie names, if its signature holds. */
function sessionOf(req) {
  const cookie = req.headers.cookie;
  if (cookie === undefined) return undefined;
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

const text = (v, min, max) => typeof v === "string" && v.length >= min && v.length <= max;
const int = (v, min, max) => Number.isInteger(v) && v >= min && v <= max;
const ZIP = /^[0-9]{5}$/;
const COUNTRY = /^[A-Z]{2}$/;
const SKU = /^[A-Z0-9-]{1,20}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CURRENCIES = new Set(["EUR", "USD", "GBP"]);
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** The order's 10 rules. */
function validOrder(o) {
  if (!isObject(o)) return false;
  const c = o.customer;
  const a = o.address;
  return (
    text(o.title, 1, 100) &&
    text(o.description, 0, 2000) &&
    int(o.quantity, 1, 100) &&
    typeof o.price === "number" &&
    o.price >= 0 &&
    o.price <= 100000 &&
    CURRENCIES.has(o.currency) &&
    Array.isArray(o.tags) &&
    o.tags.length <= 10 &&
    o.tags.every((t) => text(t, 1, 20)) &&
    typeof o.gift === "boolean" &&
    isObject(c) &&
    text(c.name, 1, 100) &&
    text(c.email, 3, 200) &&
    EMAIL.test(c.email) &&
    isObject(a) &&
    text(a.street, 1, 200) &&
    text(a.city, 1, 100) &&
    typeof a.zip === "string" &&
    ZIP.test(a.zip) &&
    typeof a.country === "string" &&
    COUNTRY.test(a.country) &&
    Array.isArray(o.items) &&
    o.items.length >= 1 &&
    o.items.length <= 20 &&
    o.items.every((i) => isObject(i) && typeof i.sku === "string" && SKU.test(i.sku) && int(i.qty, 1, 99))
  );
}

function order(req, res) {
  const session = sessionOf(req);
  if (session === undefined) {
    req.resume();
    return secureJson(res, 401, { error: "Unauthorized" });
  }
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    let o;
    try {
      o = JSON.parse(body);
    } catch {
      return secureJson(res, 400, { error: "invalid JSON" });
    }
    if (!validOrder(o)) return secureJson(res, 400, { error: "invalid" });
    secureJson(res, 200, { user: session.user, title: o.title, total: o.quantity * o.price, lines: o.items.length });
  });
}

// Exit normally on a signal, so `node --cpu-prof` can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
