import { Aex, body, get, post } from "@aex/core";
import { csrf } from "@aex/core/csrf";
import { session } from "@aex/session";

const aex = new Aex();
aex.use(session(undefined, { secret: process.env.SESSION_SECRET ?? "a-session-secret-of-32-characters!" }));
aex.use(csrf());

class Notes {
  @get("/notes/new")
  form(_req: any, res: any, scope: any) {
    res.send(`<form method="post" action="/notes">
      <input type="hidden" name="_csrf" value="${scope.csrfToken}">
      <input name="title"><button>Save</button>
    </form>`);
  }

  @post("/api/notes")
  create(_req: any, res: any) {
    res.status(201).end("saved");
  }
}
aex.push(Notes);

describe("docs/csrf.md: synchronizer tokens with a session", () => {
  it("accepts the token from the form page in X-CSRF-Token and refuses a request without it", async () => {
    const page = await aex.inject().get("/notes/new");
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text())![1]!;
    const cookie = String(page.headers["set-cookie"]).split(";")[0]!;
    const saved = await aex.inject().post("/api/notes").set({ Cookie: cookie, "X-CSRF-Token": token });
    expect(saved.status).toBe(201);
    const forged = await aex.inject().post("/api/notes").set("Cookie", cookie);
    expect(forged.status).toBe(403);
    expect(forged.json()).toMatchObject({ code: "AEX_CSRF_MISSING" });
  });
});
