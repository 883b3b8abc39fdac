import {
  Aex,
  AexError,
  Router,
  body,
  get,
  post,
  type AexRequest,
  type AexResponse,
  type IAsyncMiddleware,
} from "@aex/core";
import { metrics } from "@aex/metrics";
import { get as httpGet, listen, send } from "./support/http";

let releaseSlow: () => void = () => undefined;
let enteredSlow: () => void = () => undefined;

class Users {
  @get("/users/:id")
  user(req: AexRequest, res: AexResponse) {
    res.json({ id: req.params.id });
  }

  @post("/echo")
  @body("json")
  echo(req: AexRequest, res: AexResponse) {
    res.status(201).json(req.body);
  }

  @get("/slow")
  async slow(_req: AexRequest, res: AexResponse) {
    const held = new Promise<void>((resolve) => (releaseSlow = resolve));
    enteredSlow();
    await held;
    res.end("done");
  }
}

/** The value of one sample line, e.g. `http_requests_total{method="GET",…}`. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("metrics(options)", () => {
  const aex = new Aex().register(metrics()).push(Users);
  aex.use(new Router().get("/router/:name", (_req, res) => res.end("routed")));
  let base: string;
  beforeAll(async () => (base = await listen(aex)));
  afterAll(() => aex.close());

  it("counts requests by method, route pattern and status, never by raw URL", async () => {
    expect((await httpGet(base, "/users/1")).status).toBe(200);
    expect((await httpGet(base, "/users/2")).status).toBe(200);
    expect((await httpGet(base, "/router/x")).status).toBe(200);
    expect((await httpGet(base, "/missing/42")).status).toBe(404);
    const echo = await send(base, "POST", "/echo", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(echo.status).toBe(201);

    const res = await httpGet(base, "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = res.text;
    expect(sample(text, "http_requests_total", '{method="GET",route="/users/:id",status_code="200"}')).toBe(2);
    expect(sample(text, "http_requests_total", '{method="GET",route="/router/:name",status_code="200"}')).toBe(1);
    expect(sample(text, "http_requests_total", '{method="GET",route="(unmatched)",status_code="404"}')).toBe(1);
    expect(sample(text, "http_requests_total", '{method="POST",route="/echo",status_code="201"}')).toBe(1);
    expect(text).not.toContain("/users/1");
    expect(text).not.toContain("/missing/42");
    expect(
      sample(text, "http_request_duration_seconds_count", '{method="GET",route="/users/:id",status_code="200"}'),
    ).toBe(2);
    expect(sample(text, "http_request_size_bytes_sum", '{method="POST",route="/echo",status_code="201"}')).toBe(17);
    // res.json's `{"id":"1"}` and `{"id":"2"}`: 10 bytes each.
    expect(sample(text, "http_response_size_bytes_sum", '{method="GET",route="/users/:id",status_code="200"}')).toBe(
      20,
    );
  });

  it("includes node's process metrics and event-loop lag", async () => {
    const { text } = await httpGet(base, "/metrics");
    expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(sample(text, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(text).toContain("nodejs_heap_size_used_bytes");
  });

  it("shows requests in flight", async () => {
    const entered = new Promise<void>((resolve) => (enteredSlow = resolve));
    const slow = httpGet(base, "/slow");
    await entered;
    const during = await httpGet(base, "/metrics");
    expect(sample(during.text, "http_requests_in_flight")).toBe(1);
    releaseSlow();
    expect((await slow).text).toBe("done");
    const after = await httpGet(base, "/metrics");
    expect(sample(after.text, "http_requests_in_flight")).toBe(0);
  });
});

describe("metrics({ guard })", () => {
  const guard: IAsyncMiddleware = (req, res) => {
    if (req.get("authorization") === "Bearer s3cret") return true;
    res.status(401).json({ code: "NO_METRICS_FOR_YOU" });
    return false;
  };
  const aex = new Aex().register(metrics({ guard, path: "/internal/metrics", processMetrics: false })).push(Users);
  let base: string;
  beforeAll(async () => (base = await listen(aex)));
  afterAll(() => aex.close());

  it("refuses without the guard's consent", async () => {
    const res = await httpGet(base, "/internal/metrics");
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ code: "NO_METRICS_FOR_YOU" });
  });

  it("serves with it, and without process metrics when they are off", async () => {
    await httpGet(base, "/users/9");
    const res = await httpGet(base, "/internal/metrics", { authorization: "Bearer s3cret" });
    expect(res.status).toBe(200);
    expect(sample(res.text, "http_requests_total", '{method="GET",route="/users/:id",status_code="200"}')).toBe(1);
    expect(res.text).not.toContain("process_cpu_user_seconds_total");
  });

  it("an async guard works the same", async () => {
    const asyncGuard: IAsyncMiddleware = async (req, res) => {
      if (req.get("x-token") === "t") return;
      res.status(403).end();
      return false;
    };
    const app = new Aex().register(metrics({ guard: asyncGuard, processMetrics: false }));
    const url = await listen(app);
    expect((await httpGet(url, "/metrics")).status).toBe(403);
    expect((await httpGet(url, "/metrics", { "x-token": "t" })).status).toBe(200);
    await app.close();
  });
});

describe("metrics({ path: false }).listen(port)", () => {
  const step = metrics({ path: false, processMetrics: false });
  const aex = new Aex().register(step).push(Users);
  let base: string;
  let metricsBase: string;
  beforeAll(async () => {
    base = await listen(aex);
    const server = await step.listen(0, "127.0.0.1");
    const address = server.address();
    metricsBase = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    await step.close();
    await aex.close();
  });

  it("serves the metrics on their own port, not on the app's", async () => {
    await httpGet(base, "/users/5");
    expect((await httpGet(base, "/metrics")).status).toBe(404);
    const res = await httpGet(metricsBase, "/metrics");
    expect(res.status).toBe(200);
    expect(sample(res.text, "http_requests_total", '{method="GET",route="/users/:id",status_code="200"}')).toBe(1);
    expect(sample(res.text, "http_requests_total", '{method="GET",route="(unmatched)",status_code="404"}')).toBe(1);
  });
});

describe("metrics().websocket", () => {
  it("counts connections and messages, and two apps never share a registry", async () => {
    const one = metrics({ processMetrics: false });
    const two = metrics({ processMetrics: false });
    one.websocket.opened();
    one.websocket.opened();
    one.websocket.closed();
    one.websocket.message("in");
    one.websocket.message("out");
    one.websocket.message("out");
    const text = await one.registry.metrics();
    expect(sample(text, "websocket_connections")).toBe(1);
    expect(sample(text, "websocket_messages_total", '{direction="in"}')).toBe(1);
    expect(sample(text, "websocket_messages_total", '{direction="out"}')).toBe(2);
    expect(sample(await two.registry.metrics(), "websocket_connections")).toBe(0);
  });
});

describe("metrics() setup errors", () => {
  it.each([[{ path: "metrics" }], [{ guard: "admin" }], [{ buckets: [0.1, -1] }]])(
    "refuses %j with AEX_ERR_METRICS_OPTIONS",
    (options) => {
      let caught: unknown;
      try {
        metrics(options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AexError);
      expect((caught as AexError).code).toBe("AEX_ERR_METRICS_OPTIONS");
    },
  );
});
