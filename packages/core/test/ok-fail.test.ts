import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";

class Notes {
  @get("/created")
  created(_req: AexRequest, res: AexResponse) {
    res.ok({ id: 7 }, 201);
  }

  @get("/plain")
  plain(_req: AexRequest, res: AexResponse) {
    res.ok([1, 2]);
  }

  @get("/taken")
  taken(_req: AexRequest, res: AexResponse) {
    res.fail(409, "This title is taken", { code: "NOTE_TITLE_TAKEN", title: "x" });
  }

  @get("/broken")
  broken(_req: AexRequest, res: AexResponse) {
    res.fail(500, "the database said something internal");
  }
}

describe("res.ok(data, status?) and res.fail(status, detail, extra?)", () => {
  it("res.ok answers JSON with the status", async () => {
    const client = new Aex().push(Notes).inject();
    const created = await client.get("/created").execute();
    expect(created.status).toBe(201);
    expect(created.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(created.json()).toEqual({ id: 7 });
    const plain = await client.get("/plain").execute();
    expect(plain.status).toBe(200);
    expect(plain.json()).toEqual([1, 2]);
  });

  it("res.fail answers problem+json like the framework's own errors", async () => {
    const res = await new Aex().push(Notes).inject().get("/taken").set("Accept", "application/json").execute();
    expect(res.status).toBe(409);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 409,
      title: "Conflict",
      detail: "This title is taken",
      code: "NOTE_TITLE_TAKEN",
    });
  });

  it("res.fail goes through the custom error handler", async () => {
    const seen: number[] = [];
    const aex = new Aex().push(Notes);
    aex.setErrorHandler((error, _req, res) => {
      seen.push(error.status);
      res.status(error.status).end(`custom: ${error.message}`);
    });
    const res = await aex.inject().get("/taken").execute();
    expect(res.text()).toBe("custom: This title is taken");
    expect(seen).toEqual([409]);
  });

  it("res.fail(5xx) shows the detail it was given, since the handler chose it", async () => {
    const res = await new Aex().push(Notes).inject().get("/broken").set("Accept", "application/json").execute();
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ status: 500, detail: "the database said something internal" });
  });
});
