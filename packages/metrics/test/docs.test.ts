import { get } from "./support/http";
import { aex as metricsApp } from "./docs/metrics-app";

describe("docs/metrics.md", () => {
  let base: string;
  beforeAll(async () => {
    process.env.ADMIN_TOKEN = "docs-token";
    await metricsApp.start(0, "127.0.0.1");
    base = `http://127.0.0.1:${metricsApp.port}`;
  });
  afterAll(() => metricsApp.close());

  it("guards /metrics and /telemetry, and counts /orders/:id", async () => {
    expect((await get(base, "/metrics")).status).toBe(401);
    expect((await get(base, "/telemetry")).status).toBe(401);
    expect((await get(base, "/orders/7")).json()).toEqual({ id: "7" });
    const auth = { authorization: "Bearer docs-token" };
    const scrape = await get(base, "/metrics", auth);
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('http_requests_total{method="GET",route="/orders/:id",status_code="200"} 1');
    const page = await get(base, "/telemetry", auth);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
  });
});
