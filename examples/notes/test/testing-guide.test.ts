import { createNotesApp } from "../src/app";

describe("the notes API, in process", () => {
  const { aex } = createNotesApp({ secret: "test secret" });
  afterAll(() => aex.close());

  it("logs in, adds a note and lists it", async () => {
    const ada = aex.inject(); // keeps cookies between requests, as a browser does
    const login = await ada.post("/api/login").json({ username: "ada", password: "engine" });
    expect(login.status).toBe(200);
    expect(login.json()).toEqual({ user: "ada" });

    const added = await ada.post("/api/notes").json({ title: "first", text: "hello" });
    expect(added.status).toBe(201);
    const page = (await ada.get("/api/notes").query({ page: 1 })).json<{ notes: { title: string }[] }>();
    expect(page.notes.map((note) => note.title)).toEqual(["first"]);
  });

  it("refuses the live socket before login, and opens it after", async () => {
    const grace = aex.inject();
    const refused = await grace.ws("/live");
    expect(refused.status).toBe(401);
    expect(refused.socket).toBeNull();

    await grace.post("/api/login").json({ username: "grace", password: "cobol" });
    const live = await grace.ws("/live");
    expect(live.status).toBe(101);
    expect(await live.socket!.next("hello")).toEqual({ user: "grace" });
    live.socket!.close();
  });
});
