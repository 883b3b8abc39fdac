// Baseline: node:http with hand-written routing, the least work a server can do.
const http = require("node:http");

const port = Number(process.argv[2]);
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
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": 11 });
      return res.end("hello world");
    }
    if (req.method === "GET" && path.startsWith("/user/")) return json(res, 200, { id: path.slice(6) });
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
    json(res, 404, { error: "Not Found" });
  })
  .listen(port, "127.0.0.1", () => console.log("ready"));

// Exit normally on a signal, so `node --cpu-prof` can write its profile.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
