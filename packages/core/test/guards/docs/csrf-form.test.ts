import { Aex, body, get, post } from "@aex/core";
import { csrf } from "@aex/core/csrf";

const guard = csrf({ secret: process.env.CSRF_SECRET ?? "a-secret-that-signs-csrf-cookies" });

class Contact {
  @get("/contact")
  @guard
  form(_req: any, res: any, scope: any) {
    res.send(`<input type="hidden" name="_csrf" value="${scope.csrfToken}">`);
  }

  @post("/contact")
  @body("urlencoded")
  @guard
  send(_req: any, res: any, scope: any) {
    res.end(`thanks, ${scope.body.name}`);
  }
}

const aex = new Aex().push(Contact);

describe("docs/csrf.md: a form without a session (double-submit cookie)", () => {
  it("accepts the _csrf field that matches the cookie", async () => {
    const page = await aex.inject().get("/contact");
    const token = /value="([^"]+)"/.exec(page.text())![1]!;
    const cookie = String(page.headers["set-cookie"]).split(";")[0]!;
    const sent = await aex
      .inject()
      .post("/contact")
      .set("Cookie", cookie)
      .send(`name=ann&_csrf=${encodeURIComponent(token)}`, "application/x-www-form-urlencoded");
    expect(sent.text()).toBe("thanks, ann");
  });
});
