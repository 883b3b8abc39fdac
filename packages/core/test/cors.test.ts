import { Aex, get, http, inject, Router } from "@aex/core";
import { cors, type CorsOptions } from "@aex/core/cors";
import { listen, send } from "./support/http";

class Api {
  @get("/data")
  data(_req: any, res: any) {
    res.json({ ok: true });
  }
}

async function appWith(options: CorsOptions): Promise<{ aex: Aex; base: string }> {
  const aex = new Aex();
  aex.use(cors(options));
  aex.push(Api);
  return { aex, base: await listen(aex) };
}

const preflight = (origin: string, headers: Record<string, string> = {}) => ({
  headers: { Origin: origin, "Access-Control-Request-Method": "PUT", ...headers },
});

describe("cors(options)", () => {
  it("allows any origin with '*' by default and answers preflights with 204", async () => {
    const { aex, base } = await appWith({});
    try {
      const simple = await send(base, "GET", "/data", { headers: { Origin: "https://a.example" } });
      expect(simple.headers["access-control-allow-origin"]).toBe("*");
      expect(simple.headers.vary).toBeUndefined();
      expect(simple.json()).toEqual({ ok: true });
      const pre = await send(
        base,
        "OPTIONS",
        "/data",
        preflight("https://a.example", { "Access-Control-Request-Headers": "x-token" }),
      );
      expect(pre.status).toBe(204);
      expect(pre.headers["access-control-allow-methods"]).toBe("GET,HEAD,PUT,PATCH,POST,DELETE");
      expect(pre.headers["access-control-allow-headers"]).toBe("x-token");
      expect(pre.text).toBe("");
    } finally {
      await aex.close();
    }
  });

  it.each<[string, CorsOptions["origin"], string, string | undefined]>([
    ["a string", "https://a.example", "https://a.example", "https://a.example"],
    ["a string (other origin)", "https://a.example", "https://b.example", undefined],
    ["a RegExp", /\.example\.org$/, "https://app.example.org", "https://app.example.org"],
    ["an array", ["https://a.example", /^https:\/\/c\./], "https://c.example", "https://c.example"],
    ["an array (no match)", ["https://a.example"], "https://evil.example", undefined],
    ["a function", (origin: string) => origin.endsWith(".trusted"), "https://x.trusted", "https://x.trusted"],
    ["an async function", async () => false, "https://x.trusted", undefined],
    ["an async function that allows", async (origin: string) => origin, "https://x.trusted", "https://x.trusted"],
    ["a function naming the origin", () => "https://y.example", "https://x.trusted", "https://y.example"],
    ["true (reflect)", true, "https://any.example", "https://any.example"],
  ])("origin as %s", async (_name, origin, requestOrigin, allowed) => {
    const { aex, base } = await appWith({ origin, credentials: true, exposedHeaders: ["X-Total"], maxAge: 600 });
    try {
      const simple = await send(base, "GET", "/data", { headers: { Origin: requestOrigin } });
      expect(simple.status).toBe(200);
      expect(simple.headers["access-control-allow-origin"]).toBe(allowed);
      expect(simple.headers.vary).toBe("Origin");
      expect(simple.headers["access-control-allow-credentials"]).toBe(allowed ? "true" : undefined);
      expect(simple.headers["access-control-expose-headers"]).toBe(allowed ? "X-Total" : undefined);
      const pre = await send(base, "OPTIONS", "/data", preflight(requestOrigin));
      expect(pre.status).toBe(204);
      expect(pre.headers["access-control-allow-origin"]).toBe(allowed);
      expect(pre.headers["access-control-max-age"]).toBe(allowed ? "600" : undefined);
    } finally {
      await aex.close();
    }
  });

  it("an origin function that fails answers 500 through the error path, and the app keeps serving", async () => {
    let failing = true;
    const { aex, base } = await appWith({
      origin: async () => {
        if (failing) throw new Error("origin lookup down");
        return true;
      },
    });
    try {
      const failed = await send(base, "GET", "/data", { headers: { Origin: "https://a.example" } });
      expect(failed.status).toBe(500);
      expect(failed.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(failed.json()).toMatchObject({ status: 500, code: "AEX_INTERNAL", instance: "/data" });
      expect(failed.headers["access-control-allow-origin"]).toBeUndefined();
      failing = false;
      const served = await send(base, "GET", "/data", { headers: { Origin: "https://a.example" } });
      expect(served.status).toBe(200);
      expect(served.headers["access-control-allow-origin"]).toBe("https://a.example");
    } finally {
      await aex.close();
    }
  });

  it("never reflects an origin for '*' with credentials", async () => {
    const { aex, base } = await appWith({ origin: "*", credentials: true });
    try {
      const res = await send(base, "GET", "/data", { headers: { Origin: "https://evil.example" } });
      expect(res.headers["access-control-allow-origin"]).toBe("*");
    } finally {
      await aex.close();
    }
  });

  it("uses the methods and headers given", async () => {
    const { aex, base } = await appWith({
      methods: ["GET", "POST"],
      allowedHeaders: ["Content-Type"],
      optionsSuccessStatus: 200,
    });
    try {
      const pre = await send(
        base,
        "OPTIONS",
        "/data",
        preflight("https://a.example", { "Access-Control-Request-Headers": "x-other" }),
      );
      expect(pre.status).toBe(200);
      expect(pre.headers["access-control-allow-methods"]).toBe("GET,POST");
      expect(pre.headers["access-control-allow-headers"]).toBe("Content-Type");
    } finally {
      await aex.close();
    }
  });

  it("works per router and per method", async () => {
    class PerMethod {
      @http(["get", "options"], "/method")
      @inject(cors({ origin: "https://m.example" }))
      method(_req: any, res: any) {
        res.end("method");
      }
    }
    const router = new Router().use(cors({ origin: "https://r.example" }));
    router.get("/routed", async (_req, res) => res.end("routed"));
    router.options("/routed", async (_req, res) => res.end());
    const aex = new Aex().use(router).push(PerMethod);
    const base = await listen(aex);
    try {
      const routed = await send(base, "GET", "/routed", { headers: { Origin: "https://r.example" } });
      expect(routed.headers["access-control-allow-origin"]).toBe("https://r.example");
      const method = await send(base, "GET", "/method", { headers: { Origin: "https://m.example" } });
      expect(method.headers["access-control-allow-origin"]).toBe("https://m.example");
      expect(method.text).toBe("method");
      const pre = await send(base, "OPTIONS", "/method", preflight("https://m.example"));
      expect(pre.status).toBe(204);
      expect(pre.headers["access-control-allow-origin"]).toBe("https://m.example");
    } finally {
      await aex.close();
    }
  });
});
