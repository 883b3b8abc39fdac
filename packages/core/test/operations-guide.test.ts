import { Writable } from "node:stream";
import { createApp as createLoggingApp } from "./guide/logging-app";
import { createApp as createErrorsApp, withLegacyBodies } from "./guide/errors-app";
import { lineWhere, type LogLine } from "./support/log-lines";

describe("docs/operations.md: logging and request ids", () => {
  it("logs scope.log and request lines with the trusted request id", async () => {
    const lines: LogLine[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line !== "") lines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    const aex = createLoggingApp(destination);
    const res = await aex.inject().get("/orders/9").set("x-request-id", "edge-1234");
    expect(res.status).toBe(200);
    expect(res.headers["x-request-id"]).toBe("edge-1234");
    expect(await lineWhere(lines, (l) => l.msg === "order shown")).toMatchObject({ reqId: "edge-1234", order: "9" });
    expect(await lineWhere(lines, (l) => l.msg === "request")).toMatchObject({
      reqId: "edge-1234",
      route: "/orders/:id",
      status: 200,
    });
  });
});

describe("docs/errors.md", () => {
  it("answers validation errors as problem details with errors", async () => {
    const res = await createErrorsApp().inject().post("/notes").json({ title: "" });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "The note is invalid",
      instance: "/notes",
      code: "NOTE_INVALID",
      requestId: res.headers["x-request-id"],
      errors: [{ field: "title", rule: "minLength", message: "title must not be empty" }],
    });
  });

  it("can send the old { statusCode, error, message } body through the error handler", async () => {
    const res = await withLegacyBodies(createErrorsApp()).inject().post("/notes").json({});
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      statusCode: 400,
      error: "Bad Request",
      message: "The note is invalid",
      code: "NOTE_INVALID",
    });
  });
});
