// What a hostile HTTP/1 or HTTP/2 request gets before and after Aex sees it, on each runtime
// (docs/security.md "What the runtime answers", docs/runtimes.md).
import { connect as connectH2 } from "node:http2";
import { connect } from "node:net";
import { Aex, body, get, post, type AexRequest, type AexResponse } from "@aex/core";

class Echo {
  @get("/ok")
  ok(_req: AexRequest, res: AexResponse) {
    res.end("ok");
  }

  @post("/echo")
  @body("json")
  echo(req: AexRequest, res: AexResponse) {
    res.json({ got: req.body });
  }
}

const isBun = typeof process.versions.bun === "string";

/** Everything the server answers to `bytes` until it closes the connection. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", () => {});
    socket.on("close", () => resolve(text));
  });
}

/** What the server answers to `bytes` sent, then the client's half-close (FIN), until it closes. */
function rawThenEnd(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true }, () => socket.end(bytes));
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", () => {});
    socket.on("close", () => resolve(text));
  });
}

// Pipelined answers follow each other's bodies on the same line: status lines are found anywhere.
const statusLines = (text: string) => text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? [];

// On Bun both servers are checked: Bun.serve (the Bun transport, its default) and its node:http.
const TRANSPORTS: readonly ("node" | "bun")[] = isBun ? ["bun", "node"] : ["node"];

/** What Bun.serve answers, where it differs from the 400 of every other runtime's parser. */
const BUN_SERVE_SMUGGLING: Readonly<Record<string, readonly string[]>> = {
  "bare LF line ends": ["HTTP/1.1 505 HTTP Version Not Supported"],
  "a lower-case method": [],
  "HTTP/1.2": ["HTTP/1.1 505 HTTP Version Not Supported"],
};

describe.each(TRANSPORTS)(
  "HTTP/1 (%s transport): what the runtime answers before Aex sees the request",
  (transport) => {
    const aex = new Aex({ logger: false, handleSignals: false }).push(Echo);
    // Bun.serve: Bun's own server, whose parser differs from its node:http's in places (docs/runtimes.md).
    const bunServe = transport === "bun";
    let port: number;
    beforeAll(async () => {
      await aex.start(0, { host: "127.0.0.1", transport });
      port = aex.port!;
    });
    afterAll(() => aex.close());

    const C = "Connection: close\r\n";
    it.each([
      [
        "Transfer-Encoding and Content-Length",
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n${C}\r\n0\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n`,
      ],
      [
        "Transfer-Encoding: chunked, identity",
        `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n${C}\r\n2\r\n{}\r\n0\r\n\r\n`,
      ],
      [
        "Transfer-Encoding: xchunked",
        `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\nContent-Length: 2\r\n${C}\r\n{}`,
      ],
      [
        "a space before the colon of Transfer-Encoding",
        `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n${C}\r\n2\r\n{}\r\n0\r\n\r\n`,
      ],
      [
        "two Transfer-Encoding lines",
        `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n${C}\r\n2\r\n{}\r\n0\r\n\r\n`,
      ],
      [
        "two different Content-Length",
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n${C}\r\n{} `,
      ],
      ["Content-Length: +2", `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n${C}\r\n{}`],
      ["bare LF line ends", `POST /echo HTTP/1.1\nHost: a\nContent-Length: 2\nConnection: close\n\n{}`],
      ["an obs-fold header", `GET /ok HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n${C}\r\n`],
      ["a lower-case method", `get /ok HTTP/1.1\r\nHost: a\r\n${C}\r\n`],
      ["HTTP/1.2", `GET /ok HTTP/1.2\r\nHost: a\r\n${C}\r\n`],
      ["an authority-form target on GET", `GET a.example:443 HTTP/1.1\r\nHost: a\r\n${C}\r\n`],
    ])("smuggling and framing: %s gets the runtime's 400, one answer only", async (what, bytes) => {
      const answer = await raw(port, bytes);
      const expected = (bunServe ? BUN_SERVE_SMUGGLING[what] : undefined) ?? ["HTTP/1.1 400 Bad Request"];
      expect(statusLines(answer)).toEqual(expected);
    });

    it("an overflowing chunk size: node's and Bun.serve's 400; Bun's node:http takes it and hands the request to the app", async () => {
      const answer = await raw(
        port,
        `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n${C}\r\nFFFFFFFFFFFFFFFFF1\r\n{}\r\n0\r\n\r\n`,
      );
      // Without a Content-Type, Aex's @body refuses it (415) before reading a byte of it.
      const takenByApp = isBun && !bunServe;
      expect(statusLines(answer)).toEqual([
        takenByApp ? "HTTP/1.1 415 Unsupported Media Type" : "HTTP/1.1 400 Bad Request",
      ]);
    });

    it.each([
      [
        "a target over 16 KiB (414 would be the RFC's; the request line counts in maxHeaderSize)",
        `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: a\r\n${C}\r\n`,
      ],
      ["headers over 16 KiB", `GET /ok HTTP/1.1\r\nHost: a\r\nX-Big: ${"b".repeat(20_000)}\r\n${C}\r\n`],
    ])("%s gets the runtime's 431", async (_what, bytes) => {
      expect(statusLines(await raw(port, bytes))).toEqual(["HTTP/1.1 431 Request Header Fields Too Large"]);
    });

    it("Expect: 100-continue with a body over the limit: Aex answers 413 without saying 100 Continue (Bun.serve says it first)", async () => {
      const answer = await raw(
        port,
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 10000000\r\n\r\n`,
      );
      const expected = ["HTTP/1.1 413 Payload Too Large"];
      // Bun.serve answers 100 Continue itself as soon as the head arrived.
      expect(statusLines(answer)).toEqual(bunServe ? ["HTTP/1.1 100 Continue", ...expected] : expected);
      expect(JSON.parse(answer.slice(answer.lastIndexOf("\r\n\r\n") + 4))).toMatchObject({
        status: 413,
        code: "AEX_BODY_TOO_LARGE",
      });
    });

    it("an Expect other than 100-continue gets the runtime's 417 (Bun.serve hands it to the app)", async () => {
      const answer = await raw(
        port,
        `POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 2\r\n${C}\r\n{}`,
      );
      // Without a Content-Type, Aex's @body refuses what Bun.serve passes on (415).
      expect(statusLines(answer)).toEqual([
        bunServe ? "HTTP/1.1 415 Unsupported Media Type" : "HTTP/1.1 417 Expectation Failed",
      ]);
    });

    it("CONNECT: the connection closes without an answer (no 'connect' listener; Bun.serve: the app's 404)", async () => {
      const answer = await raw(port, `CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n${C}\r\n`);
      if (bunServe) expect(statusLines(answer)).toEqual(["HTTP/1.1 404 Not Found"]);
      else expect(answer).toBe("");
    });

    it("regression: Transfer-Encoding on HTTP/1.0, which both runtimes decode, is refused with 400 AEX_FRAMING_INVALID (RFC 9112 6.1)", async () => {
      const answer = await raw(
        port,
        `POST /echo HTTP/1.0\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      );
      expect(statusLines(answer)).toEqual(["HTTP/1.1 400 Bad Request"]);
      expect(answer.toLowerCase()).toContain("connection: close");
      // Bun.serve's parser refuses it itself, before Aex sees it.
      if (!bunServe) {
        expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ code: "AEX_FRAMING_INVALID" });
      }
    });

    it("pipelined requests are answered in order, one answer each", async () => {
      const one = "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n";
      const answer = await raw(port, one.repeat(20) + `GET /ok HTTP/1.1\r\nHost: a\r\n${C}\r\n`);
      expect(statusLines(answer)).toEqual(Array.from({ length: 21 }, () => "HTTP/1.1 200 OK"));
    });

    it.each([
      ["a dot-dot segment", "/x/../ok"],
      ["a percent-encoded dot-dot segment", "/x/%2e%2e/ok"],
      ["a dot segment", "/./ok"],
    ])(
      "%s in the target: node routes the path as sent (404); Bun.serve resolves it first (its URL is a WHATWG URL)",
      async (_what, target) => {
        const answer = await raw(port, `GET ${target} HTTP/1.1\r\nHost: a\r\n${C}\r\n`);
        expect(statusLines(answer)).toEqual([bunServe ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found"]);
      },
    );

    it("a backslash in the target: node routes it as sent (404); Bun.serve reads it as a slash", async () => {
      const answer = await raw(port, `GET /x\\..\\ok HTTP/1.1\r\nHost: a\r\n${C}\r\n`);
      expect(statusLines(answer)).toEqual([bunServe ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found"]);
    });

    it("DEL in a header value: node's 400; Bun.serve hands it to the app", async () => {
      const answer = await raw(port, `GET /ok HTTP/1.1\r\nHost: a\r\nX-A: a\x7fb\r\n${C}\r\n`);
      expect(statusLines(answer)).toEqual([bunServe ? "HTTP/1.1 200 OK" : "HTTP/1.1 400 Bad Request"]);
    });

    it("two identical Content-Length lines: node's 400; Bun (both servers) takes the one length (RFC 9112 6.3 allows either)", async () => {
      const answer = await raw(
        port,
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n${C}\r\n{}`,
      );
      expect(statusLines(answer)).toEqual([isBun ? "HTTP/1.1 200 OK" : "HTTP/1.1 400 Bad Request"]);
    });

    it("a chunked body with a trailer: node reads it; Bun.serve answers the request, then 400s the trailer and closes", async () => {
      const answer = await raw(
        port,
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n${C}\r\n2\r\n{}\r\n0\r\nX-T: 1\r\n\r\n`,
      );
      expect(statusLines(answer)).toEqual(
        bunServe ? ["HTTP/1.1 200 OK", "HTTP/1.1 400 Bad Request"] : ["HTTP/1.1 200 OK"],
      );
    });

    it("an unknown method: node's 400; Bun.serve closes the connection without an answer", async () => {
      const answer = await raw(port, `BREW /ok HTTP/1.1\r\nHost: a\r\n${C}\r\n`);
      if (bunServe) expect(answer).toBe("");
      else expect(statusLines(answer)).toEqual(["HTTP/1.1 400 Bad Request"]);
    });

    it("a body cut short by the client's half-close: node's 400; Bun.serve closes without an answer", async () => {
      const answer = await rawThenEnd(
        port,
        `POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
      );
      if (bunServe) expect(answer).toBe("");
      else expect(statusLines(answer)).toEqual(["HTTP/1.1 400 Bad Request"]);
    });

    it("200 header lines: node takes them; Bun (both servers) answers 431", async () => {
      const lines = Array.from({ length: 200 }, (_, i) => `X-H${i}: v\r\n`).join("");
      const answer = await raw(port, `GET /ok HTTP/1.1\r\nHost: a\r\n${lines}${C}\r\n`);
      expect(statusLines(answer)).toEqual([isBun ? "HTTP/1.1 431 Request Header Fields Too Large" : "HTTP/1.1 200 OK"]);
    });

    it("regression: a request line saying HTTP/2.0 is refused (node takes it, Aex answers 505 AEX_HTTP_VERSION; Bun's parser 400)", async () => {
      const answer = await raw(port, `GET /ok HTTP/2.0\r\nHost: a\r\n${C}\r\n`);
      // Bun.serve's parser answers 505 itself; Bun's node:http 400.
      expect(statusLines(answer)[0]).toMatch(isBun && !bunServe ? /^HTTP\/1\.1 400 / : /^HTTP\/[12]\.\d 505 /);
      if (!isBun) expect(answer).toContain('"code":"AEX_HTTP_VERSION"');
    });
  },
);

describe("HTTP/2: what the runtime resets before Aex sees the stream", () => {
  const aex = new Aex({ logger: false, handleSignals: false }).push(Echo);
  beforeAll(() => aex.start(0, { host: "127.0.0.1", http2: true }));
  afterAll(() => aex.close());

  it.each([
    ["an absolute-form :path", { ":path": "http://a.example/ok" }, 1],
    ["a * :path on GET", { ":path": "*" }, 1],
    ["an empty :path", { ":path": "" }, 1],
    ["a :path over the header list size", { ":path": "/" + "a".repeat(20_000) }, 11],
  ])("%s: the stream is reset (code %#)", async (_what, headers, code) => {
    const session = connectH2(`http://127.0.0.1:${aex.port}`);
    // The server's limits hold once the client acknowledged its SETTINGS (before, node allows 64 KiB).
    await new Promise((resolve) => session.once("remoteSettings", resolve));
    try {
      const rstCode = await new Promise<number | undefined>((resolve) => {
        const stream = session.request(headers);
        stream.on("response", () => resolve(-1));
        stream.on("error", () => resolve(stream.rstCode));
      });
      expect(rstCode).toBe(code);
    } finally {
      session.close();
    }
  });

  // Node 20 (and Bun) reset the stream; Node 22 and later close the whole connection (GOAWAY
  // INTERNAL_ERROR), as a bare node:http2 server does too.
  const closesSession = !isBun && Number(process.versions.node.split(".")[0]) >= 22;
  it(`a body longer than its Content-Length: ${closesSession ? "the connection is closed (GOAWAY INTERNAL_ERROR)" : "the stream is reset (PROTOCOL_ERROR)"}`, async () => {
    const session = connectH2(`http://127.0.0.1:${aex.port}`);
    session.on("error", () => {});
    try {
      const rstCode = await new Promise<number | undefined>((resolve) => {
        const stream = session.request(
          { ":path": "/echo", ":method": "POST", "content-type": "application/json", "content-length": "2" },
          { endStream: false },
        );
        stream.on("response", () => resolve(-1));
        stream.on("error", () => resolve(stream.rstCode));
        stream.end('{"a":1}');
      });
      expect(rstCode).toBe(closesSession ? 2 : 1);
    } finally {
      session.close();
    }
  });
});
