import { createApp } from "../src/app";
import { get, send } from "../../../packages/core/test/support/http";

describe("examples/hello", () => {
  const aex = createApp("Hi");
  let base: string;
  beforeAll(async () => {
    await aex.prepare().start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;
  });
  afterAll(() => aex.close());

  it("greets on /", async () => {
    const res = await get(base, "/");
    expect(res.status).toBe(200);
    expect(res.text).toBe("Hi from Aex!");
  });

  it("reads route params", async () => {
    expect((await get(base, "/hello/Ada%20Lovelace")).text).toBe("Hi, Ada Lovelace!");
  });

  it.each(["GET", "POST"])("answers the compact handler for %s", async (method) => {
    const res = await send(base, method, "/time");
    expect(res.status).toBe(200);
    // scope.time.started is a Date: JSON sends it as an ISO string.
    const time = res.json<{ started: string; passed: number }>();
    expect(time).toEqual({ started: expect.any(String), passed: expect.any(Number) });
    expect(new Date(time.started).toISOString()).toBe(time.started);
  });

  it("does not answer /time for other methods: 405 with Allow", async () => {
    const res = await send(base, "DELETE", "/time");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, POST, OPTIONS");
  });

  it("echoes a posted body", async () => {
    expect((await send(base, "POST", "/echo", { body: "ping" })).text).toBe("ping");
  });
});
