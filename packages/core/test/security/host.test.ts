import { connect as connectH2, type ClientHttp2Session } from "node:http2";
import { connect } from "node:net";
import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";

class Hosts {
  @get("/where")
  where(req: AexRequest, res: AexResponse) {
    res.json({ host: req.headers.host ?? null });
  }
}

/** What the server answered to `request` (sent as is on a raw socket), once it closed. */
function raw(port: number, request: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      resolve({ status: Number(text.slice(9, 12)), head: text.slice(0, split), body: text.slice(split + 4) });
    });
  });
}

function expectHostInvalid(answer: { status: number; head: string; body: string }): void {
  expect(answer.status).toBe(400);
  expect(answer.head.toLowerCase()).toContain("content-type: application/problem+json");
  expect(answer.head.toLowerCase()).toContain("connection: close");
  expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: "AEX_HOST_INVALID" });
}

const isBun = typeof process.versions.bun === "string";

describe("Host (RFC 9112 §3.2) over HTTP/1.1", () => {
  const aex = new Aex({ logger: false, handleSignals: false }).push(Hosts);
  aex.attachUpgrade("/live", (_req, res) => {
    res.end("upgrade reached the app");
    return false;
  });
  let port: number;
  beforeAll(async () => {
    await aex.start(0, "127.0.0.1");
    port = aex.port!;
  });
  afterAll(() => aex.close());

  const request = (lines: string, target = "/where") => `GET ${target} HTTP/1.1\r\n${lines}Connection: close\r\n\r\n`;

  it.each([
    ["two Host lines", "Host: a.example\r\nHost: b.example\r\n"],
    ["two Host lines, spelled in other cases", "host: a.example\r\nHOST: a.example\r\n"],
    ["Host: evil example", "Host: evil example\r\n"],
    ["a path in Host", "Host: a.example/b@c\r\n"],
    ["userinfo in Host", "Host: user@a.example\r\n"],
    ["a port that is not digits", "Host: a.example:8o\r\n"],
    ["two ports", "Host: a.example:80:80\r\n"],
    ["a bad percent-escape", "Host: a%zz.example\r\n"],
    ["an unclosed IPv6 literal", "Host: [::1\r\n"],
    ["an IP literal that is no address", "Host: [not-ipv6]:80\r\n"],
    ["a non-ASCII host", "Host: bücher.example\r\n"],
  ])("regression: %s is answered 400 AEX_HOST_INVALID, and the connection closes", async (_what, lines) => {
    expectHostInvalid(await raw(port, request(lines)));
  });

  it.each([
    ["example.com", "example.com"],
    ["example.com:8080", "example.com:8080"],
    ["127.0.0.1:3000", "127.0.0.1:3000"],
    ["[::1]:3000", "[::1]:3000"],
    ["[v1.fe80::a+en1]", "[v1.fe80::a+en1]"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    ["a%41.example", "a%41.example"],
    ["an empty Host (a target without authority)", ""],
  ])("accepts Host: %s", async (_what, host) => {
    const answer = await raw(port, request(`Host: ${host}\r\n`));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ host });
  });

  it("regression: a request line saying HTTP/2.0 on an HTTP/1 connection gets the same checks", async () => {
    // Node's parser takes `GET / HTTP/2.0` (httpVersionMajor 2); Bun.serve answers 505 itself.
    const twice = await raw(
      port,
      "GET /where HTTP/2.0\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n",
    );
    const none = await raw(port, "GET /where HTTP/2.0\r\nConnection: close\r\n\r\n");
    if (isBun) {
      expect([twice.status, none.status]).toEqual([505, 505]);
    } else {
      expectHostInvalid(twice);
      expectHostInvalid(none);
    }
  });

  it("leaves HTTP/1.1 without Host to the runtime, which answers 400 itself; HTTP/1.0 needs none", async () => {
    // Node (requireHostHeader) and Bun.serve both refuse it before Aex sees the request.
    const missing = await raw(port, "GET /where HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(missing.status).toBe(400);
    // regression: on Bun.serve such a request came with a bare path as its URL, and was refused 400.
    const old = await raw(port, "GET /where HTTP/1.0\r\n\r\n");
    expect(old.status).toBe(200);
    expect(JSON.parse(old.body)).toEqual({ host: null });
  });

  it("takes an absolute-form target's authority on node, and refuses one that is no host", async () => {
    const absolute = await raw(port, request("Host: ignored.example\r\n", "http://real.example:81/where"));
    expect(absolute.status).toBe(200);
    if (isBun) {
      // Bun.serve makes the URL from Host and the target's path: the target's authority never
      // reaches the app (docs/runtimes.md), so the Host line, checked, is the host.
      expect(JSON.parse(absolute.body)).toEqual({ host: "ignored.example" });
      for (const target of ["http://x%zz/where", "http://[::1/where", "http://x<y/where"]) {
        expect((await raw(port, request("Host: a.example\r\n", target))).status).toBe(200);
      }
      expectHostInvalid(await raw(port, request("Host: a.example\r\nHost: b.example\r\n", "http://a.example/where")));
      return;
    }
    expect(JSON.parse(absolute.body)).toEqual({ host: "real.example:81" });
    expectHostInvalid(await raw(port, request("Host: a.example\r\n", "http://x%zz/where")));
    expectHostInvalid(await raw(port, request("Host: a.example\r\n", "http://[::1/where")));
    // Node's parser refuses `<` in a target with its own 400.
    expect((await raw(port, request("Host: a.example\r\n", "http://x<y/where"))).status).toBe(400);
  });

  describe("on upgrade requests", () => {
    const upgrade = (lines: string) =>
      `GET /live HTTP/1.1\r\n${lines}Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n`;

    it.each([
      ["two Host lines", "Host: a.example\r\nHost: b.example\r\n"],
      ["Host: evil example", "Host: evil example\r\n"],
    ])("regression: %s is answered 400 AEX_HOST_INVALID before anything is upgraded", async (_what, lines) => {
      const answer = await raw(port, upgrade(lines));
      expect(answer.status).toBe(400);
      expect(answer.head.toLowerCase()).toContain("content-type: application/problem+json");
      expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: "AEX_HOST_INVALID" });
    });

    it("regression: an upgrade without Host is refused 400 before anything is upgraded", async () => {
      // Node refuses a plain HTTP/1.1 request without Host, but hands such an upgrade to the app,
      // which refuses it; Bun.serve refuses it itself, before the app sees it.
      const answer = await raw(port, upgrade(""));
      expect(answer.status).toBe(400);
      if (isBun) expect(answer.head.toLowerCase()).toContain("connection: close");
      else expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: "AEX_HOST_INVALID" });
    });

    it("lets an upgrade with one valid Host reach the app", async () => {
      const answer = await raw(port, upgrade("Host: a.example\r\n"));
      expect(answer.status).toBe(200);
      expect(answer.body).toBe("upgrade reached the app");
    });
  });
});

describe("Host over HTTP/2 (:authority)", () => {
  const aex = new Aex({ logger: false, handleSignals: false }).push(Hosts);
  let session: ClientHttp2Session;
  beforeAll(async () => {
    await aex.start(0, { host: "127.0.0.1", http2: true });
    session = connectH2(`http://127.0.0.1:${aex.port}`);
  });
  afterAll(async () => {
    session.close();
    await aex.close();
  });

  function h2(headers: Record<string, string>): Promise<{ status: number; body: string; rstCode?: number }> {
    return new Promise((resolve) => {
      const stream = session.request({ ":path": "/where", ...headers });
      let status = 0;
      let body = "";
      stream.on("response", (head) => (status = Number(head[":status"])));
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (body += chunk));
      stream.on("end", () => resolve({ status, body }));
      stream.on("error", () => resolve({ status, body, rstCode: stream.rstCode }));
    });
  }

  it("serves a valid :authority, and fills Host from it", async () => {
    const answer = await h2({ ":authority": "a.example:8443" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ host: "a.example:8443" });
  });

  it("regression: a Host header naming another host than :authority is answered 400 AEX_HOST_INVALID", async () => {
    const answer = await h2({ ":authority": "a.example", host: "b.example" });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: "AEX_HOST_INVALID" });
    const same = await h2({ ":authority": "a.example", host: "A.example" });
    expect(same.status).toBe(200);
  });

  it("leaves an :authority that is no host to the runtime, which resets the stream (PROTOCOL_ERROR)", async () => {
    // nghttp2 (Node) and Bun's HTTP/2 both check :authority and Host before Aex sees them.
    const answer = await h2({ ":authority": "evil example" });
    expect(answer.status).toBe(0);
    expect(answer.rstCode).toBe(1);
    expect((await h2({ host: "evil example" })).rstCode).toBe(1);
    expect((await h2({ ":authority": "a.example" })).status).toBe(200);
  });
});
