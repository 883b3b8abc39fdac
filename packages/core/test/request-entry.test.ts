import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { addRoute, methodDecorator, type AexMethodDecorator } from "@aex/core/plugin";
import { lineWhere, memoryLogger } from "./support/log-lines";

// HTTP and upgrade requests enter the app one way (app/request-entry.ts): these are the
// answers an upgrade used to miss because it had an entry of its own.

/** An upgrade route, recorded as `@ws` records one (packages/ws/src/ws-route.ts). */
const upgradeRoute = (url: string): AexMethodDecorator =>
  methodDecorator((holder, key) =>
    addRoute(holder, key, { methods: ["GET"], urls: [url], compact: false, upgrade: true }),
  );

class Live {
  @upgradeRoute("/live")
  live(_req: AexRequest, res: AexResponse) {
    res.statusCode = 200;
    res.end("would upgrade");
  }

  @get("/page")
  page(_req: AexRequest, res: AexResponse) {
    res.end("page");
  }
}

const UPGRADE = { connection: "Upgrade", upgrade: "websocket" };

describe("upgrade requests enter like any request", () => {
  it("answers an upgrade to a path with only HTTP routes with the 404 problem", async () => {
    const res = await new Aex().push(Live).inject().get("/page").set(UPGRADE);
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND", requestId: res.headers["x-request-id"] });
  });

  it("answers an upgrade with another method on a WebSocket path with 405 and Allow", async () => {
    const res = await new Aex().push(Live).inject().post("/live").set(UPGRADE);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, OPTIONS");
    expect(res.json()).toMatchObject({ status: 405, code: "AEX_METHOD_NOT_ALLOWED" });
  });

  it("regression: refuses an upgrade while the app closes with 503 AEX_SHUTTING_DOWN and Connection: close", async () => {
    const aex = new Aex({ handleSignals: false }).push(Live);
    const client = aex.inject();
    const closed = aex.close();
    const res = await client.get("/live").set(UPGRADE);
    expect(res.status).toBe(503);
    expect(res.headers.connection).toBe("close");
    expect(res.json()).toMatchObject({ status: 503, code: "AEX_SHUTTING_DOWN" });
    await closed;
  });

  it("regression: logs an upgrade in the request log, with its status", async () => {
    const { logger, lines } = memoryLogger();
    const client = new Aex({ logger, logRequests: true }).push(Live).inject();
    const res = await client.get("/page").set(UPGRADE);
    expect(res.status).toBe(404);
    const line = await lineWhere(lines, (l) => l.msg === "request");
    expect(line).toMatchObject({ method: "GET", status: 404, reqId: res.headers["x-request-id"] });
  });

  it("regression: answers an upgrade with a bad Host with 400 AEX_HOST_INVALID", async () => {
    const res = await new Aex()
      .push(Live)
      .inject()
      .get("/live")
      .set({ ...UPGRADE, host: "evil example" });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: "AEX_HOST_INVALID" });
  });
});
