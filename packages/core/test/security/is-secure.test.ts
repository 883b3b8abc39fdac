import { connect, type IncomingHttpHeaders } from "node:http2";
import { request as httpsRequest } from "node:https";
import { Aex, get, type AexOptions, type AexRequest, type AexResponse } from "@aex/core";
import { isSecure } from "@aex/core/plugin";
import { csrf } from "@aex/core/csrf";
import { session } from "@aex/session";
import { get as fetchGet, listen } from "../support/http";
import { selfSignedCertificate } from "../support/tls";

const { key, cert } = selfSignedCertificate();

/** What a request says of itself, and what it sets: a session cookie and a CSRF cookie. */
class Probe {
  @get("/probe")
  @session(undefined, { secret: "a-session-secret-long-enough-to-sign" })
  probe(req: AexRequest, res: AexResponse, scope: any) {
    scope.session.seen = true;
    res.json({ protocol: req.protocol, secure: req.secure, isSecure: isSecure(req) });
  }

  @get("/csrf")
  @csrf()
  token(_req: AexRequest, res: AexResponse, scope: any) {
    res.json({ token: scope.csrfToken });
  }
}

interface Seen {
  /** What the handler saw: req.protocol, req.secure, isSecure(req). */
  said: { protocol: string; secure: boolean; isSecure: boolean };
  hsts: boolean;
  sessionCookieSecure: boolean;
  csrfCookieSecure: boolean;
}

function cookieSecure(setCookie: string | string[] | undefined, name: string): boolean {
  // Over HTTPS the CSRF cookie is `__Host-aex.csrf`.
  const line = ([] as string[])
    .concat(setCookie ?? [])
    .find((c) => c.startsWith(`${name}=`) || c.startsWith(`__Host-${name}=`));
  if (line === undefined) throw new Error(`no ${name} cookie`);
  return /;\s*Secure(;|$)/i.test(line);
}

function seen(probe: { status: number; headers: IncomingHttpHeaders; text: string }, token: typeof probe): Seen {
  expect(probe.status).toBe(200);
  expect(token.status).toBe(200);
  return {
    said: JSON.parse(probe.text),
    hsts: probe.headers["strict-transport-security"] === "max-age=31536000; includeSubDomains",
    sessionCookieSecure: cookieSecure(probe.headers["set-cookie"], "aex.sid"),
    csrfCookieSecure: cookieSecure(token.headers["set-cookie"], "aex.csrf"),
  };
}

const everywhere = (secure: boolean): Seen => ({
  said: { protocol: secure ? "https" : "http", secure, isSecure: secure },
  hsts: secure,
  sessionCookieSecure: secure,
  csrfCookieSecure: secure,
});

/** Over HTTP/1.1, plain or TLS. */
async function overHttp1(
  options: AexOptions,
  headers: Record<string, string>,
  tls = false,
  setup: (aex: Aex) => void = () => {},
): Promise<Seen> {
  const aex = new Aex(options);
  setup(aex);
  aex.push(Probe);
  try {
    if (!tls) {
      const base = await listen(aex);
      return seen(await asText(fetchGet(base, "/probe", headers)), await asText(fetchGet(base, "/csrf", headers)));
    }
    await aex.start({ port: 0, host: "127.0.0.1", tls: { key, cert } });
    return seen(await https1(aex.port!, "/probe", headers), await https1(aex.port!, "/csrf", headers));
  } finally {
    await aex.close();
  }
}

async function asText(res: Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>) {
  const { status, headers, text } = await res;
  return { status, headers, text };
}

function https1(port: number, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path, headers, ca: cert, servername: "localhost", agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Over HTTP/2, TLS (h2) or cleartext (h2c). */
async function overHttp2(options: AexOptions, headers: Record<string, string>, tls: boolean): Promise<Seen> {
  const aex = new Aex(options).push(Probe);
  await aex.start(0, tls ? { host: "127.0.0.1", tls: { key, cert }, http2: true } : { host: "127.0.0.1", http2: true });
  const client = tls
    ? connect(`https://localhost:${aex.port}`, { ca: cert, host: "127.0.0.1" } as never)
    : connect(`http://127.0.0.1:${aex.port}`);
  const ask = (path: string) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const stream = client.request({ ":path": path, ...headers });
      const chunks: Buffer[] = [];
      let head: IncomingHttpHeaders = {};
      stream.on("response", (h) => (head = h));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () =>
        resolve({ status: Number(head[":status"]), headers: head, text: Buffer.concat(chunks).toString() }),
      );
      stream.on("error", reject);
      stream.end();
    });
  try {
    return seen(await ask("/probe"), await ask("/csrf"));
  } finally {
    client.close();
    await aex.close();
  }
}

const PROXY_HTTPS = { "x-forwarded-proto": "https" };

describe("isSecure(req): one answer for req.protocol, req.secure, HSTS and cookies' Secure", () => {
  it("plain HTTP/1.1: not secure, and a forwarded https is not believed without trustProxy", async () => {
    expect(await overHttp1({}, {})).toEqual(everywhere(false));
    expect(await overHttp1({}, PROXY_HTTPS)).toEqual(everywhere(false));
  });

  it("plain HTTP/1.1 from a trusted TLS-terminating proxy: secure everywhere", async () => {
    expect(await overHttp1({ trustProxy: "loopback" }, PROXY_HTTPS)).toEqual(everywhere(true));
    expect(await overHttp1({ trustProxy: true }, { forwarded: "for=203.0.113.7;proto=https" })).toEqual(
      everywhere(true),
    );
    expect(await overHttp1({ trustProxy: "loopback" }, { "x-forwarded-proto": "http" })).toEqual(everywhere(false));
    // Only the peer counts: a proxy outside the trusted range is not believed.
    expect(await overHttp1({ trustProxy: "10.0.0.0/8" }, PROXY_HTTPS)).toEqual(everywhere(false));
  });

  it("HTTPS: secure everywhere; a trusted proxy that says the client used http is believed", async () => {
    expect(await overHttp1({}, {}, true)).toEqual(everywhere(true));
    expect(await overHttp1({ trustProxy: "loopback" }, { "x-forwarded-proto": "http" }, true)).toEqual(
      everywhere(false),
    );
  });

  it("HTTP/2 over TLS: secure everywhere", async () => {
    expect(await overHttp2({}, {}, true)).toEqual(everywhere(true));
  });

  // Regression: HTTP/2 looked at the socket only, so h2c behind a TLS-terminating proxy sent no HSTS.
  it("regression: h2c from a trusted TLS-terminating proxy sends HSTS and Secure cookies", async () => {
    expect(await overHttp2({ trustProxy: "loopback" }, PROXY_HTTPS, false)).toEqual(everywhere(true));
    expect(await overHttp2({}, PROXY_HTTPS, false)).toEqual(everywhere(false));
  });

  // Regression (review of the fetch shortcut): only aex.fetch's own request may say it came
  // over TLS without its socket; a `tls` property an app or middleware sets decides nothing.
  it("a req.tls set by a middleware is not believed, either way", async () => {
    const claim = (tls: boolean) => (aex: Aex) =>
      aex.use((req) => {
        // defineProperty: on Bun the request facade's own `tls` is a getter.
        Object.defineProperty(req, "tls", { value: tls, configurable: true });
      });
    expect(await overHttp1({}, {}, false, claim(true))).toEqual(everywhere(false));
    expect(await overHttp1({}, {}, true, claim(false))).toEqual(everywhere(true));
  });

  it("aex.fetch: its URL's scheme says, HSTS and the session cookie's Secure follow", async () => {
    const aex = new Aex().push(Probe);
    for (const secure of [true, false]) {
      const res = await aex.fetch(new Request(`${secure ? "https" : "http"}://example.com/probe`));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ protocol: secure ? "https" : "http", secure, isSecure: secure });
      expect(res.headers.has("strict-transport-security")).toBe(secure);
      expect(cookieSecure(res.headers.getSetCookie(), "aex.sid")).toBe(secure);
    }
  });
});
