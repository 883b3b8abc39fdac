import { createNotesApp } from "../src/app";

describe("examples/notes API (in-process TestClient)", () => {
  const { aex } = createNotesApp({ secret: "test" });
  afterAll(() => aex.close());

  it("serves the login page to visitors", async () => {
    const res = await aex.inject().get("/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.text()).toContain('<form id="login">');
  });

  it("serves its assets", async () => {
    const res = await aex.inject().get("/assets/app.js");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/javascript/);
  });

  it("needs a login for the API", async () => {
    const res = await aex.inject().get("/api/notes");
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({
      type: "about:blank",
      status: 401,
      title: "Unauthorized",
      detail: "Log in first",
      instance: "/api/notes",
      requestId: res.headers["x-request-id"],
    });
  });

  it("checks the login of the live socket in the same step as the API's, before the upgrade", async () => {
    const anonymous = await aex.inject().ws("/live");
    expect(anonymous.status).toBe(401);
    expect(anonymous.socket).toBeNull();
    expect(anonymous.json()).toEqual({
      type: "about:blank",
      status: 401,
      title: "Unauthorized",
      detail: "Log in first",
      instance: "/live",
      requestId: expect.any(String),
    });

    const grace = aex.inject();
    await grace.post("/api/login").json({ username: "grace", password: "cobol" });
    const live = await grace.ws("/live");
    expect(live.status).toBe(101);
    expect(await live.socket!.next("hello")).toEqual({ user: "grace" });
    const added = await grace.post("/api/notes").json({ title: "live", text: "" });
    expect(await live.socket!.next("note:added")).toEqual(added.json());
    live.socket!.close();
  });

  it("validates the login body", async () => {
    const res = await aex.inject().post("/api/login").json({ username: "a", password: "secret" });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: "AEX_FILTER_INVALID", details: { in: "body", field: "username" } });
  });

  it("logs in, adds, lists (paginated), deletes notes, and logs out", async () => {
    const ada = aex.inject();
    expect((await ada.post("/api/login").json({ username: "ada", password: "engine" })).json()).toEqual({
      user: "ada",
    });
    expect((await ada.get("/")).text()).toContain('<b id="user">ada</b>');
    for (let i = 1; i <= 12; i++) {
      const added = await ada.post("/api/notes").json({ title: `note ${i}`, text: "<b>bold?</b>" });
      expect(added.status).toBe(201);
    }
    const page1 = (await ada.get("/api/notes")).json<{ notes: { id: string; title: string }[]; total: number }>();
    expect(page1.total).toBe(12);
    expect(page1.notes).toHaveLength(10);
    expect(page1.notes[0].title).toBe("note 12");
    const page2 = (await ada.get("/api/notes").query({ page: 2 })).json<{ notes: unknown[] }>();
    expect(page2.notes).toHaveLength(2);
    expect((await ada.delete(`/api/notes/${page1.notes[0].id}`)).status).toBe(204);
    expect((await ada.delete(`/api/notes/${page1.notes[0].id}`)).status).toBe(404);
    expect((await ada.get("/api/notes")).json()).toMatchObject({ total: 11 });

    // Another user sees none of them.
    const bob = aex.inject();
    await bob.post("/api/login").json({ username: "bob", password: "builder" });
    expect((await bob.get("/api/notes")).json()).toMatchObject({ total: 0 });

    expect((await ada.post("/api/logout")).json()).toEqual({ user: null });
    expect((await ada.get("/api/notes")).status).toBe(401);
  });

  it("refuses a wrong password and an invalid note", async () => {
    const eve = aex.inject();
    await eve.post("/api/login").json({ username: "eve", password: "first" });
    const wrong = await aex.inject().post("/api/login").json({ username: "eve", password: "guess" });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ status: 401, detail: "Wrong password" });
    const empty = await eve.post("/api/notes").json({ title: "" });
    expect(empty.status).toBe(400);
    expect(empty.json()).toMatchObject({ code: "AEX_FILTER_INVALID" });
    const huge = await eve.post("/api/notes").json({ title: "x", text: "y".repeat(20_000) });
    expect(huge.status).toBe(413);
  });
});
