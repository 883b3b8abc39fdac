// res.jsonWriter: the per-response hook through which a route's JSON bodies are written
// (@aex/openapi's @returns is one; core itself knows no schema). A plugin's own step sets it.
import { Aex, get, HttpError, type AexRequest, type AexResponse } from "@aex/core";
import { addStep, methodDecorator, type JsonWriter } from "@aex/core/plugin";

/** Writes bodies with sorted keys, and refuses a body without an id. */
const sorted: JsonWriter = {
  send(res, data) {
    if (typeof data !== "object" || data === null || !("id" in data)) {
      res.failed(new HttpError(500, "no id", { code: "TEST_NO_ID" }));
      return;
    }
    res.typedEnd(JSON.stringify(data, Object.keys(data).sort()), { "content-type": "application/x-sorted+json" });
  },
};

/** Built once, at prepare(); each request's response gets the writer. */
const sortedJson = methodDecorator((holder, key) =>
  addStep(holder, key, {
    name: "sortedJson",
    build: () => (_req, res) => {
      res.jsonWriter = sorted;
    },
  }),
);

class Notes {
  @get("/sorted/:how")
  @sortedJson
  sorted(req: AexRequest, res: AexResponse) {
    const note = { title: "Milk", id: 7 };
    if (req.params.how === "json") res.json(note);
    else if (req.params.how === "ok") res.ok(note, 201);
    else if (req.params.how === "send") res.send(note);
    else res.json({ title: "no id" });
  }

  @get("/plain")
  plain(_req: AexRequest, res: AexResponse) {
    res.json({ title: "Milk", id: 7 });
  }
}

describe("res.jsonWriter (JsonWriter)", () => {
  const aex = new Aex().push(Notes);
  afterAll(() => aex.close());

  it("writes res.json, res.ok and res.send(object) of the route whose step set it", async () => {
    for (const [how, status] of [
      ["json", 200],
      ["ok", 201],
      ["send", 200],
    ] as const) {
      const res = await aex.inject().get(`/sorted/${how}`);
      expect([how, res.status, res.headers["content-type"], res.text()]).toEqual([
        how,
        status,
        "application/x-sorted+json",
        '{"id":7,"title":"Milk"}',
      ]);
    }
  });

  it("answers what the writer fails with through the error path", async () => {
    const res = await aex.inject().get("/sorted/bad");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toMatchObject({ status: 500, code: "TEST_NO_ID" });
  });

  it("leaves other routes' responses to JSON.stringify", async () => {
    const res = await aex.inject().get("/plain");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.text()).toBe('{"title":"Milk","id":7}');
  });
});
